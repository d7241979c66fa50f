/**
 * The durable timeout loop: every ACTION_POLL_MS, takes the actions past their time
 * (no reply by respondBy, or a retry due after a failure) and re-sends or escalates them.
 * State lives in PostgreSQL, so a restart loses nothing; rows are taken with FOR UPDATE
 * SKIP LOCKED, so two replicas share the work and never handle one action twice.
 */
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PayloadOf } from '@datarights/contracts';
import { EventPublisher } from '@datarights/messaging';
import { appConfig } from '../config/app.config';
import { ExecutionRepository } from './execution.repository';
import { ExecutionService, type ExecutionTx } from './execution.service';
import { Clock } from '@datarights/service-kit';

const BATCH = 50;

@Injectable()
export class ActionTimeoutLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ActionTimeoutLoop.name);
  private readonly pollMs = appConfig().ACTION_POLL_MS;
  private running = false;
  private timer?: NodeJS.Timeout;
  private tickInFlight?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly repository: ExecutionRepository,
    private readonly execution: ExecutionService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(this.pollMs);
  }

  /** Before the database closes: stop scheduling and let the tick in flight commit. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tickInFlight;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tickInFlight = this.drain()
        .then((full) => this.schedule(full ? 0 : this.pollMs))
        .catch((err: unknown) => {
          this.logger.error(`timeout loop tick failed: ${(err as Error).message}`);
          this.schedule(this.pollMs);
        });
    }, delay);
  }

  /** One batch in one transaction; true if the batch was full (more may be due). */
  private async drain(): Promise<boolean> {
    const handled = await this.tick();
    return handled >= BATCH;
  }

  /** Handles the actions due now (the Clock's); returns how many. Public for tests. */
  async tick(now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const store = this.repository.in(m);
      const due = await store.takeDue(now, BATCH);
      const tx: ExecutionTx = { store, publish: (name, data) => this.publisher.publish(m, name, data as PayloadOf<typeof name>, { correlationId: (data as { requestId: string }).requestId }) };
      for (const action of due) await this.execution.onDue(tx, action, now);
      return due.length;
    });
  }
}

/**
 * The durable timeout loop of export commands: every EXPORT_POLL_MS, takes the commands
 * past their time (no whole reply by respondBy, or a retry due after a failure) and
 * re-sends or escalates them. State lives in PostgreSQL (a restart loses nothing); rows are
 * taken FOR UPDATE SKIP LOCKED, so replicas share the work and never handle one twice.
 */
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PayloadOf } from '@datarights/contracts';
import { EventPublisher } from '@datarights/messaging';
import { Clock } from '@datarights/service-kit';
import { DataLocatorConfig } from '../config/app.config';
import { CollectionRepository } from './collection.repository';
import { CollectionService, type CollectionTx } from './collection.service';

const BATCH = 50;

@Injectable()
export class ExportTimeoutLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExportTimeoutLoop.name);
  private running = false;
  private timer?: NodeJS.Timeout;
  private tickInFlight?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly repo: CollectionRepository,
    private readonly collection: CollectionService,
    private readonly clock: Clock,
    private readonly config: DataLocatorConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(this.config.EXPORT_POLL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tickInFlight;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tickInFlight = this.tick()
        .then((n) => this.schedule(n >= BATCH ? 0 : this.config.EXPORT_POLL_MS))
        .catch((err: unknown) => {
          this.logger.error(`export timeout tick failed: ${(err as Error).message}`);
          this.schedule(this.config.EXPORT_POLL_MS);
        });
    }, delay);
  }

  /** Handles the commands due now (the Clock's); returns how many. Public for tests. */
  async tick(now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const due = await this.repo.takeDue(m, now, BATCH);
      const tx: CollectionTx = { manager: m, publish: (name, data) => this.publisher.publish(m, name, data as PayloadOf<typeof name>, { correlationId: (data as { requestId: string }).requestId }) };
      for (const c of due) await this.collection.onDue(tx, c, now);
      return due.length;
    });
  }
}

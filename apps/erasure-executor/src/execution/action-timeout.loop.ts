/**
 * The durable timeout loop: every ACTION_POLL_MS, takes the actions past their time
 * (no reply by respondBy, or a retry due after a failure) and re-sends or escalates them,
 * and the Art. 19 notices without an acknowledgement in time, and reminds their recipients.
 * State lives in PostgreSQL, so a restart loses nothing; rows are taken with FOR UPDATE
 * SKIP LOCKED, so two replicas share the work and never handle one action twice.
 */
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { appConfig } from '../config/app.config';
import { ExecutionTxFactory } from './execution-tx';
import { RecipientNoticeService } from '../recipients/recipient-notice.service';
import { ExecutionService } from './execution.service';
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
    private readonly txs: ExecutionTxFactory,
    private readonly execution: ExecutionService,
    private readonly recipients: RecipientNoticeService,
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
      const tx = this.txs.forManager(m);
      const due = await tx.store.takeDue(now, BATCH);
      for (const action of due) await this.execution.onDue(tx, action, now);
      // Art. 19 notices without an acknowledgement in time: reminded, or recorded as unacknowledged.
      const notices = await tx.notices.takeDue(now, BATCH);
      for (const notice of notices) await this.recipients.onDue(tx, notice, now);
      return Math.max(due.length, notices.length);
    });
  }
}

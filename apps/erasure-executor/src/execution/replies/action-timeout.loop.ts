/**
 * The durable timeout loop: every ACTION_POLL_MS, takes the actions past their time
 * (no reply by respondBy, or a retry due after a failure) and re-sends or escalates them,
 * and the Art. 19 notices without an acknowledgement in time, and reminds their recipients.
 * State lives in PostgreSQL, so a restart loses nothing; rows are taken with FOR UPDATE
 * SKIP LOCKED, so two replicas share the work and never handle one action twice.
 */
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { ErasureExecutorConfig } from '../../config/app.config';
import { RecipientNoticeService } from '../../recipients/recipient-notice.service';
import { ExecutionTxFactory } from '../store/execution-tx';
import { RepliesService } from './replies.service';

@Injectable()
export class ActionTimeoutLoop extends PeriodicJob {
  protected readonly logger = new Logger(ActionTimeoutLoop.name);
  protected readonly everyMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly txs: ExecutionTxFactory,
    private readonly replies: RepliesService,
    private readonly recipients: RecipientNoticeService,
    private readonly clock: Clock,
    config: ErasureExecutorConfig,
  ) {
    super();
    this.everyMs = config.ACTION_POLL_MS;
  }

  /** Handles the actions and notices due at `now` (the Clock's by default); returns the larger count. Public for tests. */
  async runOnce(now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const tx = this.txs.forManager(m);
      const due = await tx.actions.takeDue(now, this.batchSize);
      for (const action of due) await this.replies.onDue(tx, action, now);
      // Art. 19 notices without an acknowledgement in time: reminded, or recorded as unacknowledged.
      const notices = await tx.notices.takeDue(now, this.batchSize);
      for (const notice of notices) await this.recipients.onDue(tx, notice, now);
      return Math.max(due.length, notices.length);
    });
  }
}

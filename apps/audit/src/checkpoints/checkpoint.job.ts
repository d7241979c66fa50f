/**
 * Signs a checkpoint every AUDIT_CHECKPOINT_EVERY_MS (a minute by default) while entries
 * are being added; nothing when the log did not move. Replicas take turns under a lock.
 */
import { Injectable, Logger } from '@nestjs/common';
import { PeriodicJob } from '@datarights/service-kit';
import { AuditConfig } from '../config/app.config';
import { CheckpointService } from './checkpoint.service';

@Injectable()
export class CheckpointJob extends PeriodicJob {
  protected readonly logger = new Logger(CheckpointJob.name);
  protected readonly everyMs: number;

  constructor(
    private readonly checkpoints: CheckpointService,
    config: AuditConfig,
  ) {
    super();
    this.everyMs = config.AUDIT_CHECKPOINT_EVERY_MS;
  }

  async runOnce(): Promise<number> {
    await this.checkpoints.checkpoint();
    return 0;
  }
}

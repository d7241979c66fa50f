/** The hold-expiry schedule (HOLD_POLL_MS): holds whose period ended → their erase actions (hold-expiry.service.ts). */
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@datarights/service-kit';
import { ErasureExecutorConfig } from '../../config/app.config';
import { ExecutionTxFactory } from '../store/execution-tx';
import { Schedule } from '../store/schedule';
import { HoldExpiryService } from './hold-expiry.service';

@Injectable()
export class HoldExpiryLoop extends Schedule {
  protected readonly logger = new Logger(HoldExpiryLoop.name);
  protected readonly everyMs: number;

  constructor(
    dataSource: DataSource,
    txs: ExecutionTxFactory,
    clock: Clock,
    config: ErasureExecutorConfig,
    private readonly holds: HoldExpiryService,
  ) {
    super(dataSource, txs, clock);
    this.everyMs = config.HOLD_POLL_MS;
  }

  runOnce(now = this.clock.now()): Promise<number> {
    // The claim, the erase command and holdExpired commit together (outbox), or not at all.
    return this.dataSource.transaction((m) => this.holds.expire(this.tx(m), now, this.batchSize));
  }
}

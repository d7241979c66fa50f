/**
 * The minimisation schedule (MINIMISATION_POLL_MS, Art. 5(1)(c)): a request whose every
 * action and hold has ended has its stored subject keys replaced by keyed hashes, and a
 * rectification's corrected values dropped: nothing will be sent again.
 */
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@datarights/service-kit';
import { ErasureExecutorConfig } from '../../config/app.config';
import { SubjectHashKey } from '../keys/subject-hash-key';
import { ExecutionTxFactory } from '../store/execution-tx';
import { Schedule } from '../store/schedule';

@Injectable()
export class KeyMinimiser extends Schedule {
  protected readonly logger = new Logger(KeyMinimiser.name);
  protected readonly everyMs: number;

  constructor(
    dataSource: DataSource,
    txs: ExecutionTxFactory,
    clock: Clock,
    config: ErasureExecutorConfig,
    private readonly key: SubjectHashKey,
  ) {
    super(dataSource, txs, clock);
    this.everyMs = config.MINIMISATION_POLL_MS;
  }

  runOnce(now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const tx = this.tx(m);
      const requests = await tx.requests.takeToMinimise(this.batchSize);
      for (const r of requests) {
        await tx.requests.setMinimisedKeys(
          r.requestId,
          this.key.hashKeys(r.subjectKeys as unknown as Record<string, unknown>),
          now,
        );
        await tx.parameters.forgetChanges(r.requestId);
        await tx.actions.forgetChanges(r.requestId);
        this.logger.log(`request ${r.requestId}: stored subject keys minimised (every action and hold ended)`);
      }
      return requests.length;
    });
  }
}

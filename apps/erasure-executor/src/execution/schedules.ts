/**
 * The executor's durable schedules in PostgreSQL, each a periodic run in one transaction
 * with rows taken FOR UPDATE SKIP LOCKED (replicas share the work, a row is done once;
 * a restart loses nothing):
 * - HoldExpiryLoop (HOLD_POLL_MS): holds whose period ended → their erase actions;
 * - KeyMinimiser (MINIMISATION_POLL_MS): requests with every action and hold ended → their
 *   stored subject keys replaced by keyed hashes.
 * Both read the Clock.
 */
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { ErasureExecutorConfig } from '../config/app.config';
import { ExecutionTxFactory, type ExecutionTx } from './execution-tx';
import { HoldExpiryService } from './hold-expiry.service';
import { hashKeys, resolveSubjectHashKey } from './subject-hash';

/** A schedule of the executor: a PeriodicJob in its own transaction, run again at once when the clock jumps (tests, demos). */
abstract class Schedule extends PeriodicJob {
  constructor(
    protected readonly dataSource: DataSource,
    protected readonly txs: ExecutionTxFactory,
    protected readonly clock: Clock,
  ) {
    super();
    clock.onChange(() => this.kick());
  }

  /** One batch at `now` (the clock's by default); returns how many rows it handled. Public for tests. */
  abstract override runOnce(now?: Date): Promise<number>;

  protected tx(m: EntityManager): ExecutionTx {
    return this.txs.forManager(m);
  }
}

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

@Injectable()
export class KeyMinimiser extends Schedule {
  protected readonly logger = new Logger(KeyMinimiser.name);
  protected readonly everyMs: number;
  private readonly key: string;

  constructor(dataSource: DataSource, txs: ExecutionTxFactory, clock: Clock, config: ErasureExecutorConfig) {
    super(dataSource, txs, clock);
    this.everyMs = config.MINIMISATION_POLL_MS;
    // Throws in production without a key: the service does not start.
    this.key = resolveSubjectHashKey(config.SUBJECT_HASH_KEY, config.NODE_ENV, (m) => this.logger.warn(m));
  }

  runOnce(now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const store = this.tx(m).store;
      const requests = await store.takeToMinimise(this.batchSize);
      for (const r of requests) {
        await store.setMinimisedKeys(
          r.requestId,
          hashKeys(this.key, r.subjectKeys as unknown as Record<string, unknown>),
          now,
        );
        await store.forgetChanges(r.requestId);
        this.logger.log(`request ${r.requestId}: stored subject keys minimised (every action and hold ended)`);
      }
      return requests.length;
    });
  }
}

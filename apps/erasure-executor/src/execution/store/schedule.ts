/**
 * The executor's durable schedules in PostgreSQL, each a periodic run in one transaction
 * with rows taken FOR UPDATE SKIP LOCKED (replicas share the work, a row is done once;
 * a restart loses nothing): holds whose period ended (../erasure/hold-expiry.loop.ts) and
 * the minimisation of stored subject keys (../minimisation/key-minimiser.ts). Both read
 * the Clock, and run again at once when it jumps (tests, demos).
 */
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { ExecutionTxFactory, type ExecutionTx } from './execution-tx';

export abstract class Schedule extends PeriodicJob {
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

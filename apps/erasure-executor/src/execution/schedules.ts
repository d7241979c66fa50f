/**
 * The executor's durable schedules in PostgreSQL, each a periodic run in one transaction
 * with rows taken FOR UPDATE SKIP LOCKED (replicas share the work, a row is done once;
 * a restart loses nothing):
 * - HoldExpiryLoop (HOLD_POLL_MS): holds whose period ended → their erase actions;
 * - KeyMinimiser (MINIMISATION_POLL_MS): requests with every action and hold ended → their
 *   stored subject keys replaced by keyed hashes.
 * Both read the Clock.
 */
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ErasureExecutorConfig } from '../config/app.config';
import { ExecutionTxFactory, type ExecutionTx } from './execution-tx';
import { HoldExpiryService } from './hold-expiry.service';
import { hashKeys, resolveSubjectHashKey } from './subject-hash';
import { Clock } from '@datarights/service-kit';

const BATCH = 50;

abstract class Schedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  protected abstract readonly everyMs: number;
  private running = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<unknown>;

  constructor(
    protected readonly dataSource: DataSource,
    protected readonly txs: ExecutionTxFactory,
    protected readonly clock: Clock,
  ) {}

  /** One batch at `now` (the clock's by default); returns how many rows it handled. Public for tests. */
  abstract runOnce(now?: Date): Promise<number>;

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(this.everyMs);
    // When the clock jumps (tests, demos), look at once rather than at the next poll.
    this.clock.onChange(() => this.kick());
  }

  private kick(): void {
    if (!this.running) return;
    // A run in flight read the old time: run again right after it.
    if (this.inFlight) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  protected tx(m: EntityManager): ExecutionTx {
    return this.txs.forManager(m);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const run = this.runOnce();
      this.inFlight = run;
      run
        .then((n) => {
          this.inFlight = undefined;
          const now = n >= BATCH || this.again;
          this.again = false;
          this.schedule(now ? 0 : this.everyMs);
        })
        .catch((err: unknown) => {
          this.inFlight = undefined;
          this.logger.error(`${this.constructor.name} run failed: ${(err as Error).message}`);
          this.schedule(this.everyMs);
        });
    }, delay);
    this.timer.unref();
  }
}

@Injectable()
export class HoldExpiryLoop extends Schedule {
  protected readonly logger = new Logger(HoldExpiryLoop.name);
  protected readonly everyMs: number;

  constructor(dataSource: DataSource, txs: ExecutionTxFactory, clock: Clock, config: ErasureExecutorConfig, private readonly holds: HoldExpiryService) {
    super(dataSource, txs, clock);
    this.everyMs = config.HOLD_POLL_MS;
  }

  runOnce(now = this.clock.now()): Promise<number> {
    // The claim, the erase command and holdExpired commit together (outbox), or not at all.
    return this.dataSource.transaction((m) => this.holds.expire(this.tx(m), now, BATCH));
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
      const requests = await store.takeToMinimise(BATCH);
      for (const r of requests) {
        await store.setMinimisedKeys(r.requestId, hashKeys(this.key, r.subjectKeys as unknown as Record<string, unknown>), now);
        await store.forgetChanges(r.requestId);
        this.logger.log(`request ${r.requestId}: stored subject keys minimised (every action and hold ended)`);
      }
      return requests.length;
    });
  }
}

/**
 * A periodic job over PostgreSQL rows, the one every service's schedules extend (deadline
 * checks, minimisation, command timeouts, hold expiry, ...): every `everyMs`, runs one
 * batch in one transaction (rows taken FOR UPDATE SKIP LOCKED by the job, so replicas share
 * the work and never do one row twice), again at once while batches come back full
 * (`batchSize` rows). State lives in the rows, so a restart loses nothing. Stops scheduling
 * on shutdown and lets the batch in flight commit. A job that reads the Clock calls
 * `kick()` when it jumps.
 */
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';

export abstract class PeriodicJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  protected abstract readonly everyMs: number;
  protected readonly batchSize: number = 50;
  private running = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  /** One batch; returns how many rows it handled. Public for tests. */
  abstract runOnce(): Promise<number>;

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(this.everyMs);
  }

  /** Runs at once rather than at the next period (the clock jumped). */
  protected kick(): void {
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

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.runOnce()
        .then((n) => {
          this.inFlight = undefined;
          const now = n >= this.batchSize || this.again;
          this.again = false;
          this.schedule(now ? 0 : this.everyMs);
        })
        .catch((err: unknown) => {
          this.inFlight = undefined;
          this.logger.error(`${this.constructor.name} failed: ${err instanceof Error ? err.message : String(err)}`);
          this.schedule(this.everyMs);
        });
    }, delay);
    this.timer.unref();
  }
}

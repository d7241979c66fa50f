/**
 * Rate limits shared by every replica (issue 13): a `ThrottlerStorage` for
 * `@nestjs/throttler` whose counters are rows of the service's own `throttler_hits` table
 * in PostgreSQL, which every replica already uses. Behind a load balancer, a per-process
 * counter gives each client N × the limit; with the counters in one table the budget is one.
 *
 * One statement per hit (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`): the row lock of
 * the upsert serialises concurrent hits on one key across replicas, so no hit is lost and
 * the (limit+1)th is refused whichever replica takes it. A fixed window per key and
 * throttler (`ttl`), then blocked for `blockDuration` past the limit (the in-memory
 * storage's semantics); PostgreSQL's clock decides, so replicas' clocks need not agree.
 * Expired rows are pruned every minute by each replica (a DELETE of what no one counts).
 *
 * `RATE_LIMIT_STORE=memory` keeps the library's in-process storage (unit tests, one process).
 */
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type { DataSource, QueryRunner } from 'typeorm';

export const RATE_LIMIT_STORES = ['postgres', 'memory'] as const;
export type RateLimitStore = (typeof RATE_LIMIT_STORES)[number];

const PRUNE_EVERY_MS = 60_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The table, created by a migration of each service that limits rates (unqualified: the service schema). */
export async function createThrottlerHitsTable(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE throttler_hits (
      key text NOT NULL,
      throttler text NOT NULL,
      hits integer NOT NULL,
      expires_at timestamptz NOT NULL,
      blocked_until timestamptz,
      PRIMARY KEY (key, throttler)
    )`);
  await q.query(`CREATE INDEX throttler_hits_expiry ON throttler_hits (expires_at)`);
}

export async function dropThrottlerHitsTable(q: QueryRunner): Promise<void> {
  await q.query(`DROP TABLE throttler_hits`);
}

/**
 * On a hit: while blocked, nothing changes; a window that has ended (or a block that has)
 * starts afresh at 1; otherwise one more. Past the limit, blocked for `blockDuration`.
 * In the SET list, `t.*` are the row's values before this hit.
 */
const HIT = `
  INSERT INTO throttler_hits AS t (key, throttler, hits, expires_at, blocked_until)
  VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond',
          CASE WHEN 1 > $4 THEN now() + $5 * interval '1 millisecond' END)
  ON CONFLICT (key, throttler) DO UPDATE SET
    hits = CASE WHEN t.blocked_until > now() THEN t.hits
                WHEN t.expires_at <= now() OR t.blocked_until IS NOT NULL THEN 1
                ELSE t.hits + 1 END,
    expires_at = CASE WHEN t.blocked_until > now() THEN t.expires_at
                      WHEN t.expires_at <= now() OR t.blocked_until IS NOT NULL THEN EXCLUDED.expires_at
                      ELSE t.expires_at END,
    blocked_until = CASE WHEN t.blocked_until > now() THEN t.blocked_until
                         WHEN (CASE WHEN t.expires_at <= now() OR t.blocked_until IS NOT NULL THEN 1
                                    ELSE t.hits + 1 END) > $4
                           THEN now() + $5 * interval '1 millisecond'
                         END
  RETURNING t.hits,
            ceil(extract(epoch FROM (t.expires_at - now())))::int AS expire_s,
            COALESCE(t.blocked_until > now(), false) AS blocked,
            COALESCE(ceil(extract(epoch FROM (t.blocked_until - now())))::int, 0) AS block_s`;

@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger(PostgresThrottlerStorage.name);
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {
    this.timer = setInterval(
      () => void this.prune().catch((err: Error) => this.logger.warn(`prune: ${err.message}`)),
      PRUNE_EVERY_MS,
    );
    this.timer.unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const rows: { hits: number; expire_s: number; blocked: boolean; block_s: number }[] = await this.dataSource.query(
      HIT,
      [key, throttlerName, ttl, limit, blockDuration],
    );
    const r = rows[0]!;
    return {
      totalHits: r.hits,
      timeToExpire: Math.max(0, r.expire_s),
      isBlocked: r.blocked,
      timeToBlockExpire: Math.max(0, r.block_s),
    };
  }

  /** Drops the rows no one counts any more (window over, not blocked); returns how many. Public for tests. */
  async prune(): Promise<number> {
    const [, n] = (await this.dataSource.query(
      `DELETE FROM throttler_hits WHERE expires_at <= now() AND (blocked_until IS NULL OR blocked_until <= now())`,
    )) as [unknown, number];
    return n;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}

/** The storage `RATE_LIMIT_STORE` names: the shared PostgreSQL table, or this process's memory. */
export function throttlerStorage(store: RateLimitStore, dataSource: DataSource): ThrottlerStorage {
  return store === 'postgres' ? new PostgresThrottlerStorage(dataSource) : new ThrottlerStorageService();
}

/**
 * A command store in the system's own PostgreSQL database, so deduplication survives
 * restarts and is shared by every instance of the system. It takes anything shaped like
 * a `pg.Pool` (no dependency on `pg` here), and creates its table if missing.
 */
import type { CommandStore, StoredReply } from './command-store.types';

/** The part of `pg.Pool` (or `pg.Client`) the store uses. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

// The table name is interpolated into SQL, so only plain (optionally schema-qualified)
// identifiers are accepted.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;

export class PostgresCommandStore implements CommandStore {
  private ready?: Promise<void>;

  constructor(
    private readonly db: Queryable,
    private readonly table = 'connector_commands',
  ) {
    if (!IDENTIFIER.test(table)) {
      throw new Error(
        `invalid table name ${JSON.stringify(table)}: lowercase letters, digits and _ only, optionally schema.table`,
      );
    }
  }

  /** Creates the table if missing. Called on first use; call it at start-up to fail early. */
  init(): Promise<void> {
    this.ready ??= this.db
      .query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           command_id uuid PRIMARY KEY,
           reply jsonb NOT NULL,
           handled_at timestamptz NOT NULL DEFAULT now()
         )`,
      )
      .then(() => undefined)
      .catch((err: unknown) => {
        // Let the next call try again rather than caching the failure forever.
        this.ready = undefined;
        throw err;
      });
    return this.ready;
  }

  async get(commandId: string): Promise<StoredReply | undefined> {
    await this.init();
    const { rows } = await this.db.query(`SELECT reply FROM ${this.table} WHERE command_id = $1`, [commandId]);
    if (rows.length === 0) return undefined;
    const reply = rows[0].reply;
    // pg parses jsonb; other drivers may hand back the text.
    return (typeof reply === 'string' ? JSON.parse(reply) : reply) as StoredReply;
  }

  async save(commandId: string, reply: StoredReply): Promise<void> {
    await this.init();
    // Two deliveries racing (a rebalance mid-command): the first reply saved is the one
    // every later delivery resends.
    await this.db.query(
      `INSERT INTO ${this.table} (command_id, reply) VALUES ($1, $2::jsonb) ON CONFLICT (command_id) DO NOTHING`,
      [commandId, JSON.stringify(reply)],
    );
  }

  /**
   * Forgets commands handled before `before`. Export replies hold a copy of the subject's
   * records (to resend them unchanged), so keep them no longer than redeliveries can
   * happen: a later erasure must not leave that copy behind.
   */
  async prune(before: Date): Promise<number> {
    await this.init();
    const { rows } = await this.db.query(
      `WITH gone AS (DELETE FROM ${this.table} WHERE handled_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [before.toISOString()],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

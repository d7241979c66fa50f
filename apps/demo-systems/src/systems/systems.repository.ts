/**
 * The only TypeORM user of the four systems' tables: find, delete, restrict, rectify and
 * suppress the rows matching a subject's keys, for any table of the catalog, and the
 * record of what each mutating command did (`command_effects`). Table and column names
 * come from the catalog only; values always travel as parameters.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SUBJECT_KEY_KINDS, type NotifyCommand, type SubjectKeyKind } from '@datarights/contracts';
import type { CommandResult } from '@datarights/connector-sdk';
import { matchClause, type KeyLists } from './key-match';
import type { TableSpec } from './system-catalog';

/** A row reduced to what a data event carries: its reference, keys and date. */
export interface KeyedRow {
  ref: string;
  occurredAt: Date | null;
  keys: Partial<Record<SubjectKeyKind, string>>;
}

/** A row as the system holds it (column → value, JSON-ready), with its primary key. */
export interface HeldRow {
  ref: string;
  row: Record<string, unknown>;
}

type RawKeyedRow = { ref: string; occurred_at: Date | null } & Partial<Record<SubjectKeyKind, string | null>>;

/** `pk AS ref, occurred_at, email AS "email", customer_id AS "customerId", ...` */
export function keyedSelect(spec: TableSpec): string {
  const cols = [`${spec.pk}::text AS ref`, `${spec.occurredAt} AS occurred_at`];
  for (const kind of SUBJECT_KEY_KINDS) {
    const column = spec.keys[kind];
    if (column) cols.push(`${column} AS "${kind}"`);
  }
  return cols.join(', ');
}

export function toKeyedRow(raw: RawKeyedRow): KeyedRow {
  const keys: KeyedRow['keys'] = {};
  for (const kind of SUBJECT_KEY_KINDS) {
    const v = raw[kind];
    if (typeof v === 'string' && v.length > 0) keys[kind] = v;
  }
  return { ref: raw.ref, occurredAt: raw.occurred_at ?? null, keys };
}

@Injectable()
export class SystemsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Serialises two deliveries of the same command racing (a consumer-group rebalance
   * mid-command): the second waits, then finds the first one's effect.
   */
  async lockCommand(tx: EntityManager, commandId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('demo-systems.command.' || $1))`, [commandId]);
  }

  async findEffect(tx: EntityManager, commandId: string): Promise<CommandResult | undefined> {
    const rows: { result: CommandResult }[] = await tx.query(
      `SELECT result FROM command_effects WHERE command_id = $1`,
      [commandId],
    );
    return rows[0]?.result;
  }

  async saveEffect(
    tx: EntityManager,
    commandId: string,
    systemId: string,
    kind: string,
    result: CommandResult,
  ): Promise<void> {
    await tx.query(
      // A conflict means the effect was applied a second time (the lock and findEffect
      // failed to prevent it): counted, never hidden, so a fault-injection run can see it.
      `INSERT INTO command_effects (command_id, system_id, kind, result) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (command_id) DO UPDATE SET applications = command_effects.applications + 1`,
      [commandId, systemId, kind, JSON.stringify(result)],
    );
  }

  /** A delivery of a command already applied, answered from its record. */
  async countRedelivery(tx: EntityManager, commandId: string): Promise<void> {
    await tx.query(`UPDATE command_effects SET redeliveries = redeliveries + 1 WHERE command_id = $1`, [commandId]);
  }

  /** Per system: mutating commands applied, those applied more than once, deliveries answered from the record. */
  async applicationCounts(): Promise<
    { systemId: string; commands: number; appliedMoreThanOnce: number; redeliveries: number }[]
  > {
    return this.dataSource.query(
      `SELECT system_id AS "systemId", count(*)::int AS commands,
              count(*) FILTER (WHERE applications > 1)::int AS "appliedMoreThanOnce",
              coalesce(sum(redeliveries), 0)::int AS redeliveries
         FROM command_effects GROUP BY system_id ORDER BY system_id`,
    );
  }

  /** Deletes the matching rows; returns their references and keys (for `erased` events). */
  /**
   * Deletes the matching rows. A deferred erase (a legal hold that ended) narrows it: only
   * rows that came to be before `createdBefore`, only the primary keys in `pks` — never a
   * row the subject created after the request.
   */
  async deleteMatching(
    tx: EntityManager,
    spec: TableSpec,
    keys: KeyLists,
    only: { createdBefore?: string; pks?: readonly string[] } = {},
  ): Promise<KeyedRow[]> {
    const m = matchClause(spec, keys);
    if (!m) return [];
    const params: unknown[] = [...m.params];
    let sql = `(${m.sql})`;
    if (only.createdBefore !== undefined) {
      params.push(only.createdBefore);
      sql += ` AND ${spec.occurredAt} < $${params.length}`;
    }
    if (only.pks !== undefined) {
      params.push([...only.pks]);
      sql += ` AND ${spec.pk}::text = ANY($${params.length}::text[])`;
    }
    const rows: RawKeyedRow[] = await tx.query(
      `WITH gone AS (DELETE FROM ${spec.table} WHERE ${sql} RETURNING *) SELECT ${keyedSelect(spec)} FROM gone ORDER BY ref`,
      params,
    );
    return rows.map(toKeyedRow);
  }

  /** The matching rows as held (export, and the demo's customer view). */
  async findMatching(spec: TableSpec, keys: KeyLists, tx: EntityManager = this.dataSource.manager): Promise<HeldRow[]> {
    const m = matchClause(spec, keys);
    if (!m) return [];
    const rows: { ref: string; row: Record<string, unknown> }[] = await tx.query(
      `SELECT t.${spec.pk}::text AS ref, to_jsonb(t) AS row FROM ${spec.table} t WHERE ${m.sql} ORDER BY t.${spec.pk}`,
      m.params,
    );
    return rows;
  }

  /**
   * Places (or lifts) an Art. 18 restriction on the matching rows: `restricted_until` set
   * to `until` ('infinity' when open-ended), or the `restricted` flag. Returns how many rows.
   */
  async restrictMatching(
    tx: EntityManager,
    spec: TableSpec,
    keys: KeyLists,
    change: { lift: boolean; until?: string },
  ): Promise<number> {
    if (!spec.restriction) return 0;
    const m = matchClause(spec, keys);
    if (!m) return 0;
    const p = m.params.length + 1;
    const set = spec.restriction === 'until' ? `restricted_until = $${p}::timestamptz` : `restricted = $${p}::boolean`;
    const value = spec.restriction === 'until' ? (change.lift ? null : (change.until ?? 'infinity')) : !change.lift;
    return this.countUpdated(tx, `UPDATE ${spec.table} SET ${set} WHERE ${m.sql} RETURNING 1`, [...m.params, value]);
  }

  /** Applies `columns` (column → new value) to the matching rows; returns them with their new keys. */
  async rectifyMatching(
    tx: EntityManager,
    spec: TableSpec,
    keys: KeyLists,
    columns: Record<string, string>,
  ): Promise<KeyedRow[]> {
    const m = matchClause(spec, keys);
    const entries = Object.entries(columns);
    if (!m || entries.length === 0) return [];
    const first = m.params.length + 1;
    const set = entries.map(([column], i) => `${column} = $${first + i}`).join(', ');
    const rows: RawKeyedRow[] = await tx.query(
      `WITH changed AS (UPDATE ${spec.table} SET ${set} WHERE ${m.sql} RETURNING *) SELECT ${keyedSelect(spec)} FROM changed ORDER BY ref`,
      [...m.params, ...entries.map(([, v]) => v)],
    );
    return rows.map(toKeyedRow);
  }

  /**
   * Adds purposes to the matching rows' `suppressed_purposes` (Art. 21); an objection to
   * prospection also withdraws the marketing opt-in (Art. 21(3): stop at once).
   */
  async suppressMatching(tx: EntityManager, spec: TableSpec, keys: KeyLists, purposes: string[]): Promise<number> {
    if (!spec.suppressible) return 0;
    const m = matchClause(spec, keys);
    if (!m) return 0;
    const p = m.params.length + 1;
    const optIn = spec.optIn
      ? `, ${spec.optIn} = CASE WHEN 'prospection' = ANY($${p}::text[]) THEN false ELSE ${spec.optIn} END`
      : '';
    return this.countUpdated(
      tx,
      `UPDATE ${spec.table}
          SET suppressed_purposes = ARRAY(SELECT DISTINCT x FROM unnest(suppressed_purposes || $${p}::text[]) AS x ORDER BY x)${optIn}
        WHERE ${m.sql} RETURNING 1`,
      [...m.params, purposes],
    );
  }

  /** Forgets command effects older than `before` (they only matter while a command may be redelivered). */
  /** What a recipient system was told (Art. 19): ids, action and categories only. */
  async recordNotice(
    tx: EntityManager,
    systemId: string,
    n: Pick<NotifyCommand, 'commandId' | 'requestId' | 'action' | 'fromSystemId' | 'categories'>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO recipient_notices (command_id, system_id, request_id, action, from_system_id, categories) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (command_id) DO NOTHING`,
      [n.commandId, systemId, n.requestId, n.action, n.fromSystemId, n.categories],
    );
  }

  async pruneEffects(before: Date): Promise<number> {
    return this.countUpdated(this.dataSource.manager, `DELETE FROM command_effects WHERE handled_at < $1 RETURNING 1`, [
      before.toISOString(),
    ]);
  }

  private async countUpdated(tx: EntityManager, statement: string, params: unknown[]): Promise<number> {
    // Wrapped in a CTE so that every driver path returns plain rows.
    const rows: { n: number }[] = await tx.query(
      `WITH done AS (${statement}) SELECT count(*)::int AS n FROM done`,
      params,
    );
    return rows[0]?.n ?? 0;
  }
}

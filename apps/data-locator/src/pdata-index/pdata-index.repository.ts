/**
 * The only TypeORM user of the personal-data index: the batch upsert (the hot path),
 * the subject lookup a plan is built from, and the live counts the register shows.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { IndexRow } from './index-rows';

/** Normalised keys of one subject; each list may be empty, not all of them. */
export interface NormalisedKeys {
  email: string[];
  customerId: string[];
  phone: string[];
}

/** Live records of a subject in one system and category. */
export interface Holding {
  systemId: string;
  category: string;
  records: number;
}

// One statement per batch: the rows travel as eight arrays and `unnest` turns them back into
// rows, so the statement text and its plan are the same whatever the batch size. A row
// only replaces a newer one's state if it is at least as recent (out-of-order delivery,
// replays): an erased record is not resurrected by a late, older event.
const UPSERT = `
  INSERT INTO pdata_index AS cur (system_id, record_ref, category, email, customer_id, phone, erased, occurred_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::timestamptz[])
  ON CONFLICT (system_id, record_ref) DO UPDATE SET
    category = excluded.category, email = excluded.email, customer_id = excluded.customer_id,
    phone = excluded.phone, erased = excluded.erased, occurred_at = excluded.occurred_at
  WHERE excluded.occurred_at >= cur.occurred_at`;

/** Rows as the eight column arrays `unnest` takes, in pdata_index's column order (also the ingest bench's floors). */
export function indexColumns(
  rows: readonly IndexRow[],
): [string[], string[], string[], (string | null)[], (string | null)[], (string | null)[], boolean[], string[]] {
  const cols: ReturnType<typeof indexColumns> = [[], [], [], [], [], [], [], []];
  for (const r of rows) {
    cols[0].push(r.systemId);
    cols[1].push(r.recordRef);
    cols[2].push(r.category);
    cols[3].push(r.email);
    cols[4].push(r.customerId);
    cols[5].push(r.phone);
    cols[6].push(r.erased);
    cols[7].push(r.occurredAt);
  }
  return cols;
}

@Injectable()
export class PdataIndexRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Rows must be unique per (systemId, recordRef): see `toIndexRows`. */
  async upsertBatch(tx: EntityManager, rows: IndexRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(UPSERT, indexColumns(rows));
  }

  /** Every system and category holding live records under any of these keys. */
  async holdingsOf(tx: EntityManager, keys: NormalisedKeys): Promise<Holding[]> {
    const rows: { system_id: string; category: string; records: number }[] = await tx.query(
      `SELECT system_id, category, count(*)::int AS records FROM pdata_index
       WHERE NOT erased AND (email = ANY($1::text[]) OR customer_id = ANY($2::text[]) OR phone = ANY($3::text[]))
       GROUP BY system_id, category`,
      [keys.email, keys.customerId, keys.phone],
    );
    return rows.map((r) => ({ systemId: r.system_id, category: r.category, records: r.records }));
  }

  /** Live (not erased) records per system, for these systems. */
  async liveCounts(systemIds: string[]): Promise<Map<string, number>> {
    if (systemIds.length === 0) return new Map();
    const rows: { system_id: string; n: number }[] = await this.dataSource.query(
      `SELECT system_id, count(*)::int AS n FROM pdata_index WHERE system_id = ANY($1::text[]) AND NOT erased GROUP BY system_id`,
      [systemIds],
    );
    return new Map(rows.map((r) => [r.system_id, r.n]));
  }
}

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

/** One live record with the retention dates its system reported. */
export interface DatedRecord {
  systemId: string;
  recordRef: string;
  category: string;
  occurredAt: string;
  retentionDates: Record<string, string | null>;
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
  INSERT INTO pdata_index AS cur (system_id, record_ref, category, email, customer_id, phone, erased, occurred_at, retention_dates)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::timestamptz[], $9::jsonb[])
  ON CONFLICT (system_id, record_ref) DO UPDATE SET
    category = excluded.category, email = excluded.email, customer_id = excluded.customer_id,
    phone = excluded.phone, erased = excluded.erased, occurred_at = excluded.occurred_at,
    retention_dates = COALESCE(excluded.retention_dates, cur.retention_dates)
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
    // The retention dates travel as a ninth array (JSON texts): a system that stops sending
    // them keeps the last ones it gave (COALESCE above).
    await tx.query(UPSERT, [
      ...indexColumns(rows),
      rows.map((r) => (r.retentionDates ? JSON.stringify(r.retentionDates) : null)),
    ]);
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

  /**
   * The subject's live records that carry retention dates, at most `limit`, oldest system
   * and category first: what a plan lists per record (PlanItem.recordDates).
   */
  async datedRecordsOf(tx: EntityManager, keys: NormalisedKeys, limit: number): Promise<DatedRecord[]> {
    const rows: {
      system_id: string;
      record_ref: string;
      category: string;
      occurred_at: Date;
      retention_dates: Record<string, string | null>;
    }[] = await tx.query(
      `SELECT system_id, record_ref, category, occurred_at, retention_dates FROM pdata_index
       WHERE NOT erased AND retention_dates IS NOT NULL
         AND (email = ANY($1::text[]) OR customer_id = ANY($2::text[]) OR phone = ANY($3::text[]))
       ORDER BY system_id, category, record_ref LIMIT $4`,
      [keys.email, keys.customerId, keys.phone, limit],
    );
    return rows.map((r) => ({
      systemId: r.system_id,
      recordRef: r.record_ref,
      category: r.category,
      occurredAt: r.occurred_at.toISOString(),
      retentionDates: r.retention_dates,
    }));
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

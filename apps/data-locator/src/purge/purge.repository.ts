/**
 * The purge's reads and writes: the index records of a category that may be past their
 * periods (a conservative SQL pre-filter on their reported starts; the exact rule is
 * libs/policy purgeDue), and the claim of a record before its erase command is sent.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface PurgeCandidate {
  systemId: string;
  recordRef: string;
  category: string;
  email: string | null;
  customerId: string | null;
  phone: string | null;
  retentionDates: Record<string, string | null>;
}

@Injectable()
export class PurgeRepository {
  /**
   * Live records of `category` whose reported start for every period is before its cutoff
   * (`field` of retention_dates < `before`), not asked within `resendBefore`, oldest first.
   * A record without one of the dates is not selected (its start is unknown: never purged).
   * FOR UPDATE SKIP LOCKED: two replicas never take the same record.
   */
  async candidates(
    m: EntityManager,
    category: string,
    starts: readonly { field: string; before: Date }[],
    resendBefore: Date,
    limit: number,
  ): Promise<PurgeCandidate[]> {
    if (starts.length === 0 || limit <= 0) return [];
    const params: unknown[] = [category, resendBefore, limit];
    const conditions = starts.map((s) => {
      params.push(s.field, s.before);
      return `(i.retention_dates->>$${params.length - 1})::timestamptz < $${params.length}`;
    });
    const rows: {
      system_id: string;
      record_ref: string;
      category: string;
      email: string | null;
      customer_id: string | null;
      phone: string | null;
      retention_dates: Record<string, string | null>;
    }[] = await m.query(
      `SELECT i.system_id, i.record_ref, i.category, i.email, i.customer_id, i.phone, i.retention_dates
         FROM pdata_index i
        WHERE i.category = $1 AND NOT i.erased AND i.retention_dates IS NOT NULL AND ${conditions.join(' AND ')}
          AND NOT EXISTS (SELECT 1 FROM purge_commands p
                           WHERE p.system_id = i.system_id AND p.record_ref = i.record_ref AND p.sent_at >= $2)
        ORDER BY i.occurred_at LIMIT $3
        FOR UPDATE OF i SKIP LOCKED`,
      params,
    );
    return rows.map((r) => ({
      systemId: r.system_id,
      recordRef: r.record_ref,
      category: r.category,
      email: r.email,
      customerId: r.customer_id,
      phone: r.phone,
      retentionDates: r.retention_dates,
    }));
  }

  /** Records that the erase command `commandId` asks for this record (replacing an older ask). */
  async recordSent(
    m: EntityManager,
    c: Pick<PurgeCandidate, 'systemId' | 'recordRef' | 'category'>,
    commandId: string,
    now: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO purge_commands (system_id, record_ref, category, command_id, sent_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (system_id, record_ref) DO UPDATE SET command_id = excluded.command_id, sent_at = excluded.sent_at`,
      [c.systemId, c.recordRef, c.category, commandId, now],
    );
  }
}

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
  /** For a record an erasure request holds (erasure_watch): when it was requested (the erase's cut-off). */
  requestedAt?: Date;
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
    watchedOnly = false,
  ): Promise<PurgeCandidate[]> {
    if (starts.length === 0 || limit <= 0) return [];
    const params: unknown[] = [category, resendBefore, limit];
    // watchedOnly: only the records an erasure request holds until their start (erasure_watch), with the earliest request's time.
    const watch = watchedOnly
      ? `JOIN LATERAL (SELECT min(w.requested_at) AS requested_at FROM erasure_watch w
                        WHERE w.system_id = i.system_id AND w.record_ref = i.record_ref) w ON w.requested_at IS NOT NULL`
      : `LEFT JOIN LATERAL (SELECT NULL::timestamptz AS requested_at) w ON true`;
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
      requested_at: Date | null;
    }[] = await m.query(
      `SELECT i.system_id, i.record_ref, i.category, i.email, i.customer_id, i.phone, i.retention_dates, w.requested_at
         FROM pdata_index i ${watch}
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
      ...(r.requested_at ? { requestedAt: r.requested_at } : {}),
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

  /** Records an erasure request holds until their start happens (plan time; idempotent). */
  async watch(
    m: EntityManager,
    requestId: string,
    requestedAt: Date,
    records: readonly WatchedRecord[],
  ): Promise<void> {
    if (records.length === 0) return;
    await m.query(
      `INSERT INTO erasure_watch (system_id, record_ref, request_id, category, requested_at)
       SELECT s, r, $3, c, $4 FROM unnest($1::text[], $2::text[], $5::text[]) AS t(s, r, c)
       ON CONFLICT DO NOTHING`,
      [
        records.map((r) => r.systemId),
        records.map((r) => r.recordRef),
        requestId,
        requestedAt,
        records.map((r) => r.category),
      ],
    );
  }

  /** Forgets watched records the index says are erased (by the purge, or by anyone). */
  async forgetErased(m: EntityManager): Promise<void> {
    await m.query(
      `DELETE FROM erasure_watch w USING pdata_index i
        WHERE i.system_id = w.system_id AND i.record_ref = w.record_ref AND i.erased`,
    );
  }
}

export interface WatchedRecord {
  systemId: string;
  recordRef: string;
  category: string;
}

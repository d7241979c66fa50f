/**
 * The only TypeORM user for self-service: the suspended clock (`verification_clock`) and
 * the look-ups for repeated requests and unverified ones. Takes the caller's transaction.
 */
import { Injectable } from '@nestjs/common';
import type { RequestType } from '@datarights/contracts';
import type { Tx } from '../requests/requests.repository';

export interface WaitingRequest {
  id: string;
  type: RequestType;
  suspendedAt: Date;
}

@Injectable()
export class SelfServiceRepository {
  /** The clock stops the first time a code is sent (a resend does not move it). */
  async suspend(tx: Tx, requestId: string, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO verification_clock (request_id, suspended_at) VALUES ($1, $2) ON CONFLICT (request_id) DO NOTHING`,
      [requestId, at],
    );
  }

  /** The running suspension of the request, if any (locked). */
  async suspension(tx: Tx, requestId: string): Promise<{ suspendedAt: Date } | undefined> {
    const rows: { suspended_at: Date }[] = await tx.query(
      `SELECT suspended_at FROM verification_clock WHERE request_id = $1 AND resumed_at IS NULL FOR UPDATE`,
      [requestId],
    );
    return rows[0] && { suspendedAt: rows[0].suspended_at };
  }

  async resume(tx: Tx, requestId: string, at: Date, days: number): Promise<void> {
    await tx.query(`UPDATE verification_clock SET resumed_at = $2, suspended_days = $3 WHERE request_id = $1`, [
      requestId,
      at,
      days,
    ]);
  }

  /** Requests still awaiting the subject's proof since before `before` (taken by this run only). */
  async takeUnverified(tx: Tx, before: Date, limit: number): Promise<WaitingRequest[]> {
    const rows: { id: string; type: RequestType; suspended_at: Date }[] = await tx.query(
      `SELECT r.id, r.type, c.suspended_at FROM verification_clock c JOIN requests r ON r.id = c.request_id
        WHERE c.resumed_at IS NULL AND c.suspended_at < $1 AND r.status = 'awaiting-verification'
        ORDER BY c.suspended_at LIMIT $2 FOR UPDATE OF r SKIP LOCKED`,
      [before, limit],
    );
    return rows.map((r) => ({ id: r.id, type: r.type, suspendedAt: r.suspended_at }));
  }

  /** Earlier requests of the same type giving one of the same keys, received since `since` (Art. 12(5) flag). */
  async earlierRequests(
    tx: Tx,
    requestId: string,
    type: RequestType,
    keys: { email?: string; customerId?: string; phone?: string },
    since: Date,
  ): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM requests WHERE id <> $1 AND type = $2 AND received_at >= $3
          AND ((subject_email IS NOT NULL AND subject_email = $4) OR (subject_customer_id IS NOT NULL AND subject_customer_id = $5) OR (subject_phone IS NOT NULL AND subject_phone = $6))
        ORDER BY received_at DESC LIMIT 50`,
      [requestId, type, since, keys.email ?? null, keys.customerId ?? null, keys.phone ?? null],
    );
    return rows.map((r) => r.id);
  }
}

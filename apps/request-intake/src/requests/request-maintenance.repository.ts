/**
 * The periodic jobs' reads and writes on requests: the deadline check (due soon, overdue)
 * and the minimisation of closed requests after the proof period. Rows are taken FOR
 * UPDATE SKIP LOCKED, so that replicas never handle one request twice; every write is in
 * the caller's transaction (`Tx`), with the events it publishes.
 */
import { Injectable } from '@nestjs/common';
import type { RequestType } from '@datarights/contracts';
import { addDuration, Policy } from '@datarights/policy';
import { RequestEntity } from './entities';
import type { RequestStatus } from './request-state';
import type { Tx } from './requests.repository';
import { CLOCK_RUNNING } from './requests.repository';

/** A request the deadline check found: due soon or overdue, and not yet told for this due date. */
export interface DeadlineCandidate {
  id: string;
  type: RequestType;
  status: RequestStatus;
  dueAt: Date;
  dueSoonNotifiedFor: Date | null;
  overdueNotifiedFor: Date | null;
}

@Injectable()
export class RequestMaintenanceRepository {
  constructor(private readonly policy: Policy) {}

  /**
   * Open requests due before `dueSoonUntil` whose due-soon or overdue event was not yet
   * published for their current due date, locked (FOR UPDATE SKIP LOCKED: two replicas
   * never publish the same event twice).
   */
  async takeDeadlineCandidates(tx: Tx, now: Date, dueSoonUntil: Date, limit: number): Promise<DeadlineCandidate[]> {
    const rows = (await tx.query(
      `SELECT id, type, status, due_at, due_soon_notified_for, overdue_notified_for FROM requests
       WHERE ${CLOCK_RUNNING} AND due_at < $2
         AND ((due_at >= $1 AND due_soon_notified_for IS DISTINCT FROM due_at) OR (due_at < $1 AND overdue_notified_for IS DISTINCT FROM due_at))
       ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [now, dueSoonUntil, limit],
    )) as Array<{
      id: string;
      type: RequestType;
      status: RequestStatus;
      due_at: Date;
      due_soon_notified_for: Date | null;
      overdue_notified_for: Date | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      dueAt: r.due_at,
      dueSoonNotifiedFor: r.due_soon_notified_for,
      overdueNotifiedFor: r.overdue_notified_for,
    }));
  }

  /** Closed requests whose proof period has ended and that still hold the person, locked (FOR UPDATE SKIP LOCKED). */
  takeDueForMinimisation(tx: Tx, now: Date, limit: number): Promise<RequestEntity[]> {
    return tx
      .getRepository(RequestEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('r.minimised_at IS NULL')
      .andWhere('r.minimise_after <= :now', { now })
      .orderBy('r.minimise_after', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Closed requests without a minimisation date (closed before it existed): given one. */
  async backfillMinimiseAfter(tx: Tx, limit: number): Promise<number> {
    const rows = (await tx.query(
      `SELECT id, closed_at FROM requests WHERE closed_at IS NOT NULL AND minimise_after IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as Array<{ id: string; closed_at: Date }>;
    for (const r of rows)
      await tx.query(`UPDATE requests SET minimise_after = $2 WHERE id = $1`, [
        r.id,
        addDuration(r.closed_at, this.policy.deadlines.proofPeriod),
      ]);
    return rows.length;
  }

  /** Idempotency keys hold a hash of the filed body: dropped with the rest of the person. */
  async deleteIdempotencyKeys(tx: Tx, requestId: string): Promise<void> {
    await tx.query(`DELETE FROM idempotency_keys WHERE request_id = $1`, [requestId]);
  }

  /** Minimisation: the acknowledgement notes of a request, replaced by `hash(note)`. */
  async acknowledgementNotesOf(tx: Tx, requestId: string): Promise<Array<{ id: string; note: string }>> {
    return (await tx.query(
      `SELECT id, acknowledgement_note AS note FROM request_actions WHERE request_id = $1 AND acknowledgement_note IS NOT NULL`,
      [requestId],
    )) as Array<{ id: string; note: string }>;
  }

  async setAcknowledgementNote(tx: Tx, requestId: string, actionId: string, note: string): Promise<void> {
    await tx.query(`UPDATE request_actions SET acknowledgement_note = $3 WHERE request_id = $1 AND id = $2`, [
      requestId,
      actionId,
      note,
    ]);
  }
}

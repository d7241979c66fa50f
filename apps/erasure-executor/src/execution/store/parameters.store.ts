/**
 * What a rectification (Art. 16), objection (Art. 21) or restriction (Art. 18) asks, from
 * its `requestSubmitted`, kept until its plan comes; and the one-time lifting of a
 * restriction (Art. 18(3)). Works in the caller's transaction.
 */
import type { EntityManager } from 'typeorm';

/** What a request other than erasure asks, from its `requestSubmitted`. */
export interface RequestParameters {
  requestId: string;
  requestType: string;
  changes?: Record<string, string>;
  purposes?: string[];
  ground?: string;
}

export class ParametersStore {
  constructor(private readonly m: EntityManager) {}

  /** Once per request (a redelivery changes nothing). */
  async save(p: RequestParameters): Promise<void> {
    await this.m.query(
      `INSERT INTO request_parameters (request_id, request_type, changes, purposes, ground) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id) DO NOTHING`,
      [p.requestId, p.requestType, p.changes ? JSON.stringify(p.changes) : null, p.purposes ?? null, p.ground ?? null],
    );
  }

  async of(requestId: string): Promise<RequestParameters | undefined> {
    const rows = (await this.m.query(
      `SELECT request_id, request_type, changes, purposes, ground FROM request_parameters WHERE request_id = $1`,
      [requestId],
    )) as {
      request_id: string;
      request_type: string;
      changes: Record<string, string> | null;
      purposes: string[] | null;
      ground: string | null;
    }[];
    const r = rows[0];
    if (!r) return undefined;
    return {
      requestId: r.request_id,
      requestType: r.request_type,
      ...(r.changes ? { changes: r.changes } : {}),
      ...(r.purposes ? { purposes: r.purposes } : {}),
      ...(r.ground ? { ground: r.ground } : {}),
    };
  }

  /** Claims the lifting of a restriction once (Art. 18(3)); false if it was already lifted. */
  async claimLift(requestId: string, at: Date): Promise<boolean> {
    const rows = (await this.m.query(
      `UPDATE request_parameters SET lift_notified_at = $2 WHERE request_id = $1 AND lift_notified_at IS NULL RETURNING request_id`,
      [requestId, at],
    )) as [unknown[], number];
    return rows[1] > 0;
  }

  /** Art. 5(1)(c): the corrected values are not kept once nothing will be sent again. */
  async forgetChanges(requestId: string): Promise<void> {
    await this.m.query(`UPDATE request_parameters SET changes = NULL WHERE request_id = $1`, [requestId]);
  }
}

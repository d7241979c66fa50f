/**
 * The only TypeORM user of the requests feature. Every method is scoped by request id (or
 * by principal for idempotency keys), except the aggregate counts of the metrics. Writes
 * take the caller's transaction (`Tx`), so that they commit with the events published in it.
 * Long on purpose: the SQL of one aggregate (a request with its timeline, actions and
 * idempotency keys), so that every statement that locks or writes a request can be checked
 * side by side.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Channel, RequestType } from '@datarights/contracts';
import { addDuration, Policy } from '@datarights/policy';
import type { ActionState } from './request-actions';
import type { RequestStatus } from './request-state';
import { IdempotencyKeyEntity, RequestEntity, RequestHoldEntity } from './entities';

/** A transaction (or the plain connection for reads), opaque to the services. */
export type Tx = EntityManager;

/** Columns set later in a request's life, not when it is filed. */
type LaterColumns =
  | 'createdAt'
  | 'updatedAt'
  | 'closedAt'
  | 'outcome'
  | 'subjectRef'
  | 'candidates'
  | 'verifiedEmails'
  | 'verificationMethod'
  | 'verifiedAt'
  | 'attestationNote'
  | 'attestedBy'
  | 'attestedAt'
  | 'originalDueAt'
  | 'extendedAt'
  | 'extensionMonths'
  | 'extensionReason'
  | 'extendedBy'
  | 'decisionReason'
  | 'rejectionGround'
  | 'decidedBy'
  | 'releasePending'
  | 'releasePendingSince'
  | 'releasedAt'
  | 'releasedBy'
  | 'dueSoonNotifiedFor'
  | 'overdueNotifiedFor'
  | 'minimiseAfter'
  | 'minimisedAt'
  | 'suspendedDays'
  | 'infoRequestedAt'
  | 'infoRequestReason'
  | 'infoRequestedBy';
export type NewRequest = Omit<RequestEntity, LaterColumns>;
export type RequestPatch = Partial<Omit<RequestEntity, 'id' | 'createdAt' | 'updatedAt'>>;

export interface StoredAction extends ActionState {
  id: string;
  closeRequestedAt: Date | null;
  acknowledgementRequestedAt: Date | null;
}

export interface HoldRow {
  holdId: string;
  systemId: string;
  category: string;
  ground: string;
  legalText: string;
  until: Date;
  /** The start not happened yet (e.g. `contract-end`): `until` is then the earliest end. */
  startPending?: string | null;
  /** When the executor erased the held data (the period ended), and with which command. */
  expiredAt?: Date | null;
  eraseCommandId?: string | null;
}

export interface TimelineRow {
  eventId: string;
  type: string;
  at: Date;
  summary: string;
}

export interface RequestFilter {
  status?: RequestStatus;
  type?: RequestType;
  channel?: Channel;
  overdue?: boolean;
  /** Open, not yet overdue, and due before `dueSoonUntil`. */
  dueSoon?: boolean;
  dueBefore?: Date;
  /** The clock's now (Clock), for overdue and due-soon. */
  now: Date;
  dueSoonUntil: Date;
  limit: number;
  offset: number;
}

export interface SummaryRow {
  id: string;
  type: RequestType;
  status: RequestStatus;
  channel: Channel;
  receivedAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  overdue: boolean;
  dueSoon: boolean;
}

export type IdempotencyClaim =
  { claimed: true } | { claimed: false; bodyHash: string; requestId: string; response: Record<string, unknown> };

interface ActionSqlRow {
  id: string;
  system_id: string;
  command_id: string | null;
  kind: ActionState['kind'];
  categories: string[];
  status: ActionState['status'];
  outcome: ActionState['outcome'];
  affected_records: number | null;
  attempts: number;
  reason: string | null;
  close_requested_at: Date | null;
  acknowledgement_requested_at: Date | null;
}

const toAction = (r: ActionSqlRow): StoredAction => ({
  id: String(r.id),
  systemId: r.system_id,
  commandId: r.command_id,
  kind: r.kind,
  categories: r.categories,
  status: r.status,
  outcome: r.outcome,
  affectedRecords: r.affected_records,
  attempts: r.attempts,
  reason: r.reason,
  closeRequestedAt: r.close_requested_at,
  acknowledgementRequestedAt: r.acknowledgement_requested_at,
});

/**
 * An open request whose clock runs: while the subject's proof of identity is awaited
 * (self-service/verification_clock), or information the DPO asked the subject for
 * (info_requested_at), the time limit is suspended (décret 2019-536 art. 77), so such a
 * request is neither due soon nor overdue — its dueAt moves when the clock resumes.
 */
export const CLOCK_RUNNING = `closed_at IS NULL AND info_requested_at IS NULL AND NOT EXISTS (SELECT 1 FROM verification_clock vc WHERE vc.request_id = requests.id AND vc.resumed_at IS NULL)`;

@Injectable()
export class RequestsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: Policy,
  ) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Reads outside a transaction. */
  get reader(): Tx {
    return this.dataSource.manager;
  }

  // --- requests -------------------------------------------------------------------------

  /** Locks the request row for the rest of the transaction: one writer per request at a time (API and every topic's handler). */
  lock(tx: Tx, requestId: string): Promise<RequestEntity | null> {
    return tx.getRepository(RequestEntity).findOne({ where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
  }

  find(tx: Tx, requestId: string): Promise<RequestEntity | null> {
    return tx.getRepository(RequestEntity).findOne({ where: { id: requestId } });
  }

  async insert(tx: Tx, request: NewRequest): Promise<void> {
    await tx.getRepository(RequestEntity).insert({ ...request });
  }

  /** Many requests at once (a bulk filing): one statement. */
  async insertMany(tx: Tx, requests: NewRequest[]): Promise<void> {
    if (requests.length === 0) return;
    await tx.getRepository(RequestEntity).insert(requests.map((r) => ({ ...r })));
  }

  /** Whenever a request closes, its minimisation date is set: closedAt + the policy's proofPeriod (docs/architecture.md). */
  async update(tx: Tx, requestId: string, patch: RequestPatch): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    const minimise =
      patch.closedAt && patch.minimiseAfter === undefined
        ? { minimiseAfter: addDuration(patch.closedAt, this.policy.deadlines.proofPeriod) }
        : {};
    await tx
      .getRepository(RequestEntity)
      .update({ id: requestId }, { ...patch, ...minimise, updatedAt: () => 'now()' });
  }

  async list(tx: Tx, f: RequestFilter): Promise<{ rows: SummaryRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    /** Each `?` of the clause takes the next value. */
    const add = (sql: string, ...values: unknown[]) => {
      where.push(
        sql.replace(/\?/g, () => {
          params.push(values.shift());
          return `$${params.length}`;
        }),
      );
    };
    if (f.status) add('status = ?', f.status);
    if (f.type) add('type = ?', f.type);
    if (f.channel) add('channel = ?', f.channel);
    if (f.overdue === true) add(`${CLOCK_RUNNING} AND due_at < ?`, f.now);
    if (f.overdue === false) add(`NOT (${CLOCK_RUNNING} AND due_at < ?)`, f.now);
    if (f.dueSoon === true) add(`${CLOCK_RUNNING} AND due_at >= ? AND due_at < ?`, f.now, f.dueSoonUntil);
    if (f.dueSoon === false) add(`NOT (${CLOCK_RUNNING} AND due_at >= ? AND due_at < ?)`, f.now, f.dueSoonUntil);
    if (f.dueBefore) add('due_at < ?', f.dueBefore);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await tx.query(`SELECT count(*)::int AS total FROM requests ${clause}`, params)) as [
      { total: number },
    ];
    const n = params.length;
    const rows = (await tx.query(
      `SELECT id, type, status, channel, received_at, due_at, closed_at,
              (${CLOCK_RUNNING} AND due_at < $${n + 1}) AS overdue,
              (${CLOCK_RUNNING} AND due_at >= $${n + 1} AND due_at < $${n + 4}) AS due_soon
       FROM requests ${clause} ORDER BY received_at DESC, id LIMIT $${n + 2} OFFSET $${n + 3}`,
      [...params, f.now, f.limit, f.offset, f.dueSoonUntil],
    )) as Array<{
      id: string;
      type: RequestType;
      channel: Channel;
      due_soon: boolean;
      status: RequestStatus;
      received_at: Date;
      due_at: Date;
      closed_at: Date | null;
      overdue: boolean;
    }>;
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        type: r.type,
        status: r.status,
        channel: r.channel,
        receivedAt: r.received_at,
        dueAt: r.due_at,
        closedAt: r.closed_at,
        overdue: r.overdue,
        dueSoon: r.due_soon,
      })),
    };
  }

  // --- idempotency ----------------------------------------------------------------------

  /**
   * Claims an Idempotency-Key for a principal. A concurrent filing with the same key waits
   * on the primary key until the first commits, then sees its row.
   */
  async claimIdempotencyKey(
    tx: Tx,
    principalId: string,
    key: string,
    bodyHash: string,
    requestId: string,
    response: Record<string, unknown>,
  ): Promise<IdempotencyClaim> {
    const inserted = (await tx.query(
      `INSERT INTO idempotency_keys (principal_id, key, body_hash, request_id, response) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (principal_id, key) DO NOTHING RETURNING key`,
      [principalId, key, bodyHash, requestId, JSON.stringify(response)],
    )) as unknown[];
    if (inserted.length > 0) return { claimed: true };
    const existing = await tx.getRepository(IdempotencyKeyEntity).findOneOrFail({ where: { principalId, key } });
    return { claimed: false, bodyHash: existing.bodyHash, requestId: existing.requestId, response: existing.response };
  }

  /**
   * Claims many keys for a principal in one statement (in key order, so that two bulk
   * filings claiming the same keys wait on each other instead of deadlocking). Returns the
   * keys that were taken already, with what they were taken for.
   */
  async claimIdempotencyKeys(
    tx: Tx,
    principalId: string,
    claims: ReadonlyArray<{ key: string; bodyHash: string; requestId: string; response: object }>,
  ): Promise<Map<string, { bodyHash: string; requestId: string; response: Record<string, unknown> }>> {
    const taken = new Map<string, { bodyHash: string; requestId: string; response: Record<string, unknown> }>();
    if (claims.length === 0) return taken;
    const sorted = [...claims].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const inserted = (await tx.query(
      `INSERT INTO idempotency_keys (principal_id, key, body_hash, request_id, response)
       SELECT $1, k, h, r, p::jsonb FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[]) WITH ORDINALITY AS t(k, h, r, p, n) ORDER BY n
       ON CONFLICT (principal_id, key) DO NOTHING RETURNING key`,
      [
        principalId,
        sorted.map((c) => c.key),
        sorted.map((c) => c.bodyHash),
        sorted.map((c) => c.requestId),
        sorted.map((c) => JSON.stringify(c.response)),
      ],
    )) as Array<{ key: string }>;
    const claimed = new Set(inserted.map((r) => r.key));
    const others = sorted.map((c) => c.key).filter((k) => !claimed.has(k));
    if (others.length === 0) return taken;
    const rows = (await tx.query(
      `SELECT key, body_hash, request_id, response FROM idempotency_keys WHERE principal_id = $1 AND key = ANY($2::text[])`,
      [principalId, others],
    )) as Array<{ key: string; body_hash: string; request_id: string; response: Record<string, unknown> }>;
    for (const r of rows) taken.set(r.key, { bodyHash: r.body_hash, requestId: r.request_id, response: r.response });
    return taken;
  }

  /** The answer a claimed key gives when it is replayed (a decision's answer is known only once it ran). */
  async saveIdempotentResponse(
    tx: Tx,
    principalId: string,
    key: string,
    response: Record<string, unknown>,
  ): Promise<void> {
    await tx.query(`UPDATE idempotency_keys SET response = $3 WHERE principal_id = $1 AND key = $2`, [
      principalId,
      key,
      JSON.stringify(response),
    ]);
  }

  // --- actions --------------------------------------------------------------------------

  async actionsOf(tx: Tx, requestId: string): Promise<StoredAction[]> {
    const rows = (await tx.query(
      `SELECT id, system_id, command_id, kind, categories, status, outcome, affected_records, attempts, reason, close_requested_at, acknowledgement_requested_at
       FROM request_actions WHERE request_id = $1 ORDER BY system_id, id`,
      [requestId],
    )) as ActionSqlRow[];
    return rows.map(toAction);
  }

  /** One plan row per system that has no row yet (a dispatch may have been handled first). */
  async addPlannedSystems(
    tx: Tx,
    requestId: string,
    items: Array<{ systemId: string; categories: string[] }>,
  ): Promise<void> {
    for (const item of items) {
      await tx.query(
        `INSERT INTO request_actions (request_id, system_id, categories, status, outcome, attempts)
         SELECT $1, $2, $3::jsonb, 'planned', 'pending', 0
         WHERE NOT EXISTS (SELECT 1 FROM request_actions WHERE request_id = $1 AND system_id = $2)`,
        [requestId, item.systemId, JSON.stringify(item.categories)],
      );
    }
  }

  /** Writes an action's new state: over its row (`id`), or as a new row. */
  async saveAction(tx: Tx, requestId: string, id: string | undefined, a: ActionState): Promise<void> {
    const values = [
      a.systemId,
      a.commandId,
      a.kind,
      JSON.stringify(a.categories),
      a.status,
      a.outcome,
      a.affectedRecords,
      a.attempts,
      a.reason,
    ];
    if (id) {
      await tx.query(
        `UPDATE request_actions SET system_id = $3, command_id = $4, kind = $5, categories = $6::jsonb, status = $7, outcome = $8,
           affected_records = $9, attempts = $10, reason = $11, updated_at = now()
         WHERE request_id = $1 AND id = $2`,
        [requestId, id, ...values],
      );
    } else {
      await tx.query(
        `INSERT INTO request_actions (request_id, system_id, command_id, kind, categories, status, outcome, affected_records, attempts, reason)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)`,
        [requestId, ...values],
      );
    }
  }

  async markCloseRequested(tx: Tx, requestId: string, actionId: string): Promise<void> {
    await tx.query(
      `UPDATE request_actions SET close_requested_at = now(), updated_at = now() WHERE request_id = $1 AND id = $2`,
      [requestId, actionId],
    );
  }

  /** The DPO recorded the controller's acknowledgement of a forwarded request (the note is kept as evidence). */
  async markAcknowledgementRequested(tx: Tx, requestId: string, actionId: string, note: string): Promise<void> {
    await tx.query(
      `UPDATE request_actions SET acknowledgement_requested_at = now(), acknowledgement_note = $3, updated_at = now() WHERE request_id = $1 AND id = $2`,
      [requestId, actionId, note],
    );
  }

  // --- holds ----------------------------------------------------------------------------

  async addHolds(tx: Tx, requestId: string, holds: HoldRow[]): Promise<void> {
    for (const h of holds) {
      await tx.query(
        `INSERT INTO request_holds (hold_id, request_id, system_id, category, ground, legal_text, until, start_pending)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hold_id) DO NOTHING`,
        [h.holdId, requestId, h.systemId, h.category, h.ground, h.legalText, h.until, h.startPending ?? null],
      );
    }
  }

  async holdsOf(tx: Tx, requestId: string): Promise<HoldRow[]> {
    const rows = await tx
      .getRepository(RequestHoldEntity)
      .find({ where: { requestId }, order: { systemId: 'ASC', category: 'ASC', holdId: 'ASC' } });
    return rows.map((r) => ({
      holdId: r.holdId,
      systemId: r.systemId,
      category: r.category,
      ground: r.ground,
      legalText: r.legalText,
      until: r.until,
      startPending: r.startPending,
      expiredAt: r.expiredAt,
      eraseCommandId: r.eraseCommandId,
    }));
  }

  /** The hold's period ended and the executor sent the erase command (dsr.hold.expired.v1). */
  async markHoldExpired(tx: Tx, requestId: string, holdId: string, at: Date, commandId: string): Promise<void> {
    await tx.query(
      `UPDATE request_holds SET expired_at = COALESCE(expired_at, $3), erase_command_id = $4 WHERE request_id = $1 AND hold_id = $2`,
      [requestId, holdId, at, commandId],
    );
  }

  // --- timeline -------------------------------------------------------------------------

  /** Idempotent by event id: a redelivered event is not listed twice. */
  async appendTimeline(tx: Tx, requestId: string, e: TimelineRow): Promise<void> {
    await tx.query(
      `INSERT INTO request_events (request_id, event_id, type, at, summary) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (request_id, event_id) DO NOTHING`,
      [requestId, e.eventId, e.type, e.at, e.summary],
    );
  }

  async timelineOf(tx: Tx, requestId: string): Promise<TimelineRow[]> {
    const rows = (await tx.query(
      `SELECT event_id, type, at, summary FROM request_events WHERE request_id = $1 ORDER BY at, seq`,
      [requestId],
    )) as Array<{
      event_id: string;
      type: string;
      at: Date;
      summary: string;
    }>;
    return rows.map((r) => ({ eventId: r.event_id, type: r.type, at: r.at, summary: r.summary }));
  }

  // --- metrics (aggregates, no personal data) -------------------------------------------

  async countsByTypeAndStatus(): Promise<Array<{ type: string; status: string; count: number }>> {
    return (await this.dataSource.query(
      `SELECT type, status, count(*)::int AS count FROM requests GROUP BY type, status`,
    )) as Array<{ type: string; status: string; count: number }>;
  }

  /** Open requests past their due date, and those due before `dueSoonUntil` (the clock's now + the policy's window). */
  async deadlineCounts(now: Date, dueSoonUntil: Date): Promise<{ overdue: number; dueSoon: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE due_at < $1)::int AS overdue,
              count(*) FILTER (WHERE due_at >= $1 AND due_at < $2)::int AS due_soon
       FROM requests WHERE ${CLOCK_RUNNING}`,
      [now, dueSoonUntil],
    )) as [{ overdue: number; due_soon: number }];
    return { overdue: row.overdue, dueSoon: row.due_soon };
  }
}

/**
 * The only TypeORM user of the execution feature. Every method works in the caller's
 * transaction (`in(manager)`) and takes the scope it needs (request id, command id).
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { LinkedSubjectKeys, Recipient } from '@datarights/contracts';
import { ActionEntity, type ActionStatus } from './entities/action.entity';
import { ClosedRequestEntity } from './entities/closed-request.entity';
import { HoldEntity } from './entities/hold.entity';
import { ProcessorSystemEntity } from './entities/processor-system.entity';
import { RequestExecutionEntity } from './entities/request-execution.entity';

export type NewRequestExecution = Pick<
  RequestExecutionEntity,
  'requestId' | 'requestType' | 'subjectKeys' | 'requestedAt'
>;
export type NewAction = Pick<
  ActionEntity,
  | 'commandId'
  | 'requestId'
  | 'systemId'
  | 'kind'
  | 'categories'
  | 'params'
  | 'status'
  | 'attempts'
  | 'respondBy'
  | 'dueAt'
  | 'lastReason'
> &
  Partial<Pick<ActionEntity, 'holdId'>>;
export type NewHold = Pick<
  HoldEntity,
  | 'holdId'
  | 'requestId'
  | 'systemId'
  | 'category'
  | 'ground'
  | 'legalText'
  | 'period'
  | 'periodFrom'
  | 'until'
  | 'canErase'
>;
export type ActionChange = Partial<
  Pick<
    ActionEntity,
    | 'status'
    | 'attempts'
    | 'respondBy'
    | 'dueAt'
    | 'outcome'
    | 'affectedRecords'
    | 'retained'
    | 'lastReason'
    | 'closedBy'
    | 'closedReason'
  >
>;

/** What a request other than erasure asks, from its `requestSubmitted`. */
export interface RequestParameters {
  requestId: string;
  requestType: string;
  changes?: Record<string, string>;
  purposes?: string[];
  ground?: string;
}

/** Statuses the timeout loop watches. */
export const PENDING_STATUSES = ['sent', 'retry-pending'] as const satisfies readonly ActionStatus[];

export class ExecutionStore {
  constructor(private readonly m: EntityManager) {}

  /** False if the request is already being executed (a second plan for it). */
  async createRequest(r: NewRequestExecution): Promise<boolean> {
    const rows: unknown[] = await this.m
      .createQueryBuilder()
      .insert()
      .into(RequestExecutionEntity)
      .values({ ...r, completed: false })
      .orIgnore()
      .returning('request_id')
      .execute()
      .then((res) => res.raw as unknown[]);
    return rows.length > 0;
  }

  async insertAction(a: NewAction): Promise<void> {
    // `params` is free-form jsonb, which TypeORM's deep-partial type does not model.
    await this.m.insert(ActionEntity, a as QueryDeepPartialEntity<ActionEntity>);
  }

  async insertHold(h: NewHold): Promise<void> {
    await this.m.insert(HoldEntity, h);
  }

  /** The action, locked until the transaction ends (replies, closing and the timeout loop serialise on it). */
  lockAction(commandId: string): Promise<ActionEntity | null> {
    return this.m
      .getRepository(ActionEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.command_id = :commandId', { commandId })
      .getOne();
  }

  async updateAction(commandId: string, change: ActionChange): Promise<void> {
    await this.m.update(ActionEntity, { commandId }, { ...change, updatedAt: new Date() });
  }

  /**
   * Due actions, locked; rows another replica holds are skipped (FOR UPDATE SKIP LOCKED),
   * so that two replicas never re-send or escalate the same action twice.
   */
  takeDue(now: Date, limit: number): Promise<ActionEntity[]> {
    return this.m
      .getRepository(ActionEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('a.status IN (:...statuses)', { statuses: PENDING_STATUSES })
      .andWhere('a.due_at <= :now', { now })
      .orderBy('a.due_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The request, locked: completing it is decided by one transaction at a time. */
  lockRequest(requestId: string): Promise<RequestExecutionEntity | null> {
    return this.m
      .getRepository(RequestExecutionEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.request_id = :requestId', { requestId })
      .getOne();
  }

  getRequest(requestId: string): Promise<RequestExecutionEntity | null> {
    return this.m.findOneBy(RequestExecutionEntity, { requestId });
  }

  actionsOf(requestId: string): Promise<ActionEntity[]> {
    return this.m.find(ActionEntity, { where: { requestId }, order: { createdAt: 'ASC', commandId: 'ASC' } });
  }

  holdsOf(requestId: string): Promise<HoldEntity[]> {
    return this.m.find(HoldEntity, { where: { requestId }, order: { systemId: 'ASC', category: 'ASC' } });
  }

  async markCompleted(requestId: string, at: Date): Promise<void> {
    await this.m.update(RequestExecutionEntity, { requestId, completed: false }, { completed: true, completedAt: at });
  }

  // --- holds that end (the durable schedule) ---------------------------------------------

  /**
   * Claims the holds whose period has ended: `active` → `expired`, in the caller's
   * transaction (with the erase command and the event it publishes). The inner SELECT
   * skips rows another replica holds (FOR UPDATE SKIP LOCKED) and the UPDATE only takes
   * rows still active: a hold fires once, whatever the number of replicas.
   */
  async claimExpiredHolds(now: Date, limit: number): Promise<HoldEntity[]> {
    const rows = (await this.m.query(
      `UPDATE hold SET status = 'expired', expired_at = $1
        WHERE hold_id IN (SELECT hold_id FROM hold WHERE status = 'active' AND until <= $1 ORDER BY until LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND status = 'active'
        RETURNING hold_id`,
      [now, limit],
    )) as [Array<{ hold_id: string }>, number] | Array<{ hold_id: string }>;
    // pg's UPDATE ... RETURNING comes back as [rows, count] through TypeORM.
    const returned = Array.isArray(rows[0])
      ? (rows[0] as Array<{ hold_id: string }>)
      : (rows as Array<{ hold_id: string }>);
    if (returned.length === 0) return [];
    return this.m
      .getRepository(HoldEntity)
      .createQueryBuilder('h')
      .where('h.hold_id IN (:...ids)', { ids: returned.map((r) => r.hold_id) })
      .orderBy('h.until', 'ASC')
      .getMany();
  }

  async setHoldCommand(holdId: string, commandId: string): Promise<void> {
    await this.m.update(HoldEntity, { holdId }, { eraseCommandId: commandId });
  }

  // --- processor systems (Art. 28) --------------------------------------------------------

  async saveProcessor(systemId: string, controller: string | null, controllerContact: string | null): Promise<void> {
    await this.m.query(
      `INSERT INTO processor_system (system_id, controller, controller_contact) VALUES ($1, $2, $3)
       ON CONFLICT (system_id) DO UPDATE SET controller = EXCLUDED.controller, controller_contact = EXCLUDED.controller_contact, updated_at = now()`,
      [systemId, controller, controllerContact],
    );
  }

  async forgetProcessor(systemId: string): Promise<void> {
    await this.m.delete(ProcessorSystemEntity, { systemId });
  }

  async processors(systemIds: string[]): Promise<Map<string, ProcessorSystemEntity>> {
    if (systemIds.length === 0) return new Map();
    const rows = await this.m
      .getRepository(ProcessorSystemEntity)
      .createQueryBuilder('p')
      .where('p.system_id IN (:...systemIds)', { systemIds })
      .getMany();
    return new Map(rows.map((r) => [r.systemId, r]));
  }

  // --- closed requests --------------------------------------------------------------------

  async recordClosed(requestId: string, outcome: string, closedAt: Date): Promise<void> {
    await this.m
      .createQueryBuilder()
      .insert()
      .into(ClosedRequestEntity)
      .values({ requestId, outcome, closedAt })
      .orIgnore()
      .execute();
  }

  closedRequest(requestId: string): Promise<ClosedRequestEntity | null> {
    return this.m.findOneBy(ClosedRequestEntity, { requestId });
  }

  // --- minimisation -----------------------------------------------------------------------

  /**
   * Requests whose subject keys are no longer needed: execution completed, no hold still
   * running, no action still waiting (nothing will be sent again). Locked, SKIP LOCKED.
   */
  takeToMinimise(limit: number): Promise<RequestExecutionEntity[]> {
    return (
      this.m
        .getRepository(RequestExecutionEntity)
        .createQueryBuilder('r')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('r.completed AND r.minimised_at IS NULL')
        .andWhere(`NOT EXISTS (SELECT 1 FROM hold h WHERE h.request_id = r.request_id AND h.status = 'active')`)
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM action a WHERE a.request_id = r.request_id AND a.status NOT IN ('completed', 'closed-manually'))`,
        )
        // An Art. 19 notice still awaiting its acknowledgement: a reminder names the subject's keys.
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM recipient_notice n WHERE n.request_id = r.request_id AND n.status = 'awaiting-acknowledgement')`,
        )
        // A restriction still in place: its lifting must tell the subject first (Art. 18(3)), at their contact.
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM request_parameters p WHERE p.request_id = r.request_id AND p.request_type = 'restriction' AND p.lift_notified_at IS NULL)`,
        )
        .orderBy('r.completed_at', 'ASC')
        .limit(limit)
        .getMany()
    );
  }

  // --- rights other than erasure (issue 7) --------------------------------------------------

  /** What a rectification, objection or restriction asks; once per request (a redelivery changes nothing). */
  async saveParameters(p: RequestParameters): Promise<void> {
    await this.m.query(
      `INSERT INTO request_parameters (request_id, request_type, changes, purposes, ground) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id) DO NOTHING`,
      [p.requestId, p.requestType, p.changes ? JSON.stringify(p.changes) : null, p.purposes ?? null, p.ground ?? null],
    );
  }

  async parametersOf(requestId: string): Promise<RequestParameters | undefined> {
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
    await this.m.query(`UPDATE action SET params = params - 'changes' WHERE request_id = $1 AND kind = 'rectify'`, [
      requestId,
    ]);
  }

  async forgetActionKeys(commandId: string): Promise<void> {
    await this.m.query(`UPDATE action SET params = params - 'subjectKeys' WHERE command_id = $1`, [commandId]);
  }

  /** Adds keyed hashes to the suppression list (Art. 21(3)); idempotent. */
  async suppress(keyHashes: readonly string[], purposes: readonly string[], requestId: string): Promise<void> {
    if (keyHashes.length === 0 || purposes.length === 0) return;
    await this.m.query(
      `INSERT INTO suppression (key_hash, purpose, request_id)
         SELECT k, p, $3 FROM unnest($1::text[]) AS k CROSS JOIN unnest($2::text[]) AS p
       ON CONFLICT (key_hash, purpose) DO NOTHING`,
      [keyHashes, purposes, requestId],
    );
  }

  /** The purposes objected to under any of these keyed hashes, with the request that placed each. */
  async suppressedFor(keyHashes: readonly string[]): Promise<{ purpose: string; requestId: string }[]> {
    if (keyHashes.length === 0) return [];
    const rows = (await this.m.query(
      `SELECT DISTINCT ON (purpose) purpose, request_id FROM suppression WHERE key_hash = ANY($1::text[]) ORDER BY purpose, created_at`,
      [keyHashes],
    )) as {
      purpose: string;
      request_id: string;
    }[];
    return rows.map((r) => ({ purpose: r.purpose, requestId: r.request_id }));
  }

  /** The latest registration of a system: its purposes, capabilities and recipients. */
  async saveRegistration(
    systemId: string,
    purposes: readonly string[],
    capabilities: readonly string[],
    recipients: readonly Recipient[],
  ): Promise<void> {
    await this.m.query(
      `INSERT INTO system_registration (system_id, purposes, capabilities, recipients) VALUES ($1, $2, $3, $4)
       ON CONFLICT (system_id) DO UPDATE SET purposes = EXCLUDED.purposes, capabilities = EXCLUDED.capabilities, recipients = EXCLUDED.recipients, updated_at = now()`,
      [systemId, purposes, capabilities, JSON.stringify(recipients)],
    );
  }

  async registrations(
    systemIds: readonly string[],
  ): Promise<Map<string, { purposes: string[]; capabilities: string[] }>> {
    if (systemIds.length === 0) return new Map();
    const rows = (await this.m.query(
      `SELECT system_id, purposes, capabilities FROM system_registration WHERE system_id = ANY($1::text[])`,
      [systemIds],
    )) as {
      system_id: string;
      purposes: string[];
      capabilities: string[];
    }[];
    return new Map(rows.map((r) => [r.system_id, { purposes: r.purposes, capabilities: r.capabilities }]));
  }

  async setMinimisedKeys(
    requestId: string,
    subjectKeys: LinkedSubjectKeys | Record<string, string[]>,
    at: Date,
  ): Promise<void> {
    await this.m.update(
      RequestExecutionEntity,
      { requestId },
      { subjectKeys: subjectKeys as LinkedSubjectKeys, minimisedAt: at },
    );
  }
}

@Injectable()
export class ExecutionRepository {
  in(manager: EntityManager): ExecutionStore {
    return new ExecutionStore(manager);
  }
}

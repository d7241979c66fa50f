/**
 * The action aggregate: one row per command sent to a system (or forward, or escalation),
 * with its attempts, due time and outcome. Works in the caller's transaction.
 */
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ActionEntity, type ActionStatus } from '../entities/action.entity';

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

/** Statuses the timeout loop watches. */
export const PENDING_STATUSES = ['sent', 'retry-pending'] as const satisfies readonly ActionStatus[];

export class ActionStore {
  constructor(private readonly m: EntityManager) {}

  async insert(a: NewAction): Promise<void> {
    // `params` is free-form jsonb, which TypeORM's deep-partial type does not model.
    await this.m.insert(ActionEntity, a as QueryDeepPartialEntity<ActionEntity>);
  }

  /** The action, locked until the transaction ends (replies, closing and the timeout loop serialise on it). */
  lock(commandId: string): Promise<ActionEntity | null> {
    return this.m
      .getRepository(ActionEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.command_id = :commandId', { commandId })
      .getOne();
  }

  async update(commandId: string, change: ActionChange): Promise<void> {
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

  ofRequest(requestId: string): Promise<ActionEntity[]> {
    return this.m.find(ActionEntity, { where: { requestId }, order: { createdAt: 'ASC', commandId: 'ASC' } });
  }

  /** A re-suppression's own subject keys, once nothing will be sent again (Art. 5(1)(c)). */
  async forgetKeys(commandId: string): Promise<void> {
    await this.m.query(`UPDATE action SET params = params - 'subjectKeys' WHERE command_id = $1`, [commandId]);
  }

  /** Art. 5(1)(c): the corrected values of a rectification's commands, once nothing will be sent again. */
  async forgetChanges(requestId: string): Promise<void> {
    await this.m.query(`UPDATE action SET params = params - 'changes' WHERE request_id = $1 AND kind = 'rectify'`, [
      requestId,
    ]);
  }
}

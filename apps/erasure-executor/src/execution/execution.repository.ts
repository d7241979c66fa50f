/**
 * The only TypeORM user of the execution feature. Every method works in the caller's
 * transaction (`in(manager)`) and takes the scope it needs (request id, command id).
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ActionEntity, type ActionStatus } from './entities/action.entity';
import { HoldEntity } from './entities/hold.entity';
import { RequestExecutionEntity } from './entities/request-execution.entity';

export type NewRequestExecution = Pick<RequestExecutionEntity, 'requestId' | 'requestType' | 'subjectKeys' | 'requestedAt'>;
export type NewAction = Pick<ActionEntity, 'commandId' | 'requestId' | 'systemId' | 'kind' | 'categories' | 'params' | 'status' | 'attempts' | 'respondBy' | 'dueAt' | 'lastReason'>;
export type NewHold = Pick<HoldEntity, 'holdId' | 'requestId' | 'systemId' | 'category' | 'ground' | 'legalText' | 'period' | 'periodFrom' | 'until'>;
export type ActionChange = Partial<Pick<ActionEntity, 'status' | 'attempts' | 'respondBy' | 'dueAt' | 'outcome' | 'affectedRecords' | 'retained' | 'lastReason' | 'closedBy' | 'closedReason'>>;

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
    return this.m.getRepository(ActionEntity).createQueryBuilder('a').setLock('pessimistic_write').where('a.command_id = :commandId', { commandId }).getOne();
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
    return this.m.getRepository(RequestExecutionEntity).createQueryBuilder('r').setLock('pessimistic_write').where('r.request_id = :requestId', { requestId }).getOne();
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
}

@Injectable()
export class ExecutionRepository {
  in(manager: EntityManager): ExecutionStore {
    return new ExecutionStore(manager);
  }
}

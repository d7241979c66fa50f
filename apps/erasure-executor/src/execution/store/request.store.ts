/**
 * The request aggregate of the executor: one `request_execution` row per executed request
 * (its type, the subject keys commands are sent with, completion and minimisation), and
 * `closed_request`, the requests request-intake closed before their plan came. Works in
 * the caller's transaction.
 */
import type { EntityManager } from 'typeorm';
import type { LinkedSubjectKeys } from '@datarights/contracts';
import { ClosedRequestEntity } from '../entities/closed-request.entity';
import { RequestExecutionEntity } from '../entities/request-execution.entity';

export type NewRequestExecution = Pick<
  RequestExecutionEntity,
  'requestId' | 'requestType' | 'subjectKeys' | 'requestedAt'
>;

export class RequestStore {
  constructor(private readonly m: EntityManager) {}

  /** False if the request is already being executed (a second plan for it). */
  async create(r: NewRequestExecution): Promise<boolean> {
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

  get(requestId: string): Promise<RequestExecutionEntity | null> {
    return this.m.findOneBy(RequestExecutionEntity, { requestId });
  }

  /** The request, locked: completing it is decided by one transaction at a time. */
  lock(requestId: string): Promise<RequestExecutionEntity | null> {
    return this.m
      .getRepository(RequestExecutionEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.request_id = :requestId', { requestId })
      .getOne();
  }

  async markCompleted(requestId: string, at: Date): Promise<void> {
    await this.m.update(RequestExecutionEntity, { requestId, completed: false }, { completed: true, completedAt: at });
  }

  // --- requests closed before their plan ------------------------------------------------

  async recordClosed(requestId: string, outcome: string, closedAt: Date): Promise<void> {
    await this.m
      .createQueryBuilder()
      .insert()
      .into(ClosedRequestEntity)
      .values({ requestId, outcome, closedAt })
      .orIgnore()
      .execute();
  }

  closed(requestId: string): Promise<ClosedRequestEntity | null> {
    return this.m.findOneBy(ClosedRequestEntity, { requestId });
  }

  // --- minimisation -----------------------------------------------------------------------

  /**
   * Requests whose subject keys are no longer needed: execution completed, no hold still
   * running, no action still waiting (nothing will be sent again). Locked, SKIP LOCKED.
   * The one query of this store that reads the other aggregates' tables: "no longer
   * needed" is a fact about all of them.
   */
  takeToMinimise(limit: number): Promise<RequestExecutionEntity[]> {
    return (
      this.m
        .getRepository(RequestExecutionEntity)
        .createQueryBuilder('r')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('r.completed AND r.minimised_at IS NULL')
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM hold h WHERE h.request_id = r.request_id AND h.status IN ('active', 'waiting'))`,
        )
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

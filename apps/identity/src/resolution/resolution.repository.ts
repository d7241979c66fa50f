/** The only TypeORM user for identity's copy of the requests; every method is scoped by request id. */
import { Injectable } from '@nestjs/common';
import type { RequestType } from '@datarights/contracts';
import type { OffsetTargets } from '@datarights/messaging';
import type { EncodedKey } from '../subject-graph/graph-keys';
import type { Tx } from '../subject-graph/subject-graph.repository';
import { IdentityRequestEntity, type IdentityRequestStatus } from './entities/identity-request.entity';

@Injectable()
export class ResolutionRepository {
  /** Records a new request; false when it was already recorded (a resubmission under another event id). */
  async insert(
    tx: Tx,
    requestId: string,
    r: {
      type: RequestType;
      givenKeys: EncodedKey[];
      subjectRef: string | null;
      status: IdentityRequestStatus;
      filedBy: string;
      byRepresentative: boolean;
      portalSession: boolean;
      purposes?: string[];
      /** With status `indexing`: what the index must reach, and until when to wait. */
      waiting?: { targets: OffsetTargets; until: Date };
    },
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO requests (request_id, type, given_keys, subject_ref, status, filed_by, by_representative, portal_session, index_targets, resolve_by, purposes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (request_id) DO NOTHING RETURNING 1`,
      [
        requestId,
        r.type,
        r.givenKeys,
        r.subjectRef,
        r.status,
        r.filedBy,
        r.byRepresentative,
        r.portalSession,
        r.waiting ? JSON.stringify(r.waiting.targets) : null,
        r.waiting?.until ?? null,
        r.purposes ?? null,
      ],
    );
    return rows.length === 1;
  }

  /** Requests waiting for the index, earliest deadline first, locked (replicas share them: SKIP LOCKED). */
  async takeIndexing(tx: Tx, limit: number): Promise<IdentityRequestEntity[]> {
    return tx
      .getRepository(IdentityRequestEntity)
      .createQueryBuilder('r')
      .where(`r.status = 'indexing'`)
      .orderBy('r.resolve_by', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  /** Requests that matched no one and gave any of these keys, locked, those locked elsewhere skipped. */
  async noneWithAnyKey(tx: Tx, keys: readonly EncodedKey[]): Promise<IdentityRequestEntity[]> {
    if (keys.length === 0) return [];
    return (
      tx
        .getRepository(IdentityRequestEntity)
        .createQueryBuilder('r')
        .where(`r.status = 'none' AND r.given_keys && :keys::text[]`, { keys })
        .orderBy('r.request_id', 'ASC')
        .setLock('pessimistic_write')
        // The caller holds the graph's exclusive lock; a request locked elsewhere is being moved
        // off 'none' by a decision that takes the graph's lock next: waiting would deadlock.
        .setOnLocked('skip_locked')
        .getMany()
    );
  }

  /** Locks the request's row for the rest of the transaction (decisions on one request are serialised). */
  async find(tx: Tx, requestId: string): Promise<IdentityRequestEntity | null> {
    return tx
      .getRepository(IdentityRequestEntity)
      .findOne({ where: { requestId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Where the request stands now (a subject picked, verified, or the end of the wait for the index); the wait's bookkeeping is dropped. */
  async setSubject(
    tx: Tx,
    requestId: string,
    subjectRef: string | null,
    status: Exclude<IdentityRequestStatus, 'indexing' | 'closed'>,
  ): Promise<void> {
    await tx.query(
      `UPDATE requests SET subject_ref = $2, status = $3, index_targets = NULL, resolve_by = NULL, updated_at = now()
       WHERE request_id = $1`,
      [requestId, subjectRef, status],
    );
  }

  /** The weakly linked subjects the DPO included with the request's subject (none: null). */
  async setIncluded(tx: Tx, requestId: string, refs: readonly string[]): Promise<void> {
    await tx.query(`UPDATE requests SET included_refs = $2, updated_at = now() WHERE request_id = $1`, [
      requestId,
      refs.length > 0 ? [...refs] : null,
    ]);
  }

  /** Closes the request and drops its copy of the identifiers it gave: no longer needed (Art. 5(1)(c), (e)). */
  async close(tx: Tx, requestId: string): Promise<boolean> {
    // TypeORM returns [rows, affected] for an UPDATE on PostgreSQL.
    const [, affected] = (await tx.query(
      `UPDATE requests SET status = 'closed', given_keys = NULL, index_targets = NULL, resolve_by = NULL, updated_at = now() WHERE request_id = $1`,
      [requestId],
    )) as [unknown[], number];
    return affected > 0;
  }
}

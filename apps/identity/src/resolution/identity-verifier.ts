/**
 * Marks a request verified and publishes every key of its subject (Art. 15, 17: every
 * system must find every record). Shared by the DPO's attestation (Kafka) and the
 * subject's one-time code (HTTP). The evidence (the code, an ID document) is never in the
 * event: only how (method), when, and who attested (Art. 5(2) accountability).
 */
import { Injectable, Logger } from '@nestjs/common';
import { SUBJECT_KEY_KINDS, type IdentityVerified } from '@datarights/contracts';
import { PermanentError, type Publish } from '@datarights/messaging';
import { groupByKind, type KeyLists } from '../subject-graph/graph-keys';
import type { Tx } from '../subject-graph/subject-graph.repository';
import { SubjectGraphService } from '../subject-graph/subject-graph.service';
import type { IdentityRequestEntity } from './entities/identity-request.entity';
import { ResolutionRepository } from './resolution.repository';

/** `LinkedSubjectKeys` allows at most this many keys per kind. */
export const MAX_KEYS_PER_KIND = 100;

@Injectable()
export class IdentityVerifier {
  private readonly logger = new Logger(IdentityVerifier.name);

  constructor(
    private readonly graph: SubjectGraphService,
    private readonly requests: ResolutionRepository,
  ) {}

  async verify(
    tx: Tx,
    publish: Publish,
    request: IdentityRequestEntity,
    v: { method: IdentityVerified['method']; attestedBy?: string; at: string },
  ): Promise<void> {
    if (!request.subjectRef)
      throw new PermanentError(
        `request ${request.requestId} has no subject yet: the DPO must pick one before attesting the identity`,
      );
    const subjectRef = await this.graph.currentRef(tx, request.subjectRef);
    if (!subjectRef)
      throw new PermanentError(`subject ${request.subjectRef} of request ${request.requestId} no longer exists`);
    // The subject's keys, and those of the weakly linked subjects the DPO included (never otherwise).
    const keys = await this.graph.keysOf(tx, subjectRef);
    for (const ref of request.includedRefs ?? []) {
      const included = await this.graph.currentRef(tx, ref);
      if (included) keys.push(...(await this.graph.keysOf(tx, included)));
    }
    const subjectKeys = this.linkedKeys([...new Set(keys)], request.requestId);
    await this.requests.setSubject(tx, request.requestId, subjectRef, 'verified');
    const verified: IdentityVerified = {
      requestId: request.requestId,
      requestType: request.type,
      subjectRef,
      subjectKeys,
      method: v.method,
      ...(v.attestedBy ? { attestedBy: v.attestedBy } : {}),
      verifiedAt: v.at,
    };
    await publish('identityVerified', verified);
    this.logger.log(`request ${request.requestId} verified (${v.method}) for subject ${subjectRef}`);
  }

  private linkedKeys(keys: string[], requestId: string): KeyLists {
    const lists = groupByKind(keys);
    for (const kind of SUBJECT_KEY_KINDS) {
      const n = lists[kind]?.length ?? 0;
      // Never truncate: a command missing keys would leave data behind. A subject this large needs the DPO.
      if (n > MAX_KEYS_PER_KIND)
        throw new PermanentError(
          `subject of request ${requestId} has ${n} keys of kind ${kind}, more than the ${MAX_KEYS_PER_KIND} an event may carry`,
        );
    }
    return lists;
  }
}

/**
 * Who a request is about, and the proof that the requester is that person. A request's
 * identifiers are resolved to the subjects of the graph that still hold live data; one
 * match goes on, none or several wait for the DPO's decision. Once the DPO attests that the
 * identity was checked (décret 2019-536 art. 77: by any means; the evidence itself is never
 * stored here, cf. the CNIL's sanctions for keeping ID copies), every key of the subject is
 * published so that every system finds every record (Art. 15, 17). Over 250 lines, not
 * split: resolving, resolving again and the DPO's decisions share `resolve`/`conclude`.
 * Long on purpose: who a request is about, from the keys given to the DPO's choice; the
 * resolution rules (strong links, weak neighbours, shared keys) read best in one place.
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type RequestClosed,
  type RequestSubmitted,
  type SubjectCandidate,
  type SubjectDecided,
  type SubjectResolved,
  type VerificationAttested,
  TOPICS,
} from '@datarights/contracts';
import {
  ConsumerProgress,
  EventPublisher,
  PermanentError,
  type MessageContext,
  type OffsetTargets,
  type Publish,
} from '@datarights/messaging';
import { Clock } from '@datarights/service-kit';
import { IdentityConfig } from '../config/app.config';
import { keysOf, type EncodedKey } from '../subject-graph/graph-keys';
import { SubjectGraphService } from '../subject-graph/subject-graph.service';
import { ChallengeService } from '../verification/challenge.service';
import type { Tx } from '../subject-graph/subject-graph.repository';
import { IdentityRequestEntity } from './entities/identity-request.entity';
import { IdentityVerifier } from './identity-verifier';
import { hintsFor, sharedHint, STRONG_HINT, weakHints } from './key-masking';
import { ResolutionRepository } from './resolution.repository';

export { MAX_KEYS_PER_KIND } from './identity-verifier';

@Injectable()
export class ResolutionService implements OnModuleInit {
  private readonly logger = new Logger(ResolutionService.name);

  constructor(
    private readonly graph: SubjectGraphService,
    private readonly requests: ResolutionRepository,
    private readonly verifier: IdentityVerifier,
    private readonly challenges: ChallengeService,
    private readonly progress: ConsumerProgress,
    private readonly config: IdentityConfig,
    private readonly clock: Clock,
    private readonly publisher: EventPublisher,
  ) {}

  onModuleInit(): void {
    this.graph.onApplied((tx, keys) => this.lookAgain(tx, keys));
  }

  async onRequestSubmitted(data: RequestSubmitted, ctx: MessageContext): Promise<void> {
    const tx = ctx.manager;
    const given = keysOf(data.subject);
    const found = await this.resolve(tx, given);
    // Issue 15: "no subject" only on a caught-up index; otherwise wait for it (PendingResolutionLoop).
    const waiting = found.result === 'none' ? await this.indexWait() : undefined;
    const subjectRef = found.subjectRef;
    const inserted = await this.requests.insert(tx, data.requestId, {
      type: data.type,
      givenKeys: given,
      subjectRef,
      status: waiting ? 'indexing' : found.result,
      filedBy: data.filedBy,
      // Facts only: the mandate's reference stays with request-intake and the audit's evidence.
      byRepresentative: data.representative !== undefined,
      portalSession: data.portalSession === true,
      ...(data.purposes ? { purposes: data.purposes } : {}),
      waiting,
    });
    if (!inserted) {
      this.logger.warn(`request ${data.requestId} was already resolved: submission ignored`);
      return;
    }
    if (waiting) {
      this.logger.log(
        `request ${data.requestId}: no subject in the index yet, which has data events still to read: waiting until ${waiting.until.toISOString()}`,
      );
      return;
    }
    const request = (await this.requests.find(tx, data.requestId))!;
    await this.conclude(tx, (name, d) => ctx.publish(name, d), request, found);
  }

  /**
   * A request looked at again (locked by the caller): one that waited for the index, now
   * caught up or out of time (`unindexed`: the data events still unread then, undefined when
   * Kafka could not say), or one concluded "none" whose identifiers' data arrived since.
   */
  async resolveAgain(tx: Tx, request: IdentityRequestEntity, unindexed?: number): Promise<void> {
    const found = await this.resolve(tx, request.givenKeys ?? []);
    const { result, subjectRef } = found;
    await this.requests.setSubject(tx, request.requestId, subjectRef, result);
    const { publish } = this.publisher.unitOfWork(tx, { correlationId: request.requestId });
    await this.conclude(tx, publish, { ...request, subjectRef, status: result }, found, unindexed);
  }

  /**
   * Data events just applied carry keys that open requests concluded "none" with (issue 15):
   * the subject's data arrived after the request went to the DPO, so it is resolved again;
   * the DPO's queue shows it moving on instead of a "no data held" answer that would be wrong.
   */
  private async lookAgain(tx: Tx, keys: readonly EncodedKey[]): Promise<void> {
    for (const request of await this.requests.noneWithAnyKey(tx, keys)) {
      if ((await this.graph.liveSubjectsFor(tx, request.givenKeys ?? [])).length === 0) continue;
      this.logger.log(`request ${request.requestId}: data of its identifiers arrived after 'none': resolved again`);
      await this.resolveAgain(tx, request);
    }
  }

  /** Publishes who the request is about and, for one subject, asks the requester for the proof the policy wants. */
  private async conclude(
    tx: Tx,
    publish: Publish,
    request: IdentityRequestEntity,
    found: Resolution,
    unindexed?: number,
  ): Promise<void> {
    const { result, candidates } = found;
    const subjectRef = request.subjectRef;
    const awaited = subjectRef ? this.challenges.awaited(request) : undefined;
    const resolved: SubjectResolved = {
      requestId: request.requestId,
      result,
      ...(subjectRef ? { subjectRef } : {}),
      candidates,
      ...(awaited ? { requiredProofs: awaited } : {}),
      ...(result === 'none' && unindexed ? { unindexedEvents: unindexed } : {}),
    };
    await publish('subjectResolved', resolved);
    this.logger.log(
      `request ${request.requestId} resolved: ${result} (${request.givenKeys?.length ?? 0} keys given, ${candidates.length} candidates${
        result === 'none' && unindexed ? `, ${unindexed} data events still unread` : ''
      })`,
    );
    // The requester proves who they are: a portal session, a code to a contact on file, or the DPO's attestation.
    if (subjectRef) await this.challenges.proceed(tx, publish, { ...request, subjectRef });
  }

  /** The data-event offsets the index must reach first, when it has not read them all yet. */
  private async indexWait(): Promise<{ targets: OffsetTargets; until: Date } | undefined> {
    const waitMs = this.config.RESOLUTION_INDEX_WAIT_MS;
    if (waitMs === 0) return undefined;
    const targets = await this.progress.snapshot(TOPICS.dataEvents);
    if ((await this.progress.behind(targets)) === 0) return undefined;
    return { targets, until: new Date(this.clock.now().getTime() + waitMs) };
  }

  async onSubjectDecided(data: SubjectDecided, ctx: MessageContext): Promise<void> {
    const tx = ctx.manager;
    const request = await this.requests.find(tx, data.requestId);
    if (!request) throw new PermanentError(`request ${data.requestId} is unknown to identity`);
    if (data.decision === 'no-data-held') {
      await this.requests.close(tx, data.requestId);
      this.logger.log(`request ${data.requestId} closed: no data held`);
      return;
    }
    if (!data.subjectRef)
      throw new PermanentError(`decision 'subject' on request ${data.requestId} names no subjectRef`);
    if (request.status === 'closed') throw new PermanentError(`request ${data.requestId} is closed`);
    const subjectRef = await this.graph.currentRef(tx, data.subjectRef);
    if (!subjectRef) throw new PermanentError(`subject ${data.subjectRef} does not exist`);
    if (request.status === 'verified') {
      if (request.subjectRef === subjectRef) return;
      throw new PermanentError(`request ${data.requestId} was verified for another subject`);
    }
    // Weakly linked subjects the DPO includes (issue 13): by the DPO's decision only, never a contact for a code.
    const included: string[] = [];
    for (const ref of data.alsoSubjectRefs ?? []) {
      const current = await this.graph.currentRef(tx, ref);
      if (!current) throw new PermanentError(`subject ${ref} included in request ${data.requestId} does not exist`);
      if (current !== subjectRef && !included.includes(current)) included.push(current);
    }
    await this.requests.setSubject(tx, data.requestId, subjectRef, 'matched');
    await this.requests.setIncluded(tx, data.requestId, included.sort());
    const awaited = this.challenges.awaited(request);
    const resolved: SubjectResolved = {
      requestId: data.requestId,
      result: 'matched',
      subjectRef,
      candidates: await this.candidates(tx, [subjectRef]),
      ...(awaited ? { requiredProofs: awaited } : {}),
    };
    await ctx.publish('subjectResolved', resolved);
    this.logger.log(
      `request ${data.requestId}: the DPO picked subject ${subjectRef}${included.length ? ` and included ${included.join(', ')}` : ''}`,
    );
    // Now that the DPO picked who it is about: a portal session whose customer number is that subject's, or a code to that subject's contact on file (never for a representative).
    await this.challenges.proceed(tx, (name, d) => ctx.publish(name, d), { ...request, subjectRef, status: 'matched' });
  }

  async onVerificationAttested(data: VerificationAttested, ctx: MessageContext): Promise<void> {
    const tx = ctx.manager;
    const request = await this.requests.find(tx, data.requestId);
    if (!request) throw new PermanentError(`request ${data.requestId} is unknown to identity`);
    if (request.status === 'closed') throw new PermanentError(`request ${data.requestId} is closed`);
    if (request.status === 'verified') {
      this.logger.log(`request ${data.requestId} was already verified: attestation ignored`);
      return;
    }
    await this.verifier.verify(tx, (name, d) => ctx.publish(name, d), request, {
      method: data.method,
      attestedBy: data.attestedBy,
      at: data.attestedAt,
    });
  }

  /** The request has ended: identity's copy of its identifiers is no longer needed (Art. 5(1)(e)). */
  async onRequestClosed(data: RequestClosed, ctx: MessageContext): Promise<void> {
    if (await this.requests.close(ctx.manager, data.requestId))
      this.logger.log(`request ${data.requestId} closed (${data.outcome})`);
  }

  private async candidates(
    tx: Tx,
    subjectRefs: string[],
    why: ReadonlyMap<string, readonly string[]> = new Map(),
  ): Promise<SubjectCandidate[]> {
    const described = await this.graph.describe(tx, subjectRefs);
    return described.map((d) => ({
      subjectRef: d.subjectRef,
      hints: [...hintsFor(d.keys), ...(why.get(d.subjectRef) ?? [])],
      records: d.records,
    }));
  }

  /**
   * Who the given keys are about, by strong links only (strong-links.ts; policy `identity`).
   * The subjects holding them, less those whose every live record another one already
   * reaches (a newsletter record holding a prospect's e-mail and phone: one person, two
   * weakly linked keys): one is `matched`, unless a weak link leads to another subject
   * holding data it would not reach — then `several`, with that subject as a candidate and
   * the records that link them, so that no right crosses a weak link without the DPO's
   * decision (Art. 5(1)(d), (f), 12(6)). A shared key (a family phone) names several.
   */
  private async resolve(tx: Tx, given: readonly EncodedKey[]): Promise<Resolution> {
    const live = await this.graph.liveSubjectsFor(tx, given);
    const kept: string[] = [];
    const reached: EncodedKey[] = [];
    for (const s of [...live].sort((a, b) => b.records - a.records || (a.subjectRef < b.subjectRef ? -1 : 1))) {
      if (kept.length > 0 && !(await this.graph.holdsMoreThan(tx, s.subjectRef, reached))) continue;
      kept.push(s.subjectRef);
      reached.push(...(await this.graph.keysOf(tx, s.subjectRef)));
    }
    kept.sort();
    if (kept.length === 0) return { result: 'none', subjectRef: null, candidates: [] };
    const why = new Map<string, string[]>();
    for (const [key, refs] of await this.graph.sharedAmong(tx, given))
      for (const ref of refs) (why.get(ref) ?? why.set(ref, []).get(ref)!).push(sharedHint(key));
    if (kept.length > 1)
      return { result: 'several', subjectRef: null, candidates: await this.candidates(tx, kept, why) };
    const weak = await this.graph.weakNeighbours(tx, kept[0]!);
    if (weak.length === 0)
      return { result: 'matched', subjectRef: kept[0]!, candidates: await this.candidates(tx, kept) };
    why.set(kept[0]!, [STRONG_HINT]);
    for (const n of weak) why.set(n.subjectRef, weakHints(n));
    return {
      result: 'several',
      subjectRef: null,
      candidates: await this.candidates(tx, [kept[0]!, ...weak.map((n) => n.subjectRef)].slice(0, 20), why),
    };
  }
}

/** Who a request is about, and the candidates the DPO sees. */
interface Resolution {
  result: SubjectResolved['result'];
  subjectRef: string | null;
  candidates: SubjectCandidate[];
}

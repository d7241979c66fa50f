/**
 * Self-service verification: a one-time code sent to a contact already on file for the
 * matched subject (never to an address only the request gave), stored as a keyed hash,
 * expiring, with a limited number of attempts and a resend cooldown (policy
 * `verification.code`). Proportionality (Art. 12(2), 12(6)): a code is sent only where the
 * policy says a code (with what the request already proves) is enough for the request type;
 * otherwise the DPO attests. A request filed from a signed-in customer-space session is
 * verified without a code when the session's customer number is the subject's
 * (`portal-session`); a representative's request never gets a code (requester-proofs.ts).
 * Logs hold request ids and counts only: never a code, never an address.
 *
 * Answering a code says nothing of whether the subject is on file: a request whose subject
 * is unknown has no challenge, so a precise answer (404 there, "wrong code, 4 attempts left"
 * here) would let anyone file a request with an address and learn whether it belongs to a
 * customer (Art. 5(1)(f), Art. 32). Every refusal of an answer is one 403 with one message
 * (`refused`); the logs and the DPO-facing APIs keep the precise outcome. Wrong codes are
 * limited per challenge (`maxAttempts`) and per subject over all their requests
 * (`maxWrongPerSubject` per `wrongWindow`), so that filing again does not buy guesses.
 * Long on purpose: the verification code's whole life (issue, send, check, count wrong
 * tries, expire), whose limits only make sense read together (Art. 12(6), 32).
 */
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventPublisher, type Publish } from '@datarights/messaging';
import {
  addDuration,
  needsNoProof,
  parseDuration,
  Policy,
  verificationSatisfied,
  type VerificationProof,
} from '@datarights/policy';
import { AppError, Clock, ErrorCode } from '@datarights/service-kit';
import type { RequestType } from '@datarights/contracts';
import { IdentityConfig } from '../config/app.config';
import type { IdentityRequestEntity } from '../resolution/entities/identity-request.entity';
import { IdentityVerifier } from '../resolution/identity-verifier';
import { ResolutionRepository } from '../resolution/resolution.repository';
import type { Tx } from '../subject-graph/subject-graph.repository';
import { SubjectGraphService } from '../subject-graph/subject-graph.service';
import { checkAnswer, checkResend, contactOnFile, hashCode, newCode } from './challenge-rules';
import { ChallengeRepository } from './challenge.repository';
import { awaitedProofs, nextStep, proofsInHand, requiredFor, type RequesterFacts } from './requester-proofs';

const DEV_CODE_KEY = 'development-only-verification-code-key-0123456789';

export interface ChallengeTarget {
  requestId: string;
  type: RequestType;
  subjectRef: string;
  givenKeys: readonly string[];
  /** A portal session's proof counts with a code where the policy asks for both. */
  portalSession?: boolean;
  /** A representative's request never gets a code. */
  byRepresentative?: boolean;
}

/**
 * The one answer to a code that does not verify the request, whatever the reason (wrong,
 * attempts exhausted, expired, already used, request verified or closed, no challenge at
 * all): the same status, message and no details, so that it reveals nothing of the subject.
 */
/** The one answer to "send me a new code", whatever happened (ChallengeService.resend). */
export const RESEND_MESSAGE =
  'if this request is waiting for a code, a new one has been sent to the contact on file and the previous one no longer works (at most one code a minute, and a limited number per request); otherwise nothing was sent';

export const REFUSED_MESSAGE =
  'this code does not verify the request: check it, or ask for a new code (POST /v1/self-service/requests/{id}/verification/code, with the id of this request); after repeated failures the DPO verifies your identity instead';

/** Not even the request id in it: the body is byte for byte the same for every request. */
function refused(): AppError {
  return new AppError(HttpStatus.FORBIDDEN, ErrorCode.Forbidden, REFUSED_MESSAGE);
}

@Injectable()
export class ChallengeService {
  private readonly logger = new Logger(ChallengeService.name);
  private readonly key: string;

  constructor(
    private readonly repo: ChallengeRepository,
    private readonly requests: ResolutionRepository,
    private readonly graph: SubjectGraphService,
    private readonly verifier: IdentityVerifier,
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly policy: Policy,
    private readonly config: IdentityConfig,
    private readonly clock: Clock,
  ) {
    if (!config.VERIFICATION_CODE_KEY && config.NODE_ENV === 'production')
      throw new Error('VERIFICATION_CODE_KEY is required in production');
    this.key = config.VERIFICATION_CODE_KEY ?? DEV_CODE_KEY;
  }

  /** The proofs the request brings besides a code: a customer number that belongs to the subject, and a portal session with it. */
  private async proofsBesidesCode(
    tx: Tx,
    subjectRef: string,
    r: { givenKeys: readonly string[]; portalSession?: boolean },
  ): Promise<VerificationProof[]> {
    return proofsInHand(
      { givenKeys: r.givenKeys, portalSession: r.portalSession === true },
      new Set(await this.graph.keysOf(tx, subjectRef)),
    );
  }

  /** What identity awaits from the requester of a matched request (SubjectResolved.requiredProofs); undefined for the DPO's own filings. */
  private factsOf(r: IdentityRequestEntity): RequesterFacts {
    return {
      type: r.type,
      filedBy: r.filedBy,
      byRepresentative: r.byRepresentative,
      portalSession: r.portalSession,
      givenKeys: r.givenKeys ?? [],
      noProofNeeded: needsNoProof(this.policy.directMarketing, r),
    };
  }

  awaited(request: IdentityRequestEntity): string[] | undefined {
    return awaitedProofs(this.policy.verification, this.factsOf(request));
  }

  /**
   * The subject of the request is known (matched, or picked by the DPO): verify at once on a
   * portal session whose customer number is the subject's (the same identityVerified as a
   * code, method `portal-session`), send a code to a subject's own request, or leave it to
   * the DPO's attestation (a representative's request, the DPO's own filings).
   */
  async proceed(tx: Tx, publish: Publish, request: IdentityRequestEntity & { subjectRef: string }): Promise<void> {
    const facts = this.factsOf(request);
    const inHand = await this.proofsBesidesCode(tx, request.subjectRef, facts);
    const next = nextStep(this.policy.verification, facts, inHand);
    switch (next.step) {
      case 'verify':
        await this.verifier.verify(tx, publish, request, { method: next.method, at: this.clock.now().toISOString() });
        return;
      case 'code':
        await this.issue(
          tx,
          publish,
          {
            requestId: request.requestId,
            type: request.type,
            subjectRef: request.subjectRef,
            givenKeys: facts.givenKeys,
            portalSession: facts.portalSession,
          },
          1,
        );
        return;
      case 'dpo':
        if (facts.byRepresentative)
          this.logger.log(`request ${request.requestId}: filed by a representative; no code, the DPO attests`);
        return;
    }
  }

  /** Sends code number `issue`; false (and nothing sent) when a code cannot be enough or no contact is on file. */
  async issue(tx: Tx, publish: Publish, t: ChallengeTarget, issue: number): Promise<boolean> {
    if (t.byRepresentative) {
      this.logger.log(`request ${t.requestId}: filed by a representative; no code, the DPO attests`);
      return false;
    }
    const required = requiredFor(this.policy.verification, { type: t.type, byRepresentative: false });
    const proofs = await this.proofsBesidesCode(tx, t.subjectRef, t);
    if (!verificationSatisfied(required, ['code', ...proofs])) {
      this.logger.log(`request ${t.requestId}: a code is not enough for ${t.type} under the policy; the DPO attests`);
      return false;
    }
    const contact = contactOnFile(await this.graph.keysOf(tx, t.subjectRef), t.givenKeys);
    if (!contact) {
      this.logger.log(`request ${t.requestId}: no contact on file for the subject; the DPO attests`);
      return false;
    }
    const code = newCode();
    const sentAt = this.clock.now();
    const expiresAt = addDuration(sentAt, this.policy.verification.code.ttl);
    await this.repo.put(tx, t.requestId, {
      channel: contact.channel,
      codeHash: hashCode(this.key, t.requestId, issue, code),
      issue,
      sentAt,
      expiresAt,
    });
    await publish('notificationRequested', {
      notificationId: randomUUID(),
      requestId: t.requestId,
      channel: contact.channel,
      to: contact.to,
      template: 'identity-code',
      locale: this.config.NOTICE_LOCALE,
      variables: { requestId: t.requestId, code, expiresAt: expiresAt.toISOString() },
    });
    await publish('identityChallengeSent', {
      requestId: t.requestId,
      channel: contact.channel,
      issue,
      sentAt: sentAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    this.logger.log(`request ${t.requestId}: code ${issue} sent (${contact.channel}) to the contact on file`);
    return true;
  }

  /**
   * The subject answers with the code. Every compared answer counts, even when refused.
   * Every refusal is the same `refused` answer, for a request with a challenge or without.
   */
  async answer(requestId: string, code: string): Promise<{ id: string; status: 'verified'; method: 'code' }> {
    const now = this.clock.now();
    const outcome = await this.dataSource.transaction(async (tx) => {
      const request = await this.requests.find(tx, requestId);
      const challenge = request?.subjectRef ? await this.repo.lock(tx, requestId) : undefined;
      if (!request || !challenge) return { outcome: 'no-challenge' as const };
      if (request.status === 'verified') return { outcome: 'verified-already' as const };
      if (request.status === 'closed') return { outcome: 'closed' as const };
      // The per-subject limit, over all the subject's requests: filing again and again gives
      // new codes and new attempts, not new guesses. Checked before comparing, so that past
      // it even the right code is refused (the same `refused`: nothing to tell it apart).
      const policy = this.policy.verification.code;
      const windowStart = new Date(now.getTime() - durationMs(policy.wrongWindow));
      await this.repo.lockSubject(tx, request.subjectRef!);
      if ((await this.repo.wrongCodesSince(tx, request.subjectRef!, windowStart)) >= policy.maxWrongPerSubject)
        return { outcome: 'subject-limit' as const };
      const { result, attempts } = checkAnswer(
        challenge,
        hashCode(this.key, requestId, challenge.issue, code),
        now,
        policy.maxAttempts,
      );
      await this.repo.recordAttempt(tx, requestId, attempts, result.outcome === 'verified' ? now : null);
      // A compared answer that did not verify ('wrong', or 'locked' by this very answer).
      if (attempts > challenge.attempts && result.outcome !== 'verified')
        await this.repo.recordWrongCode(tx, request.subjectRef!, requestId, now, windowStart);
      if (result.outcome === 'verified') {
        const required = requiredFor(this.policy.verification, request);
        const proofs = await this.proofsBesidesCode(tx, request.subjectRef!, this.factsOf(request));
        if (!verificationSatisfied(required, ['code', ...proofs])) return { outcome: 'insufficient' as const };
        await this.verifier.verify(tx, this.publishFor(tx, requestId), request, {
          method: 'code',
          at: now.toISOString(),
        });
      }
      return result;
    });
    this.logger.log(`request ${requestId}: code answer ${outcome.outcome}`);
    switch (outcome.outcome) {
      case 'verified':
        return { id: requestId, status: 'verified', method: 'code' };
      case 'insufficient':
        // Reached only with the right code: the subject themself, nothing to probe.
        throw new AppError(
          HttpStatus.FORBIDDEN,
          ErrorCode.Forbidden,
          'a code alone is not enough for this request type: the DPO will verify your identity',
        );
      case 'wrong':
      case 'locked':
      case 'expired':
      case 'used':
      case 'no-challenge':
      case 'verified-already':
      case 'closed':
      case 'subject-limit':
        throw refused();
    }
  }

  /** A new code, after the cooldown, to the contact on file. */
  /**
   * Sends a new code if the request waits for one, and answers the same whatever happened
   * (sent, cooldown not over, no more codes, already verified, closed, no challenge, never
   * filed): a different answer would tell anyone holding a request id whether its subject is
   * on file. The precise outcome is logged (without personal data).
   */
  async resend(requestId: string): Promise<{ id: string; status: 'accepted'; message: string }> {
    const outcome = await this.resendIfWaiting(requestId).catch((err: unknown) => {
      if (err instanceof AppError) return err.message;
      throw err;
    });
    this.logger.log(`request ${requestId}: new code asked: ${outcome}`);
    return { id: requestId, status: 'accepted', message: RESEND_MESSAGE };
  }

  private async resendIfWaiting(requestId: string): Promise<string> {
    return this.dataSource.transaction(async (tx) => {
      const { request, challenge } = await this.open(tx, requestId);
      const check = checkResend(challenge, this.clock.now(), durationMs(this.policy.verification.code.resendCooldown));
      if (!check.ok) {
        if (check.reason === 'cooldown')
          return `not sent: a code was just sent (${Math.ceil((check.retryAfterMs ?? 0) / 1000)} s of cooldown left)`;
        if (check.reason === 'used') return 'not sent: already verified';
        return 'not sent: no more codes for this request (the DPO verifies)';
      }
      const target: ChallengeTarget = {
        requestId,
        type: request.type,
        subjectRef: request.subjectRef!,
        givenKeys: request.givenKeys ?? [],
        portalSession: request.portalSession,
        byRepresentative: request.byRepresentative,
      };
      if (!(await this.issue(tx, this.publishFor(tx, requestId), target, challenge.issue + 1)))
        return 'not sent: a code can no longer be sent for this request (the DPO verifies)';
      return `code #${challenge.issue + 1} sent`;
    });
  }

  private async open(tx: Tx, requestId: string) {
    const request = await this.requests.find(tx, requestId);
    const challenge = request ? await this.repo.lock(tx, requestId) : undefined;
    // One answer for unknown request and request without a code: nothing to probe.
    if (!request || !challenge || !request.subjectRef)
      throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no identity challenge for request ${requestId}`);
    if (request.status === 'verified')
      throw new AppError(HttpStatus.CONFLICT, ErrorCode.Conflict, 'this request is already verified');
    if (request.status === 'closed')
      throw new AppError(HttpStatus.CONFLICT, ErrorCode.InvalidTransition, 'this request is closed');
    return { request, challenge };
  }

  private publishFor(tx: Tx, requestId: string): Publish {
    return this.publisher.unitOfWork(tx, { correlationId: requestId }).publish;
  }
}

function durationMs(iso: string): number {
  const epoch = new Date(0);
  return addDuration(epoch, parseDuration(iso)).getTime();
}

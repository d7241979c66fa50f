/**
 * How a request's requester is to be proven, pure (GDPR Art. 12(2), 12(6): proportionate;
 * policy `verification`). Once the subject is known:
 *
 * - the proofs the request brings by itself: `customer-number` (it gave a customer number
 *   that belongs to the subject) and `portal-session` (filed from a signed-in customer-space
 *   session whose customer number — the one it gave — belongs to the subject);
 * - a portal session verifies at once where the policy lists an alternative it completes;
 * - a representative's request follows `verification.representative` and never gets a code:
 *   a code goes to the subject's contact on file and proves nothing about the mandate, so
 *   the DPO attests;
 * - a subject's own request otherwise gets a one-time code (ChallengeService.issue checks
 *   that a code, with what the request brings, is enough, and that a contact is on file);
 * - the DPO's own filings wait for the DPO's attestation, as before;
 * - an objection to direct marketing only, where the policy says so, needs no proof at all
 *   (`directMarketing.objectionWithoutProof`, Art. 21(3)): verified at once, `not-required`.
 */
import type { RequestType } from '@datarights/contracts';
import {
  requiredProofs,
  verificationSatisfied,
  type ProofAlternatives,
  type VerificationPolicy,
  type VerificationProof,
} from '@datarights/policy';
import type { EncodedKey } from '../subject-graph/graph-keys';

export interface RequesterFacts {
  type: RequestType;
  filedBy: 'dpo' | 'operator' | 'subject' | null;
  byRepresentative: boolean;
  portalSession: boolean;
  /** The keys the request gave (`kind:value`); a portal session's customer number is its `customerId:` key. */
  givenKeys: readonly EncodedKey[];
  /** An objection to direct marketing only, which the policy applies without proof. */
  noProofNeeded?: boolean;
}

export type NextStep =
  { step: 'verify'; method: 'portal-session' | 'not-required' } | { step: 'code' } | { step: 'dpo' };

/** The alternatives that verify the requester: the request type's, or `representative` for a representative's request. */
export function requiredFor(
  v: VerificationPolicy,
  r: Pick<RequesterFacts, 'type' | 'byRepresentative'>,
): ProofAlternatives {
  return requiredProofs(v, r.type, r.byRepresentative);
}

/** What identity says it awaits (SubjectResolved.requiredProofs): for requests whose requester it proves itself, i.e. not the DPO's own filings. */
export function awaitedProofs(v: VerificationPolicy, r: RequesterFacts): string[] | undefined {
  if (r.noProofNeeded) return undefined;
  if (r.filedBy !== 'subject' && !r.byRepresentative) return undefined;
  return requiredFor(v, r).map((alt) => alt.join('+'));
}

/** The proofs the request brings besides a code, against the subject's keys. */
export function proofsInHand(
  r: Pick<RequesterFacts, 'portalSession' | 'givenKeys'>,
  subjectKeys: ReadonlySet<EncodedKey>,
): VerificationProof[] {
  const ownCustomerNumber = r.givenKeys.some((k) => k.startsWith('customerId:') && subjectKeys.has(k));
  if (!ownCustomerNumber) return [];
  return r.portalSession ? ['customer-number', 'portal-session'] : ['customer-number'];
}

export function nextStep(v: VerificationPolicy, r: RequesterFacts, inHand: readonly VerificationProof[]): NextStep {
  // Art. 21(3): absolute, and as simple to exercise as the marketing was to receive.
  if (r.noProofNeeded) return { step: 'verify', method: 'not-required' };
  const required = requiredFor(v, r);
  // Only an alternative that names the session verifies without a code: the customer number alone never does.
  const bySession = required.filter((alt) => alt.includes('portal-session'));
  if (inHand.includes('portal-session') && verificationSatisfied(bySession, inHand))
    return { step: 'verify', method: 'portal-session' };
  if (r.byRepresentative) return { step: 'dpo' };
  return r.filedBy === 'subject' ? { step: 'code' } : { step: 'dpo' };
}

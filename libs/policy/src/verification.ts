/**
 * Proportionate identity verification (GDPR Art. 12(2), 12(6): extra information only where
 * there is reasonable doubt; décret 2019-536 art. 77: the time limit is suspended while the
 * information asked of the requester is awaited). Per request type, the file lists the
 * combinations of proofs that are enough (any one of them suffices):
 *
 *   verification:
 *     requests:
 *       access: [[code], [portal-session], [dpo-attested]]
 *       erasure: [[code, customer-number], [portal-session], [dpo-attested]]
 *     representative: [[dpo-attested]]
 *
 * `code`: a one-time code sent to a contact already on file; `customer-number`: the request
 * gave a customer number that belongs to the subject; `portal-session`: the request was
 * filed from a signed-in customer-space session whose customer number belongs to the
 * matched subject (the customer-space login is the proof; the CNIL asks for no further
 * document from someone already authenticated there); `dpo-attested`: the DPO checked it.
 *
 * A request filed by a representative (with a mandate reference) follows `representative`:
 * what must be proven is the mandate, which neither a code (it goes to the subject's contact,
 * not to the representative) nor the subject's own session shows, so the list may not name
 * `code` or `portal-session`; by default the DPO attests.
 */
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { isIsoDuration, isZeroDuration, parseDuration } from './duration';

/** An ISO 8601 duration longer than zero (same rule as policy.model's; kept here to avoid an import cycle). */
function IsPolicyDuration(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPolicyDuration',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => isIsoDuration(value) && !isZeroDuration(parseDuration(value)),
        defaultMessage: (args) =>
          isIsoDuration(args?.value)
            ? 'must be longer than zero'
            : 'must be an ISO 8601 duration (e.g. P1M, P10Y, PT1H)',
      },
    });
}

export const VERIFICATION_PROOFS = ['code', 'customer-number', 'portal-session', 'dpo-attested'] as const;
export type VerificationProof = (typeof VERIFICATION_PROOFS)[number];
export const VERIFIED_REQUEST_TYPES = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'portability',
  'objection',
] as const;
export type VerifiedRequestType = (typeof VERIFIED_REQUEST_TYPES)[number];

/** A list of alternatives, each a list of proofs that must all be present. */
export type ProofAlternatives = VerificationProof[][];

const alternatives = () => [
  IsOptional(),
  IsArray({ message: 'must be a list of lists of proofs' }),
  ArrayMinSize(1, { message: 'must list at least one way to verify' }),
];
const decorate =
  (ds: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    ds.forEach((d) => d(target, key));

export class VerificationRequestsPolicy {
  @decorate(alternatives()) access?: ProofAlternatives;
  @decorate(alternatives()) rectification?: ProofAlternatives;
  @decorate(alternatives()) erasure?: ProofAlternatives;
  @decorate(alternatives()) restriction?: ProofAlternatives;
  @decorate(alternatives()) portability?: ProofAlternatives;
  @decorate(alternatives()) objection?: ProofAlternatives;
}

export class CodePolicy {
  /** How long a one-time code is valid. */
  @IsOptional()
  @IsPolicyDuration()
  ttl: string;

  @IsOptional()
  @Max(20, { message: 'must be 20 at most' })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be a whole number' })
  maxAttempts: number;

  /** Wait before another code may be sent for the same request. */
  @IsOptional()
  @IsPolicyDuration()
  resendCooldown: string;

  /**
   * Wrong codes a subject may send over all their requests within `wrongWindow`; past it
   * every answer is refused until the oldest leaves the window. `maxAttempts` bounds one
   * code, this bounds someone who files again and again (Art. 32: guessing a code is
   * verifying as someone else).
   */
  @IsOptional()
  @Max(100, { message: 'must be 100 at most' })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be a whole number' })
  maxWrongPerSubject: number;

  /** The sliding window of `maxWrongPerSubject`. */
  @IsOptional()
  @IsPolicyDuration()
  wrongWindow: string;
}

export class VerificationPolicy {
  /** Décret 2019-536 art. 77: the deadline is suspended while the subject's proof is awaited. */
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  suspendDeadline: boolean;

  /** A request still unverified after this closes as unverified, with a notice. */
  @IsOptional()
  @IsPolicyDuration()
  unverifiedAfter: string;

  /** Requests of the same subject and type within this window are flagged for the DPO (Art. 12(5)); never rejected automatically. */
  @IsOptional()
  @IsPolicyDuration()
  repeatWindow: string;

  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => CodePolicy)
  code: CodePolicy;

  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => VerificationRequestsPolicy)
  requests: VerificationRequestsPolicy;

  /** What a request filed by a representative (with a mandate reference) needs. */
  @IsOptional()
  @IsArray({ message: 'must be a list of lists of proofs' })
  representative: ProofAlternatives;
}

/**
 * A signed-in customer-space session is enough for every type, erasure included: the session
 * already proves the customer number (what erasure asks a code to be completed with), and
 * its login is a stronger proof of identity than a code to an address on file.
 */
export const DEFAULT_VERIFICATION_REQUESTS: Readonly<Record<VerifiedRequestType, ProofAlternatives>> = Object.freeze({
  access: [['code'], ['portal-session'], ['dpo-attested']],
  portability: [['code'], ['portal-session'], ['dpo-attested']],
  rectification: [['code'], ['portal-session'], ['dpo-attested']],
  restriction: [['code'], ['portal-session'], ['dpo-attested']],
  objection: [['code'], ['portal-session'], ['dpo-attested']],
  erasure: [['code', 'customer-number'], ['portal-session'], ['dpo-attested']],
});

/**
 * Fills the defaults: suspension on, 30 days to verify, codes 15 minutes / 5 attempts / 1
 * minute cooldown, 10 wrong codes per subject per day.
 */
export function normaliseVerification(v: VerificationPolicy | undefined): VerificationPolicy {
  const out = Object.assign(new VerificationPolicy(), v ?? {});
  out.suspendDeadline ??= true;
  out.unverifiedAfter ??= 'P30D';
  out.repeatWindow ??= 'P3M';
  out.code = Object.assign(
    new CodePolicy(),
    { ttl: 'PT15M', maxAttempts: 5, resendCooldown: 'PT1M', maxWrongPerSubject: 10, wrongWindow: 'P1D' },
    stripUndefined(out.code ?? {}),
  );
  out.requests = Object.assign(
    new VerificationRequestsPolicy(),
    DEFAULT_VERIFICATION_REQUESTS,
    stripUndefined(out.requests ?? {}),
  );
  out.representative ??= [['dpo-attested']];
  return out;
}

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Problems with the proof lists (unknown proofs, a representative's list naming a proof of the subject), in the file's terms. */
export function verificationProblems(v: VerificationPolicy | undefined): string[] {
  if (!v || typeof v !== 'object') return [];
  const problems: string[] = [];
  const check = (path: string, alts: unknown) => {
    if (!Array.isArray(alts)) return;
    alts.forEach((alt, i) => {
      if (
        !Array.isArray(alt) ||
        alt.length === 0 ||
        alt.some((p) => !(VERIFICATION_PROOFS as readonly unknown[]).includes(p))
      ) {
        problems.push(`${path}[${i}]: must be a non-empty list of ${VERIFICATION_PROOFS.join(', ')}`);
      }
    });
  };
  for (const t of VERIFIED_REQUEST_TYPES)
    check(`verification.requests.${t}`, (v.requests as Record<string, unknown> | undefined)?.[t]);
  check('verification.representative', v.representative);
  if (Array.isArray(v.representative)) {
    v.representative.forEach((alt, i) => {
      for (const p of ['code', 'portal-session'] as const) {
        if (Array.isArray(alt) && alt.includes(p))
          problems.push(
            `verification.representative[${i}]: ${p} cannot prove a representative's mandate (it proves the subject, not who acts for them); use dpo-attested`,
          );
      }
    });
  }
  return problems;
}

/** Whether the proofs gathered satisfy one of the alternatives the policy requires. */
export function verificationSatisfied(required: ProofAlternatives, proofs: readonly VerificationProof[]): boolean {
  return required.some((alt) => alt.every((p) => proofs.includes(p)));
}

/** The alternatives required for a request (a representative's request follows `representative`). */
export function requiredProofs(
  v: VerificationPolicy,
  type: VerifiedRequestType,
  byRepresentative = false,
): ProofAlternatives {
  return byRepresentative ? v.representative : (v.requests[type] ?? DEFAULT_VERIFICATION_REQUESTS[type]);
}

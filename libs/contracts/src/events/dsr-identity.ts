/** `dsr.identity.v1`: who a request is about, and how their identity was verified. */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { REQUEST_TYPES, type RequestType } from '../common/primitives';
import { LinkedSubjectKeys } from '../common/subject-keys';
import { VERIFICATION_METHODS } from './dsr-requests';

/**
 * How identity was verified: the DPO's attestation, a one-time code, a signed-in
 * customer-space session, or `not-required`: an objection to direct marketing only, which
 * the policy lets take effect without proof (Art. 21(2)-(3), 12(2); `directMarketing`).
 */
export const IDENTITY_VERIFICATION_METHODS = [...VERIFICATION_METHODS, 'portal-session', 'not-required'] as const;

export class SubjectCandidate {
  @IsString()
  @Length(1, 100)
  subjectRef: string;

  /** Masked keys (j***@example.com) so that the DPO can pick without the log holding them. */
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  hints: string[];

  @IsInt()
  @Min(0)
  records: number;
}

export class SubjectResolved {
  @IsUUID()
  requestId: string;

  @IsIn(['matched', 'none', 'several'])
  result: 'matched' | 'none' | 'several';

  @IsOptional()
  @IsString()
  @Length(1, 100)
  subjectRef?: string;

  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SubjectCandidate)
  candidates: SubjectCandidate[];

  /**
   * When the subject matched and identity awaits the requester's proof under the policy (a
   * subject's own request, or a representative's): the ways that will verify it, each a
   * `+`-joined set of proofs, e.g. `["code+customer-number", "portal-session", "dpo-attested"]`,
   * or `["dpo-attested"]` for a representative's request. Absent for the DPO's own filings.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z][a-z-]*(\+[a-z][a-z-]*)*$/, { each: true })
  requiredProofs?: string[];

  /**
   * With `none` only: identity waited for its index to read the data events that existed
   * when the request was filed, and the wait ran out with this many still unread. The
   * subject may be in them: the DPO looks again rather than concluding that no data is held.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  unindexedEvents?: number;
}

export class IdentityVerified {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  requestType: RequestType;

  /** The subject's stable pseudonymous id in the identity graph. */
  @IsString()
  @Length(1, 100)
  subjectRef: string;

  /** Every key linked to the subject. */
  @ValidateNested()
  @Type(() => LinkedSubjectKeys)
  subjectKeys: LinkedSubjectKeys;

  @IsIn(IDENTITY_VERIFICATION_METHODS)
  method: (typeof IDENTITY_VERIFICATION_METHODS)[number];

  @IsOptional()
  @IsString()
  @Length(1, 200)
  attestedBy?: string;

  @IsISO8601({ strict: true })
  verifiedAt: string;
}

export const CHALLENGE_CHANNELS = ['email', 'sms'] as const;

/**
 * A one-time code was sent to a contact already on file for the subject (never to an address
 * only the request gave). The code and the address are never in the event. From now the
 * request awaits the subject's proof (décret 2019-536 art. 77: the time limit is suspended).
 */
export class IdentityChallengeSent {
  @IsUUID()
  requestId: string;

  @IsIn(CHALLENGE_CHANNELS)
  channel: (typeof CHALLENGE_CHANNELS)[number];

  /** 1 for the first code, 2 for the first resend, ... */
  @IsInt()
  @Min(1)
  issue: number;

  @IsISO8601({ strict: true })
  sentAt: string;

  @IsISO8601({ strict: true })
  expiresAt: string;
}

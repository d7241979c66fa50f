/**
 * `dsr.requests.v1`: requests filed with request-intake and the DPO's decisions on them.
 * Long on purpose: the payload classes of one topic, each small; they are read together by
 * the teams that consume the topic.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsEmail,
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
import { CHANNELS, PURPOSE_PATTERN, REQUEST_TYPES, type Channel, type RequestType } from '../common/primitives';
import { IsStringMap } from '../common/string-map.validator';
import { PHONE_PATTERN } from '../common/subject-keys';

/** The identifiers a request gives for its subject (any subset, at least one key). */
export class RequestSubject {
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  email?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  customerId?: string;

  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'phone must be in E.164 form, e.g. +33612345678' })
  phone?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export const FILED_BY = ['dpo', 'operator', 'subject'] as const;

/** A mandate reference: letters and digits, then also `.`, `_`, `/`, `-` (e.g. `MAND-2026/0042`). */
export const MANDATE_REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;

/**
 * Someone acting for the subject under a mandate (a lawyer, a guardian, an association,
 * Art. 80): only the mandate's reference travels, never the representative's name (it stays
 * with request-intake, for the DPO).
 */
export class RequestRepresentative {
  @IsString()
  @Length(1, 100)
  @Matches(MANDATE_REFERENCE_PATTERN, {
    message: 'mandateReference must start with a letter or digit and hold only letters, digits, ".", "_", "/" and "-"',
  })
  mandateReference: string;
}

/** The grounds of Art. 18(1)(a)–(d) a subject may invoke to restrict processing. */
export const RESTRICTION_GROUNDS = [
  'accuracy-contested',
  'unlawful-processing',
  'legal-claims',
  'objection-pending',
] as const;

export class RequestSubmitted {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @ValidateNested()
  @Type(() => RequestSubject)
  subject: RequestSubject;

  @IsIn(CHANNELS)
  channel: Channel;

  @IsISO8601({ strict: true })
  receivedAt: string;

  @IsISO8601({ strict: true })
  dueAt: string;

  @IsIn(FILED_BY)
  filedBy: (typeof FILED_BY)[number];

  /** Rectification (Art. 16): field name → corrected value (personal data: audit never keeps it). */
  @IsOptional()
  @IsStringMap()
  changes?: Record<string, string>;

  /** Objection (Art. 21): the purposes objected to, e.g. `prospection`. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(PURPOSE_PATTERN, { each: true })
  purposes?: string[];

  /** Restriction (Art. 18(1)): the ground the subject invokes. */
  @IsOptional()
  @IsIn(RESTRICTION_GROUNDS)
  ground?: (typeof RESTRICTION_GROUNDS)[number];

  /** Filed by a representative under a mandate: identity then asks for the policy's `verification.representative` proofs (the DPO attests), and sends no code. */
  @IsOptional()
  @ValidateNested()
  @Type(() => RequestRepresentative)
  representative?: RequestRepresentative;

  /**
   * Filed from a signed-in customer-space session (self-service with a portal user's token):
   * `subject.customerId` is then the session's customer number, checked by request-intake.
   * Identity counts the proof `portal-session` when that number belongs to the matched subject.
   * Absent otherwise (never `false`).
   */
  @IsOptional()
  @Equals(true)
  portalSession?: true;
}

export const VERIFICATION_METHODS = ['dpo-attested', 'code'] as const;

/** The DPO attests that the requester's identity was checked (the evidence itself is never stored). */
export class VerificationAttested {
  @IsUUID()
  requestId: string;

  @IsIn(VERIFICATION_METHODS)
  method: (typeof VERIFICATION_METHODS)[number];

  /** Who attested (the authenticated user's id), for the evidence. */
  @IsString()
  @Length(1, 200)
  attestedBy: string;

  @IsISO8601({ strict: true })
  attestedAt: string;
}

/** The DPO's answer when a request matched no subject or several. */
export class SubjectDecided {
  @IsUUID()
  requestId: string;

  @IsIn(['subject', 'no-data-held'])
  decision: 'subject' | 'no-data-held';

  @IsOptional()
  @IsString()
  @Length(1, 100)
  subjectRef?: string;

  /**
   * With `subject`: other candidates — subjects only weakly linked to it, which identity
   * never joins on its own (a record of a system not authoritative for those keys) — that
   * the DPO includes in the request: their keys go to the systems with the subject's.
   * They never receive a verification code. Absent: the subject alone.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(19)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  alsoSubjectRefs?: string[];

  @IsString()
  @Length(1, 200)
  decidedBy: string;
}

/** The DPO closes one stuck action by hand, with a reason that is kept as evidence. */
export class ActionCloseRequested {
  @IsUUID()
  requestId: string;

  @IsUUID()
  commandId: string;

  @IsString()
  @Length(1, 2000)
  reason: string;

  @IsString()
  @Length(1, 200)
  closedBy: string;
}

/** `refused`: no action taken, with reasons (Art. 12(4)); `rejected`: manifestly unfounded or excessive (Art. 12(5)). */
export const REQUEST_OUTCOMES = ['completed', 'no-data-held', 'rejected', 'unverified', 'refused'] as const;

export class RequestClosed {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @IsIn(REQUEST_OUTCOMES)
  outcome: (typeof REQUEST_OUTCOMES)[number];

  @IsISO8601({ strict: true })
  closedAt: string;

  @IsISO8601({ strict: true })
  dueAt: string;

  @IsISO8601({ strict: true })
  receivedAt: string;
}

/**
 * The DPO extended the deadline by one or two further months, with the reasons told to the
 * subject within the first month (Art. 12(3)). The reason is free text (audit: presence only).
 */
export class RequestExtended {
  @IsUUID()
  requestId: string;

  @IsIn([1, 2])
  months: 1 | 2;

  @IsString()
  @Length(1, 2000)
  reason: string;

  @IsISO8601({ strict: true })
  previousDueAt: string;

  @IsISO8601({ strict: true })
  dueAt: string;

  @IsString()
  @Length(1, 200)
  extendedBy: string;
}

/**
 * No action is taken on the request (Art. 12(4)): the subject is told the reasons and their
 * right to complain to the supervisory authority and to seek a judicial remedy. A
 * `requestClosed` with outcome `refused` follows in the same transaction.
 */
export class RequestRefused {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @IsString()
  @Length(1, 4000)
  reasons: string;

  @IsString()
  @Length(1, 200)
  refusedBy: string;

  @IsISO8601({ strict: true })
  refusedAt: string;
}

export const REJECTION_GROUNDS = ['manifestly-unfounded', 'excessive'] as const;
export type RejectionGround = (typeof REJECTION_GROUNDS)[number];

/**
 * The DPO rejected the request as manifestly unfounded or excessive (Art. 12(5)); the
 * controller bears the burden of proof, so the justification is recorded (audit: presence
 * only). A `requestClosed` with outcome `rejected` follows in the same transaction.
 */
export class RequestRejected {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @IsIn(REJECTION_GROUNDS)
  ground: RejectionGround;

  @IsString()
  @Length(1, 4000)
  justification: string;

  @IsString()
  @Length(1, 200)
  rejectedBy: string;

  @IsISO8601({ strict: true })
  rejectedAt: string;
}

/** An open request is due within the policy's `deadlines.dueSoonWithin` (published once per due date). */
export class RequestDeadlineApproaching {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @IsISO8601({ strict: true })
  dueAt: string;

  /** The window, an ISO 8601 duration (e.g. P3D). */
  @Matches(/^P(?!$)[0-9YMWDTHS]+$/)
  within: string;
}

/** An open request passed its due date (Art. 12(3)) (published once per due date). */
export class RequestOverdue {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @IsISO8601({ strict: true })
  dueAt: string;

  /** Its status when found overdue. */
  @IsString()
  @Length(1, 50)
  status: string;
}

/**
 * After the proof period, the closed request's own copy of the subject's identifiers was
 * replaced by keyed hashes (docs/architecture.md: "the request no longer holds the person").
 */
export class RequestMinimised {
  @IsUUID()
  requestId: string;

  @IsISO8601({ strict: true })
  closedAt: string;

  @IsISO8601({ strict: true })
  minimisedAt: string;
}

/** The DPO records that the controller acknowledged a request forwarded to it (processor systems, Art. 28(3)(e)). */
export class ActionAcknowledgementRecorded {
  @IsUUID()
  requestId: string;

  @IsUUID()
  commandId: string;

  /** What the controller answered (free text: audit keeps its presence only). */
  @IsString()
  @Length(1, 2000)
  note: string;

  @IsString()
  @Length(1, 200)
  recordedBy: string;
}

/**
 * The DPO records a recipient's acknowledgement of an Art. 19 notice received by other
 * means (a recipient without a command topic told by mail, or an answer after the reminders).
 */
export class RecipientAcknowledgementRecorded {
  @IsUUID()
  requestId: string;

  @IsUUID()
  noticeId: string;

  /** What the recipient answered (free text: audit keeps its presence only). */
  @IsString()
  @Length(1, 2000)
  note: string;

  @IsString()
  @Length(1, 200)
  recordedBy: string;
}

/** Why a suspended time limit runs again: the subject's proof of identity, or the information the DPO asked for. */
export const DEADLINE_RESUME_CAUSES = ['identity-verified', 'information-received'] as const;
export type DeadlineResumeCause = (typeof DEADLINE_RESUME_CAUSES)[number];

/**
 * The DPO asked the subject for information needed to act on the request and awaits it:
 * the time limit stands still from now (décret 2019-536 art. 77) until the DPO records
 * that it arrived (dsr.request.deadline-resumed.v1, cause `information-received`).
 */
export class RequestDeadlineSuspended {
  @IsUUID()
  requestId: string;

  /** What was asked of the subject, and why (free text: audit keeps its presence only). */
  @IsString()
  @Length(1, 2000)
  reason: string;

  @IsISO8601({ strict: true })
  suspendedAt: string;

  @IsString()
  @Length(1, 200)
  suspendedBy: string;
}

/**
 * The information asked of the subject arrived — their proof of identity, or what the DPO
 * asked them for — after the deadline was suspended (décret 2019-536 art. 77): the due
 * date moves by the days it was suspended (every suspension counted, extension kept).
 */
export class RequestDeadlineResumed {
  @IsUUID()
  requestId: string;

  @IsISO8601({ strict: true })
  suspendedAt: string;

  @IsISO8601({ strict: true })
  resumedAt: string;

  /** Whole calendar days the time limit stood still. */
  @IsInt()
  @Min(0)
  suspendedDays: number;

  @IsISO8601({ strict: true })
  previousDueAt: string;

  @IsISO8601({ strict: true })
  dueAt: string;

  /** What ended the suspension (absent in events written before it existed: `identity-verified`). */
  @IsOptional()
  @IsIn(DEADLINE_RESUME_CAUSES)
  cause?: DeadlineResumeCause;
}

/**
 * The same subject filed a request of the same type within the policy's window: flagged
 * for the DPO's decision under Art. 12(5) (manifestly unfounded or excessive), never
 * rejected automatically.
 */
export class RequestRepeatFlagged {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  /** The earlier requests of the same subject and type within the window. */
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  previousRequestIds: string[];

  /** The window, an ISO 8601 duration (e.g. P3M). */
  @Matches(/^P(?!$)[0-9YMWDTHS]+$/)
  window: string;
}

/**
 * The DPO lifts a restriction (Art. 18(3)): erasure-executor tells the subject first, then
 * sends the lift commands (`restrictionLiftNotified`, then `actionDispatched`). The reason is
 * free text (audit: presence only).
 */
export class RestrictionLiftRequested {
  @IsUUID()
  requestId: string;

  @IsString()
  @Length(1, 2000)
  reason: string;

  @IsString()
  @Length(1, 200)
  requestedBy: string;
}

export const OBJECTION_DECISIONS = ['upheld', 'overridden'] as const;

/**
 * The DPO's decision on an objection to processing based on legitimate interest (Art. 21(1)):
 * `upheld` (the processing stops, as for prospection) or `overridden` (compelling
 * legitimate grounds, or legal claims, stated in `grounds`: audit keeps its presence only).
 * `commandId` is the escalated suppress action of one system.
 */
export class ObjectionDecided {
  @IsUUID()
  requestId: string;

  @IsUUID()
  commandId: string;

  @IsIn(OBJECTION_DECISIONS)
  decision: (typeof OBJECTION_DECISIONS)[number];

  @IsString()
  @Length(1, 4000)
  grounds: string;

  @IsString()
  @Length(1, 200)
  decidedBy: string;
}

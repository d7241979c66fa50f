/** `dsr.requests.v1`: requests filed with request-intake and the DPO's decisions on them. */
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { CHANNELS, REQUEST_TYPES, type Channel, type RequestType } from '../common/primitives';
import { PHONE_PATTERN } from '../common/subject-keys';

/** The identifiers a request gives for its subject (any subset, at least one key). */
export class RequestSubject {
  @IsOptional() @IsEmail() @Length(3, 254)
  email?: string;

  @IsOptional() @IsString() @Length(1, 64)
  customerId?: string;

  @IsOptional() @Matches(PHONE_PATTERN, { message: 'phone must be in E.164 form, e.g. +33612345678' })
  phone?: string;

  @IsOptional() @IsString() @Length(1, 200)
  name?: string;
}

export const FILED_BY = ['dpo', 'operator', 'subject'] as const;

export class RequestSubmitted {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @ValidateNested() @Type(() => RequestSubject)
  subject: RequestSubject;

  @IsIn(CHANNELS)
  channel: Channel;

  @IsISO8601({ strict: true })
  receivedAt: string;

  @IsISO8601({ strict: true })
  dueAt: string;

  @IsIn(FILED_BY)
  filedBy: (typeof FILED_BY)[number];
}

export const VERIFICATION_METHODS = ['dpo-attested', 'code'] as const;

/** The DPO attests that the requester's identity was checked (the evidence itself is never stored). */
export class VerificationAttested {
  @IsUUID()
  requestId: string;

  @IsIn(VERIFICATION_METHODS)
  method: (typeof VERIFICATION_METHODS)[number];

  /** Who attested (the authenticated user's id), for the evidence. */
  @IsString() @Length(1, 200)
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

  @IsOptional() @IsString() @Length(1, 100)
  subjectRef?: string;

  @IsString() @Length(1, 200)
  decidedBy: string;
}

/** The DPO closes one stuck action by hand, with a reason that is kept as evidence. */
export class ActionCloseRequested {
  @IsUUID()
  requestId: string;

  @IsUUID()
  commandId: string;

  @IsString() @Length(1, 2000)
  reason: string;

  @IsString() @Length(1, 200)
  closedBy: string;
}

export const REQUEST_OUTCOMES = ['completed', 'no-data-held', 'rejected', 'unverified'] as const;

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

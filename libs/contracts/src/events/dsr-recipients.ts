/**
 * `dsr.actions.v1`: telling the recipients (GDPR Art. 19). After a system of ours rectified,
 * erased or restricted the subject's data, each recipient it disclosed that data to (from
 * the inventory: `SystemRegistered.recipients`) is told on its own command topic, reminded
 * while it does not acknowledge, and what cannot be done is recorded with the reason. A
 * recipient is an organisation (name, kind, country), never a person.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CATEGORY_PATTERN, RECIPIENT_KINDS } from '../common/primitives';
import { SYSTEM_ID_PATTERN } from '../topics';
import { NOTICE_ACTIONS, type NoticeAction } from './pdata-commands';

/**
 * Where a notice stands, as the executor's events move it: sent and `awaiting-acknowledgement`;
 * `acknowledged` (by the recipient, or recorded by the DPO); `declined` (the recipient says
 * it cannot); `unacknowledged` (no answer after every reminder); `not-notified` (it could
 * not be told through the system).
 */
export const RECIPIENT_NOTICE_STATUSES = [
  'awaiting-acknowledgement',
  'acknowledged',
  'declined',
  'unacknowledged',
  'not-notified',
] as const;
export type RecipientNoticeStatus = (typeof RECIPIENT_NOTICE_STATUSES)[number];

/** Who was (or could not be) told: as the inventory names it. */
export class RecipientRef {
  @IsString()
  @Length(1, 200)
  name: string;

  @IsIn(RECIPIENT_KINDS)
  kind: string;

  /** ISO 3166-1 alpha-2; outside the EU, the transfer's safeguard is in the inventory (Art. 46). */
  @Matches(/^[A-Z]{2}$/)
  country: string;

  /** Its command topic is `pdata.commands.<systemId>.v1`; absent when it has none. */
  @IsOptional()
  @Matches(SYSTEM_ID_PATTERN)
  systemId?: string;
}

/** What every recipient event carries. */
export class RecipientNoticeFacts {
  @IsUUID() requestId: string;

  /** The notice's id: the `commandId` of the `pdata.command.notify.v1` sent (or that could not be sent). */
  @IsUUID() noticeId: string;

  @ValidateNested()
  @Type(() => RecipientRef)
  recipient: RecipientRef;
}

/** What the notice is about: the system that disclosed the data and what was done to it. */
export class RecipientNoticeSubject extends RecipientNoticeFacts {
  @Matches(SYSTEM_ID_PATTERN) fromSystemId: string;
  @IsIn(NOTICE_ACTIONS) action: NoticeAction;
  @IsArray() @ArrayMaxSize(50) @Matches(CATEGORY_PATTERN, { each: true }) categories: string[];
}

/** The notice was sent on the recipient's command topic. */
export class RecipientNotified extends RecipientNoticeSubject {
  @IsISO8601({ strict: true }) respondBy: string;
}

/** The notice could not be sent (e.g. the inventory gives the recipient no command topic): the reason is the record. */
export class RecipientNotNotified extends RecipientNoticeSubject {
  @IsString() @Length(1, 2000) reason: string;
}

/** No acknowledgement in time: the same notice again. */
export class RecipientReminded extends RecipientNoticeFacts {
  /** 1 for the first reminder. */
  @IsInt() @Min(1) @Max(20) reminder: number;
  @IsISO8601({ strict: true }) respondBy: string;
}

/** The recipient acknowledged (its reply), or the DPO recorded its acknowledgement. */
export class RecipientAcknowledged extends RecipientNoticeFacts {
  /** The recipient's reply: `done`, `not-found` (it holds nothing about the subject) or `partial`; `recorded` when the DPO recorded it. */
  @IsIn(['done', 'not-found', 'partial', 'recorded']) outcome: string;
  /** `recipient`, or the DPO who recorded it. */
  @IsString() @Length(1, 200) acknowledgedBy: string;
  /** Whether it came after the recipient was recorded as unacknowledged. */
  @IsOptional() @IsBoolean() late?: boolean;
}

/** The recipient answered that it cannot do it: its reason is the record. */
export class RecipientDeclined extends RecipientNoticeFacts {
  @IsString() @Length(1, 2000) reason: string;
}

/** Every reminder went unanswered: recorded for the DPO, who may still record an acknowledgement. */
export class RecipientUnacknowledged extends RecipientNoticeFacts {
  @IsInt() @Min(0) @Max(20) reminders: number;
  @IsString() @Length(1, 2000) reason: string;
}

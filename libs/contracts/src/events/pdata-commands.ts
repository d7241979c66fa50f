/**
 * `pdata.commands.<systemId>.v1`: what a system must do for a request. A command may be
 * delivered more than once: systems treat a repeated `commandId` as done (docs/kafka-contract.md).
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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
import { CATEGORY_PATTERN, PURPOSE_PATTERN } from '../common/primitives';
import { IsStringMap } from '../common/string-map.validator';
import { LinkedSubjectKeys } from '../common/subject-keys';
import { SYSTEM_ID_PATTERN } from '../topics';

export class Command {
  @IsUUID()
  commandId: string;

  @IsUUID()
  requestId: string;

  @Matches(SYSTEM_ID_PATTERN)
  systemId: string;

  /** Every key linked to the subject, so that the system finds every record. */
  @ValidateNested()
  @Type(() => LinkedSubjectKeys)
  subjectKeys: LinkedSubjectKeys;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(CATEGORY_PATTERN, { each: true })
  categories: string[];

  /** The system should reply before this time; after it, the command is retried, then escalated. */
  @IsISO8601({ strict: true })
  respondBy: string;
}

export class ExportCommand extends Command {}

/**
 * Erase (Art. 17(1)). A deferred erase — the one sent when a legal hold ends (Art. 17(3)
 * then 17(1)) — names what it covers, so that it never touches data the subject created
 * after the request (a returning customer's new invoices): the records kept under the hold
 * (`recordRefs`), or a cut-off (`createdBefore`: only records that came to be before it).
 * A system erases the records matching the subject keys and categories that also meet
 * both, when given. Absent on an erase sent for the request itself: every matching record.
 */
export class EraseCommand extends Command {
  /** Only records that came to be (the data event's `occurredAt`) before this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  createdBefore?: string;

  /** Only these records (their `recordRef` in data events). */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  recordRefs?: string[];
}

export class RectifyCommand extends Command {
  /** Field name → corrected value (Art. 16). */
  @IsStringMap()
  changes: Record<string, string>;
}

export class RestrictCommand extends Command {
  /** Art. 18(1) ground, or `legal-hold` when data is kept under Art. 17(3) until a date. */
  @IsIn(['accuracy-contested', 'unlawful-processing', 'legal-claims', 'objection-pending', 'legal-hold'])
  ground: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  /** Lifts a restriction previously placed (Art. 18(3): the subject is told first). */
  @IsOptional()
  @IsIn(['place', 'lift'])
  action?: 'place' | 'lift';
}

export class SuppressCommand extends Command {
  /** The purposes to stop (Art. 21), e.g. `prospection`. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(PURPOSE_PATTERN, { each: true })
  purposes: string[];

  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

/** What an Art. 19 notice tells a recipient was done to the subject's data. */
export const NOTICE_ACTIONS = ['erasure', 'rectification', 'restriction'] as const;
export type NoticeAction = (typeof NOTICE_ACTIONS)[number];

/**
 * GDPR Art. 19: the controller communicates each rectification, erasure or restriction to
 * every recipient the data was disclosed to. Sent on the recipient's own command topic;
 * the recipient acknowledges with `pdata.command.completed.v1` (outcome `done`: done on
 * its side too; `not-found`: it holds nothing about the subject) or says why it cannot
 * with `pdata.command.failed.v1` and an `error`. A reminder is the same command (same
 * `commandId`) with `reminder` counting up.
 */
export class NotifyCommand extends Command {
  @IsIn(NOTICE_ACTIONS)
  action: NoticeAction;

  /** The system of ours that disclosed the data to the recipient. */
  @Matches(SYSTEM_ID_PATTERN)
  fromSystemId: string;

  /** Rectification: field name → corrected value (Art. 16). */
  @IsOptional()
  @IsStringMap()
  changes?: Record<string, string>;

  /** Restriction: the Art. 18(1) ground. */
  @IsOptional()
  @IsIn(['accuracy-contested', 'unlawful-processing', 'legal-claims', 'objection-pending'])
  ground?: string;

  /** 0 for the first notice, then 1, 2, ... for each reminder. */
  @IsInt()
  @Min(0)
  @Max(20)
  reminder: number;
}

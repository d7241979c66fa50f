/** `dsr.actions.v1`: what erasure-executor asked each system, what came back, holds and escalations. */
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
  Min,
  ValidateNested,
} from 'class-validator';
import { CATEGORY_PATTERN, COMMAND_OUTCOMES, type CommandOutcome } from '../common/primitives';
import { SYSTEM_ID_PATTERN } from '../topics';
import { RetainedData } from './pdata-replies';

export const ACTION_KINDS = ['export', 'erase', 'rectify', 'restrict', 'suppress', 'forward'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export class ActionDispatched {
  @IsUUID() requestId: string;
  @IsUUID() commandId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @IsIn(ACTION_KINDS) kind: ActionKind;
  @IsArray() @ArrayMaxSize(50) @Matches(CATEGORY_PATTERN, { each: true }) categories: string[];
  @IsInt() @Min(1) attempt: number;
  @IsISO8601({ strict: true }) respondBy: string;
}

export class ActionCompleted {
  @IsUUID() requestId: string;
  @IsUUID() commandId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @IsIn(ACTION_KINDS) kind: ActionKind;
  @IsIn(COMMAND_OUTCOMES) outcome: CommandOutcome;
  @IsInt() @Min(0) affectedRecords: number;
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => RetainedData) retained: RetainedData[];
  @IsOptional() @IsString() @Length(1, 2000) error?: string;
}

export class ActionEscalated {
  @IsUUID() requestId: string;
  @IsUUID() commandId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @IsIn(ACTION_KINDS) kind: ActionKind;
  @IsString() @Length(1, 2000) reason: string;
  /** 0 when the action was escalated without being sent (no capability, processor system). */
  @IsInt() @Min(0) attempts: number;
}

export class ActionClosedManually {
  @IsUUID() requestId: string;
  @IsUUID() commandId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @IsString() @Length(1, 2000) reason: string;
  @IsString() @Length(1, 200) closedBy: string;
}

/** Data kept under Art. 17(3) until a date, restricted meanwhile (Art. 18). */
export class HoldRecorded {
  @IsUUID() requestId: string;
  @IsUUID() holdId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @Matches(CATEGORY_PATTERN) category: string;
  /** e.g. `Art. 17(3)(b)`. */
  @IsString() @Length(1, 200) ground: string;
  /** e.g. `Code de commerce L123-22`. */
  @IsString() @Length(1, 500) legalText: string;
  /** The end of the hold; with `startPending`, the earliest it can end (the start has not happened yet). */
  @IsISO8601({ strict: true }) until: string;
  /** How many records the hold keeps, when it names them (each held to its own end). */
  @IsOptional() @IsInt() @Min(0) records?: number;
  /**
   * The policy anchor whose event has not happened yet (e.g. `contract-end` while the
   * contract runs): the records are kept, restricted, until the system reports it, then
   * for the period (LCEN art. 6: five years after the contract ends).
   */
  @IsOptional() @IsString() @Length(1, 100) startPending?: string;
}

export class SystemOutcome {
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  /** `forwarded`: a processor system's request went to its controller, who acknowledged it. */
  @IsIn([...COMMAND_OUTCOMES, 'closed-manually', 'retained', 'forwarded']) outcome: string;
  @IsInt() @Min(0) affectedRecords: number;
  @IsArray() @Matches(CATEGORY_PATTERN, { each: true }) categories: string[];
}

/** Every action of a request has ended: the request can complete. */
export class ExecutionCompleted {
  @IsUUID() requestId: string;
  @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => SystemOutcome) systems: SystemOutcome[];
  @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => HoldRecorded) holds: HoldRecorded[];
  /**
   * An access package holds records a system flagged as containing other people's data
   * (`containsThirdPartyData: true` on an exported record): it leaves only once the DPO
   * releases it (Art. 15(4): the copy shall not adversely affect the rights of others).
   */
  @IsOptional() @IsBoolean() thirdPartyData?: boolean;
}

/**
 * A hold's period ended: the executor sent the erase command for that system and category
 * (`commandId`, tracked like every action) — or escalated it when the system cannot erase.
 */
export class HoldExpired {
  @IsUUID() requestId: string;
  @IsUUID() holdId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @Matches(CATEGORY_PATTERN) category: string;
  @IsString() @Length(1, 200) ground: string;
  @IsString() @Length(1, 500) legalText: string;
  @IsISO8601({ strict: true }) until: string;
  /** When the executor found the period over (its clock). */
  @IsISO8601({ strict: true }) expiredAt: string;
  @IsUUID() commandId: string;
}

/**
 * For a processor system (Art. 28), the request was forwarded to the controller (a
 * notification, `notificationId`) instead of commands: the action awaits its acknowledgement.
 */
export class ActionForwarded {
  @IsUUID() requestId: string;
  @IsUUID() commandId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @IsArray() @ArrayMaxSize(50) @Matches(CATEGORY_PATTERN, { each: true }) categories: string[];
  /** The controller, as the system registered it (may name a person: audit keeps its presence only). */
  @IsOptional() @IsString() @Length(1, 200) controller?: string;
  @IsUUID() notificationId: string;
}

/** The controller acknowledged a forwarded request: the action is completed with outcome `forwarded`. */
export class ActionAcknowledged {
  @IsUUID() requestId: string;
  @IsUUID() commandId: string;
  @Matches(SYSTEM_ID_PATTERN) systemId: string;
  @IsString() @Length(1, 200) acknowledgedBy: string;
}

/**
 * The subject was told that their restriction is about to be lifted (Art. 18(3):
 * "informed by the controller before the restriction of processing is lifted", the
 * notice `notificationId`); only after this event are the lift commands sent.
 */
export class RestrictionLiftNotified {
  @IsUUID() requestId: string;
  @IsUUID() notificationId: string;
  /** The systems whose restriction is lifted next. */
  @IsArray() @ArrayMaxSize(1000) @Matches(SYSTEM_ID_PATTERN, { each: true }) systemIds: string[];
  @IsISO8601({ strict: true }) notifiedAt: string;
}

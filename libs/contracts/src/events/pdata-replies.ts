/** `pdata.replies.<systemId>.v1`: what a system did with a command. Replies may come late, twice, or never. */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CATEGORY_PATTERN, COMMAND_OUTCOMES, type CommandOutcome } from '../common/primitives';
import { SYSTEM_ID_PATTERN } from '../topics';

export class RetainedData {
  @Matches(CATEGORY_PATTERN)
  category: string;

  /** Why the system kept it (its own legal ground). */
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class ExportPayload {
  /** The subject's records, as the system holds them. */
  @IsArray()
  @ArrayMaxSize(100000)
  @IsObject({ each: true })
  records: Record<string, unknown>[];

  /** Replies over 512 KiB are split: this is part `part` of `parts` (1-based). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  part?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  parts?: number;
}

export class CommandReply {
  @IsUUID()
  commandId: string;

  @IsUUID()
  requestId: string;

  @Matches(SYSTEM_ID_PATTERN)
  systemId: string;

  @IsIn(COMMAND_OUTCOMES)
  outcome: CommandOutcome;

  @IsInt()
  @Min(0)
  affectedRecords: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RetainedData)
  retained?: RetainedData[];

  @IsOptional()
  @ValidateNested()
  @Type(() => ExportPayload)
  export?: ExportPayload;

  @IsOptional()
  @IsString()
  @Length(1, 2000)
  error?: string;
}

export class CommandCompleted extends CommandReply {}
export class CommandFailed extends CommandReply {}

/** Size past which an export reply is split into parts (docs/kafka-contract.md). */
export const EXPORT_PART_MAX_BYTES = 512 * 1024;

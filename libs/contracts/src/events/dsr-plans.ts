/** `dsr.plans.v1`: every system and category that holds data about a verified subject. */
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
import {
  CAPABILITIES,
  CATEGORY_PATTERN,
  REQUEST_TYPES,
  SYSTEM_ROLES,
  type Capability,
  type RequestType,
  type SystemRole,
} from '../common/primitives';
import { LinkedSubjectKeys } from '../common/subject-keys';
import { SYSTEM_ID_PATTERN } from '../topics';
import { RetentionDates } from './pdata-records';

/** Most records a plan lists with their dates: at ~500 bytes each with every date, the event stays under 1 MiB. */
export const PLAN_RECORDS_MAX = 1000;

/** One record of a plan item, with the dates its retention periods start from (as the system reported them). */
export class PlanRecord {
  @IsString()
  @Length(1, 200)
  recordRef: string;

  @Matches(CATEGORY_PATTERN)
  category: string;

  /** When the record came to be (its data event's `occurredAt`). */
  @IsISO8601({ strict: true })
  occurredAt: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => RetentionDates)
  retentionDates?: RetentionDates;
}

export class PlanItem {
  @Matches(SYSTEM_ID_PATTERN)
  systemId: string;

  @IsIn(SYSTEM_ROLES)
  role: SystemRole;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  controller?: string;

  @IsArray()
  @ArrayMaxSize(50)
  @Matches(CATEGORY_PATTERN, { each: true })
  categories: string[];

  @IsArray()
  @IsIn(CAPABILITIES, { each: true })
  capabilities: Capability[];

  @IsInt()
  @Min(0)
  records: number;

  /**
   * The records of the categories for which the system reported retention dates, each with
   * its dates: a category named here is listed whole (every live record of it), so that
   * each record is held from its own start (Art. 17(3)(b)). A category not named here has
   * no dates: its period counts from the request.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PLAN_RECORDS_MAX)
  @ValidateNested({ each: true })
  @Type(() => PlanRecord)
  recordDates?: PlanRecord[];
}

export class PlanBuilt {
  @IsUUID()
  requestId: string;

  @IsIn(REQUEST_TYPES)
  requestType: RequestType;

  @IsString()
  @Length(1, 100)
  subjectRef: string;

  @ValidateNested()
  @Type(() => LinkedSubjectKeys)
  subjectKeys: LinkedSubjectKeys;

  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PlanItem)
  items: PlanItem[];
}

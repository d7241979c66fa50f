/** `dsr.plans.v1`: every system and category that holds data about a verified subject. */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
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

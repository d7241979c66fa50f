/** `pdata.events.<systemId>.v1`: one record of personal data stored, updated or erased by a system. */
import { Type } from 'class-transformer';
import { IsISO8601, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CATEGORY_PATTERN } from '../common/primitives';
import { SubjectKeys } from '../common/subject-keys';
import { SYSTEM_ID_PATTERN } from '../topics';

export class RecordEvent {
  @Matches(SYSTEM_ID_PATTERN)
  systemId: string;

  /** The system's own reference of the record (opaque to us). */
  @IsString()
  @Length(1, 200)
  recordRef: string;

  @Matches(CATEGORY_PATTERN)
  category: string;

  @ValidateNested()
  @Type(() => SubjectKeys)
  subjectKeys: SubjectKeys;

  @IsISO8601({ strict: true })
  occurredAt: string;
}

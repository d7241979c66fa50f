/** `pdata.events.<systemId>.v1`: one record of personal data stored, updated or erased by a system. */
import { Type } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CATEGORY_PATTERN } from '../common/primitives';
import { SubjectKeys } from '../common/subject-keys';
import { SYSTEM_ID_PATTERN } from '../topics';

/**
 * The dates a retention period can start from, for this record (GDPR Art. 17(3)(b), 5(1)(e);
 * the policy's `retention[].from` and `limit.from`). A legal period runs from the record's
 * own start, not from an erasure request: an invoice is kept ten years from the end of its
 * financial year (Code de commerce L123-22), connection data one year from the connection
 * (décret 2021-1362), a subscriber's civil identity five years after the contract ends
 * (LCEN art. 6, décret 2021-1362), a prospect three years after the last contact *from*
 * the prospect (CNIL).
 *
 * Each field: an ISO 8601 date-time; `null` = that event has not happened yet (the contract
 * still runs, the account is open); absent = the system does not know it. Whoever reads
 * these counts an absent date from the erasure request, later than the real start, so a
 * hold never ends too early. A system sends the record again (`pdata.record.updated.v1`)
 * when one of them happens (the contract ends).
 */
export class RetentionDates {
  /** When the record came to be (an invoice's issue date). Policy anchor `record-date`. */
  @IsOptional() @IsISO8601({ strict: true }) recordDate?: string | null;
  /** The end of the financial year the record belongs to. Anchor `end-of-financial-year`. */
  @IsOptional() @IsISO8601({ strict: true }) endOfFinancialYear?: string | null;
  /** The last operation on the account the record belongs to. Anchor `last-operation`. */
  @IsOptional() @IsISO8601({ strict: true }) lastOperation?: string | null;
  /** The end of the business relationship. Anchor `end-of-relationship`. */
  @IsOptional() @IsISO8601({ strict: true }) endOfRelationship?: string | null;
  /** The end of the contract; null while it runs. Anchor `contract-end` (`end-of-contract`). */
  @IsOptional() @IsISO8601({ strict: true }) contractEnd?: string | null;
  /** The closure of the account; null while it is open. Anchor `account-closure`. */
  @IsOptional() @IsISO8601({ strict: true }) accountClosure?: string | null;
  /** The payment or debit. Anchor `transaction`. */
  @IsOptional() @IsISO8601({ strict: true }) transaction?: string | null;
  /** The connection the record logs. Anchor `connection`. */
  @IsOptional() @IsISO8601({ strict: true }) connection?: string | null;
  /** The last contact *from* the subject (a prospect's reply, not an e-mail opened). Anchor `last-contact`. */
  @IsOptional() @IsISO8601({ strict: true }) lastContact?: string | null;
}

/** `RetentionDates` field → the policy's anchor name (`deploy/policy/*.yaml`, `from:`). */
export const RETENTION_DATE_ANCHORS = {
  recordDate: 'record-date',
  endOfFinancialYear: 'end-of-financial-year',
  lastOperation: 'last-operation',
  endOfRelationship: 'end-of-relationship',
  contractEnd: 'contract-end',
  accountClosure: 'account-closure',
  transaction: 'transaction',
  connection: 'connection',
  lastContact: 'last-contact',
} as const satisfies Record<keyof RetentionDates, string>;
export type RetentionDateField = keyof typeof RETENTION_DATE_ANCHORS;
export type RetentionDateAnchor = (typeof RETENTION_DATE_ANCHORS)[RetentionDateField];

/** The dates keyed by the policy's anchor names (absent fields stay absent; null stays null). */
export function retentionDatesByAnchor(
  dates: Partial<Record<RetentionDateField, string | null>> | undefined | null,
): Partial<Record<RetentionDateAnchor, string | null>> {
  const out: Partial<Record<RetentionDateAnchor, string | null>> = {};
  if (!dates) return out;
  for (const [field, anchor] of Object.entries(RETENTION_DATE_ANCHORS) as [RetentionDateField, RetentionDateAnchor][])
    if (Object.hasOwn(dates, field) && (dates[field] === null || typeof dates[field] === 'string'))
      out[anchor] = dates[field];
  return out;
}

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

  /** Optional: the dates this record's retention periods start from (see RetentionDates). */
  @IsOptional()
  @ValidateNested()
  @Type(() => RetentionDates)
  retentionDates?: RetentionDates;
}

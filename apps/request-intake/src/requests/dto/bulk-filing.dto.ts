/** What `POST /v1/requests/bulk` answers: one result per line, and the counts. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const BULK_LINE_STATUSES = ['filed', 'duplicate', 'invalid'] as const;
export type BulkLineStatus = (typeof BULK_LINE_STATUSES)[number];

export class BulkLineResultDto {
  @ApiProperty({
    minimum: 1,
    description: 'The line of the body the request is on (a CSV header is line 1; a quoted line break counts).',
  })
  line: number;

  @ApiProperty({
    enum: BULK_LINE_STATUSES,
    description:
      '`filed`: a new request; `duplicate`: its Idempotency-Key was filed before with the same request (this one or an earlier call), nothing filed again; `invalid`: not filed, `errors` say why.',
  })
  status: BulkLineStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'The request filed for the line (filed or duplicate).' })
  requestId?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: "The request's own due date: its receipt + one calendar month (Art. 12(3)).",
  })
  dueAt?: string;

  @ApiPropertyOptional({ type: [String], description: 'What is wrong with the line (invalid).' })
  errors?: string[];
}

export class BulkFilingResultDto {
  @ApiProperty() filed: number;
  @ApiProperty() duplicate: number;
  @ApiProperty() invalid: number;
  @ApiProperty({ type: [BulkLineResultDto], description: 'One result per line, in the order of the body.' })
  lines: BulkLineResultDto[];
}

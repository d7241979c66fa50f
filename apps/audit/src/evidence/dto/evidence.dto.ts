/** Response shapes of the evidence API, for validation-free responses and a complete OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AuditEntryDto {
  @ApiProperty({ description: 'Position in the log (chain order).', example: 42 })
  seq: number;

  @ApiProperty({
    description: 'The CloudEvents id of the recorded event.',
    example: '0b9e5a49-5e1c-4f59-9b41-8f1b7a0c1d2e',
  })
  eventId: string;

  @ApiProperty({ example: 'dsr.identity.verified.v1' })
  type: string;

  @ApiProperty({ description: 'The service or system that emitted the event.', example: 'identity' })
  source: string;

  @ApiProperty({ format: 'date-time', description: 'When the event occurred (the CloudEvents `time`).' })
  occurredAt: string;

  @ApiProperty({
    description:
      'The minimised payload: identifiers, types, statuses, dates and counts; free text only as `<field>Given: true`; no personal data.',
    type: 'object',
    additionalProperties: true,
    example: {
      requestId: '0b9e5a49-5e1c-4f59-9b41-8f1b7a0c1d2e',
      method: 'dpo-attested',
      attestedBy: 'dpo-user-7',
      subjectKeysCount: 4,
    },
  })
  payload: Record<string, unknown>;

  @ApiProperty({
    description: "sha256 of the previous entry's hash and this entry's canonical content.",
    pattern: '^[0-9a-f]{64}$',
  })
  hash: string;
}

export class RequestEvidenceDto {
  @ApiProperty({ format: 'uuid' })
  requestId: string;

  @ApiProperty({ type: [AuditEntryDto], description: "The request's entries, in log order." })
  entries: AuditEntryDto[];
}

export class BrokenLinkDto {
  @ApiProperty({ example: 42 })
  seq: number;

  @ApiProperty()
  eventId: string;

  @ApiProperty({ example: "hash does not match the entry's content (the entry was altered)" })
  reason: string;
}

export class ChainVerificationDto {
  @ApiProperty({ description: 'Whether every link of the chain holds.' })
  valid: boolean;

  @ApiProperty({ description: 'How many entries the log holds.', example: 1234 })
  entries: number;

  @ApiPropertyOptional({
    type: BrokenLinkDto,
    description: 'The first entry that breaks the chain, when it is broken.',
  })
  firstBroken?: BrokenLinkDto;
}

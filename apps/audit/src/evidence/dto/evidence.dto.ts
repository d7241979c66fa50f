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

export class CheckpointDto {
  @ApiProperty({ description: "Which log (the audit service's schema).", example: 'audit' })
  log: string;

  @ApiProperty({ description: 'How many entries the log held, up to and including headSeq.', example: 1234 })
  entries: number;

  @ApiProperty({ description: 'The sequence number of the last entry (0: empty log).', example: 1240 })
  headSeq: number;

  @ApiProperty({ description: 'The hash of the last entry.', pattern: '^[0-9a-f]{64}$' })
  headHash: string;

  @ApiProperty({ format: 'date-time', description: 'When it was signed.' })
  time: string;

  @ApiProperty({
    description: 'The signing key: ed25519 and 16 hex digits of its public key hash.',
    example: 'ed25519:3f2a9c0b1d4e5f60',
  })
  keyId: string;

  @ApiProperty({ description: 'Ed25519 signature (base64) of the canonical JSON of the other fields.' })
  signature: string;
}

export class AnchoredCheckpointDto extends CheckpointDto {
  @ApiProperty({
    enum: ['memory', 'directory', 'database'],
    description: 'Where this, the latest checkpoint whose signature holds, was found.',
  })
  source: 'memory' | 'directory' | 'database';
}

export class ChainHeadDto {
  @ApiProperty({ description: 'Sequence number of the last entry (0: empty log).', example: 1240 })
  seq: number;

  @ApiProperty({ description: 'Its hash (64 zeros for an empty log).', pattern: '^[0-9a-f]{64}$' })
  hash: string;
}

export class ChainVerificationDto {
  @ApiProperty({
    description:
      'Whether every link and signature holds and the log matches the latest signed checkpoint (not rewritten, not shortened).',
  })
  valid: boolean;

  @ApiProperty({ description: 'How many entries the log holds.', example: 1234 })
  entries: number;

  @ApiProperty({ type: ChainHeadDto, description: 'The last entry: pin it, or compare it with a checkpoint you hold.' })
  head: ChainHeadDto;

  @ApiPropertyOptional({
    type: AnchoredCheckpointDto,
    description: 'The latest signed checkpoint the log was checked against.',
  })
  checkpoint?: AnchoredCheckpointDto;

  @ApiPropertyOptional({
    description: 'Set when the log is shorter than a signed checkpoint says: entries were removed from its end.',
  })
  truncated?: string;

  @ApiPropertyOptional({
    type: BrokenLinkDto,
    description: 'The first entry that breaks the chain, when it is broken.',
  })
  firstBroken?: BrokenLinkDto;
}

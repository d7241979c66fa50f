/** The DPO's decisions on a request: identity attested, subject chosen, stuck action closed. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Length, ValidateIf } from 'class-validator';

export class AttestVerificationDto {
  @ApiProperty({ enum: ['dpo-attested'], description: 'The DPO checked the requester\'s identity themselves (décret 2019-536, art. 77: by any means).' })
  @IsIn(['dpo-attested'])
  method: 'dpo-attested';

  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example: 'Signed letter compared with the signature on the contract on file.',
    description: 'What evidence was seen. Kept on the request for the DPO; never put in events or logs. The document itself is never stored (CNIL sanctions keeping ID copies).',
  })
  @IsString() @IsNotEmpty() @Length(1, 2000)
  note: string;
}

export const SUBJECT_DECISIONS = ['subject', 'no-data-held'] as const;

export class SubjectDecisionDto {
  @ApiProperty({ enum: SUBJECT_DECISIONS, description: '`subject`: this candidate is the requester; `no-data-held`: none of our data is about them (Art. 12(4): they are told).' })
  @IsIn(SUBJECT_DECISIONS)
  decision: (typeof SUBJECT_DECISIONS)[number];

  @ApiPropertyOptional({ description: 'Required with decision `subject`: one of the request\'s candidates.', maxLength: 100 })
  @ValidateIf((o: SubjectDecisionDto) => o.decision === 'subject' || o.subjectRef !== undefined)
  @IsString() @Length(1, 100)
  subjectRef?: string;
}

export class CloseActionDto {
  @ApiProperty({ minLength: 1, maxLength: 2000, example: 'Erased by hand in the legacy CRM by the support lead, ticket OPS-4411.', description: 'Why the action is closed by hand; kept as evidence.' })
  @IsString() @IsNotEmpty() @Length(1, 2000)
  reason: string;
}

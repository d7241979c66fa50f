/** The DPO's decisions on a request: identity attested, subject chosen, stuck action closed. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  ValidateIf,
} from 'class-validator';

export class AttestVerificationDto {
  @ApiProperty({
    enum: ['dpo-attested'],
    description: "The DPO checked the requester's identity themselves (décret 2019-536, art. 77: by any means).",
  })
  @IsIn(['dpo-attested'])
  method: 'dpo-attested';

  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example: 'Signed letter compared with the signature on the contract on file.',
    description:
      'What evidence was seen. Kept on the request for the DPO; never put in events or logs. The document itself is never stored (CNIL sanctions keeping ID copies).',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 2000)
  note: string;
}

export const SUBJECT_DECISIONS = ['subject', 'no-data-held'] as const;

export class SubjectDecisionDto {
  @ApiProperty({
    enum: SUBJECT_DECISIONS,
    description:
      '`subject`: this candidate is the requester; `no-data-held`: none of our data is about them (Art. 12(4): they are told).',
  })
  @IsIn(SUBJECT_DECISIONS)
  decision: (typeof SUBJECT_DECISIONS)[number];

  @ApiPropertyOptional({
    description: "Required with decision `subject`: one of the request's candidates.",
    maxLength: 100,
  })
  @ValidateIf((o: SubjectDecisionDto) => o.decision === 'subject' || o.subjectRef !== undefined)
  @IsString()
  @Length(1, 100)
  subjectRef?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 19,
    description:
      "With decision `subject`: other candidates to include — subjects identity found only weakly linked to it (a record of a system that is not authoritative for those identifiers; each candidate's hints say which system and record). Their identifiers go to the systems with the subject's; they never receive a verification code. Left out, they are excluded.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(19)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  include?: string[];
}

export class CloseActionDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example: 'Erased by hand in the legacy CRM by the support lead, ticket OPS-4411.',
    description: 'Why the action is closed by hand; kept as evidence.',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 2000)
  reason: string;
}

export class ExtensionDto {
  @ApiProperty({
    enum: [1, 2],
    description: "Further months (Art. 12(3): two at most, and at most the policy's deadlines.extensionMax).",
  })
  @IsIn([1, 2])
  months: 1 | 2;

  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example:
      'Your request concerns eleven years of hosting records across four systems; gathering them needs more time.',
    description: 'Why (complexity, number of requests): told to the subject with the new due date.',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 2000)
  reason: string;
}

export class RefusalDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 4000,
    example: 'The account you name belongs to another customer; we cannot act on it without their mandate.',
    description:
      'Why no action is taken (Art. 12(4)): told to the subject, with their right to complain to the supervisory authority and to a judicial remedy.',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 4000)
  reasons: string;
}

export const REJECTION_GROUNDS = ['manifestly-unfounded', 'excessive'] as const;

export class RejectionDto {
  @ApiProperty({
    enum: REJECTION_GROUNDS,
    description: 'Art. 12(5): manifestly unfounded, or excessive (notably repetitive).',
  })
  @IsIn(REJECTION_GROUNDS)
  ground: (typeof REJECTION_GROUNDS)[number];

  @ApiProperty({
    minLength: 1,
    maxLength: 4000,
    example:
      'Fourth identical access request in six weeks; the last copy was sent on 3 March and nothing changed since.',
    description:
      "The DPO's justification: recorded, since the controller bears the burden of proof (Art. 12(5)), and told to the subject.",
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 4000)
  justification: string;
}

export class AcknowledgementDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example: 'ACME SAS confirmed by e-mail on 12 May that it handles the request (their ref. DPO-2211).',
    description: 'What the controller answered; kept as evidence.',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 2000)
  note: string;
}

export class RestrictionLiftDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example: 'The accuracy of the data was verified against the signed contract.',
    description:
      'Why the restriction ends; told to no one but kept as evidence (Art. 18(3): the subject is told before it is lifted).',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 2000)
  reason: string;
}

export class ObjectionDecisionDto {
  @ApiProperty({
    enum: ['upheld', 'overridden'],
    description:
      '`upheld`: the processing stops (the system gets a suppress command); `overridden`: compelling legitimate grounds, or legal claims, override the objection (Art. 21(1)).',
  })
  @IsIn(['upheld', 'overridden'])
  decision: 'upheld' | 'overridden';

  @ApiProperty({
    minLength: 1,
    maxLength: 4000,
    example: 'No compelling ground: usage analytics can do without this customer.',
    description: 'The reasons, kept as evidence (the controller bears the burden of showing compelling grounds).',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 4000)
  grounds: string;
}

/** décret 2019-536 art. 77: the DPO asked the subject for information and awaits it; the time limit stands still. */
export class InformationAwaitedDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    example: 'Asked by e-mail on 4 December which of the two customer accounts the request is about.',
    description:
      'What was asked of the subject, and why it is needed to act on the request. Kept on the request for the DPO; on the audit log as its presence only.',
  })
  @IsString()
  @IsNotEmpty()
  @Length(1, 2000)
  reason: string;
}

/** The information asked of the subject arrived: the time limit runs again. */
export class InformationReceivedDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'When the information reached the controller, if earlier than now (not in the future, not before the suspension). The days suspended count to that day.',
  })
  @ValidateIf((o: InformationReceivedDto) => o.receivedAt !== undefined)
  @IsISO8601({ strict: true, strictSeparator: true })
  receivedAt?: string;
}

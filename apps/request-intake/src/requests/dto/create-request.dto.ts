/**
 * What the DPO or an operator files: the request as received by mail, post, phone or portal.
 * Long on purpose: the filing DTO with its OpenAPI documentation and validation rules per
 * right; the public HTTP contract of filing in one place.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsEmpty,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  CHANNELS,
  IsStringMap,
  MANDATE_REFERENCE_PATTERN,
  PHONE_PATTERN,
  PURPOSE_PATTERN,
  REQUEST_TYPES,
  RESTRICTION_GROUNDS,
  type Channel,
  type RequestType,
} from '@datarights/contracts';

/** The request types this service handles so far; the others are refused with 400. */
export const SUPPORTED_REQUEST_TYPES: readonly RequestType[] = [
  'erasure',
  'access',
  'portability',
  'rectification',
  'objection',
  'restriction',
];

/** Keys that can find a subject in the systems' data; a name alone cannot. */
const LOOKUP_KEYS = ['email', 'customerId', 'phone'] as const;

@ValidatorConstraint({ name: 'atLeastOneLookupKey' })
class AtLeastOneLookupKey implements ValidatorConstraintInterface {
  validate(_: unknown, args: ValidationArguments): boolean {
    const o = args.object as Record<string, unknown>;
    return LOOKUP_KEYS.some((k) => typeof o[k] === 'string' && (o[k] as string).length > 0);
  }
  defaultMessage(): string {
    return 'subject needs at least one of email, customerId, phone (a name alone cannot find anyone)';
  }
}

@ValidatorConstraint({ name: 'supportedRequestType' })
class SupportedRequestType implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return SUPPORTED_REQUEST_TYPES.includes(value as RequestType);
  }
  defaultMessage(args: ValidationArguments): string {
    return (REQUEST_TYPES as readonly unknown[]).includes(args.value)
      ? `type ${String(args.value)} is not supported yet: only ${SUPPORTED_REQUEST_TYPES.join(', ')} requests are accepted for now`
      : `type must be one of: ${REQUEST_TYPES.join(', ')}`;
  }
}

/** A field that a request of one type requires and no other type allows (e.g. `changes`: rectification). */
@ValidatorConstraint({ name: 'onlyWithType' })
class OnlyWithType implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return value !== undefined && (args.object as { type?: unknown }).type === args.constraints[0];
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} is required for, and only allowed with, type ${String(args.constraints[0])}`;
  }
}

export class RequestSubjectDto {
  @ApiPropertyOptional({ example: 'jeanne.martin@example.fr', maxLength: 254 })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({ example: 'C-104233', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  customerId?: string;

  @ApiPropertyOptional({ example: '+33612345678', description: 'E.164', pattern: PHONE_PATTERN.source })
  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'phone must be in E.164 form, e.g. +33612345678' })
  phone?: string;

  @ApiPropertyOptional({
    example: 'Jeanne Martin',
    maxLength: 200,
    description: 'Kept for the DPO; not enough on its own to find the subject.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsEmpty({ message: '$property is not a field' })
  @Validate(AtLeastOneLookupKey)
  private readonly _atLeastOneKey?: undefined;
}

/** Someone acting for the subject under a mandate (GDPR Art. 80; a lawyer, a guardian, a relative with a power of attorney). */
export class RepresentativeDto {
  @ApiProperty({
    example: 'MAND-2026/0042',
    minLength: 1,
    maxLength: 100,
    pattern: MANDATE_REFERENCE_PATTERN.source,
    description:
      "The mandate's reference, as the DPO files it. Travels with the request to identity and the audit log (as its presence only there).",
  })
  @IsString()
  @Length(1, 100)
  @Matches(MANDATE_REFERENCE_PATTERN, {
    message:
      'representative.mandateReference must start with a letter or digit and hold only letters, digits, ".", "_", "/" and "-"',
  })
  mandateReference: string;

  @ApiPropertyOptional({
    example: 'Maître Claire Dubois',
    minLength: 1,
    maxLength: 200,
    description: 'Personal data: kept on the request for the DPO; never put in events or logs.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class CreateRequestDto {
  @ApiProperty({
    enum: REQUEST_TYPES,
    example: 'erasure',
    description:
      '`erasure` (GDPR Art. 17), `access` (Art. 15), `portability` (Art. 20) `rectification` (Art. 16, with `changes`) `objection` (Art. 21, with `purposes`) and `restriction` (Art. 18, with `ground`): every type.',
  })
  @Validate(SupportedRequestType)
  type: RequestType;

  @ApiProperty({ type: RequestSubjectDto, description: 'At least one of email, customerId, phone.' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RequestSubjectDto)
  subject: RequestSubjectDto;

  @ApiProperty({ enum: CHANNELS, example: 'email', description: 'How the request was received.' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { email: 'jeanne.martin@example.org' },
    description: 'Required for, and only allowed with, `rectification` (Art. 16): field name → corrected value.',
  })
  @ValidateIf((o: CreateRequestDto) => o.type === 'rectification' || o.changes !== undefined)
  @Validate(OnlyWithType, ['rectification'])
  @IsStringMap()
  changes?: Record<string, string>;

  @ApiPropertyOptional({
    type: [String],
    example: ['prospection'],
    description:
      'Required for, and only allowed with, `objection` (Art. 21): the purposes objected to. `prospection` is absolute (Art. 21(3)); others go to the DPO (Art. 21(1)).',
  })
  @ValidateIf((o: CreateRequestDto) => o.type === 'objection' || o.purposes !== undefined)
  @Validate(OnlyWithType, ['objection'])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(PURPOSE_PATTERN, { each: true, message: 'each purpose must be a lowercase slug, e.g. prospection' })
  purposes?: string[];

  @ApiPropertyOptional({
    enum: RESTRICTION_GROUNDS,
    description: 'Required for, and only allowed with, `restriction`: the ground of Art. 18(1)(a)–(d).',
  })
  @ValidateIf((o: CreateRequestDto) => o.type === 'restriction' || o.ground !== undefined)
  @Validate(OnlyWithType, ['restriction'])
  @IsIn(RESTRICTION_GROUNDS)
  ground?: (typeof RESTRICTION_GROUNDS)[number];

  @ApiPropertyOptional({
    type: RepresentativeDto,
    description:
      'The request is made by a representative under a mandate: no code is sent to the subject, the DPO attests the mandate and the identity (policy `verification.representative`).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RepresentativeDto)
  representative?: RepresentativeDto;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'Free text for the DPO (e.g. the letter reference). Never put in events or logs.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/** Two fields given together: this one needs its sibling (constraints[0]). */
@ValidatorConstraint({ name: 'givenWith' })
class GivenWith implements ValidatorConstraintInterface {
  validate(_: unknown, args: ValidationArguments): boolean {
    return (args.object as Record<string, unknown>)[args.constraints[0] as string] !== undefined;
  }
  defaultMessage(args: ValidationArguments): string {
    return (
      'receivedAt and receiptEvidence are given together: receipt evidence is what proves the time of receipt' +
      ` (${args.property} was given without ${String(args.constraints[0])})`
    );
  }
}

/**
 * What the DPO or an operator files (POST /v1/requests): a request as received, with,
 * when it arrived before it is filed, the time it arrived and what proves it. The time
 * limit runs from receipt by the controller (Art. 12(3)), not from the filing: an e-mail
 * filed three days later is due three days earlier than its filing would make it.
 */
export class FileRequestDto extends CreateRequestDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-04T09:12:00+01:00',
    description:
      'When the controller received the request (the e-mail arrived, the letter was delivered), if earlier than the filing. Not in the future. The due date counts from it (GDPR Art. 12(3)). Requires `receiptEvidence`.',
  })
  @IsOptional()
  @Validate(GivenWith, ['receiptEvidence'])
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'receivedAt must be an ISO 8601 date-time' })
  @Matches(/T\d{2}:\d{2}/, { message: 'receivedAt must give the time of receipt, not only the day' })
  receivedAt?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 500,
    example: 'e-mail Message-ID <CAF3x9=abc@mail.example.fr> in the DPO mailbox',
    description:
      'Required with, and only allowed with, `receivedAt`: what proves the time of receipt (a message id, a postal receipt number). Kept on the request (DPO only); never in events or logs.',
  })
  @IsOptional()
  @Validate(GivenWith, ['receivedAt'])
  @IsString()
  @Length(1, 500)
  receiptEvidence?: string;
}

/** The Art. 30 register as served over HTTP (GDPR Art. 30(1)). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';
import {
  CAPABILITIES,
  REGISTRATION_CHANGE_FIELDS,
  SYSTEM_ID_PATTERN,
  SYSTEM_ROLES,
  type Capability,
  type RegistrationChangeField,
  type SystemRole,
} from '@datarights/contracts';

export class SystemIdParamDto {
  @ApiProperty({ example: 'crm', pattern: SYSTEM_ID_PATTERN.source })
  @Matches(SYSTEM_ID_PATTERN, { message: 'systemId must be a lowercase slug (a-z, 0-9, -)' })
  systemId: string;
}

export class AutomatedDecisionsDto {
  @ApiProperty({ example: 'a fraud score computed from the payment history' })
  logic: string;

  @ApiProperty({ example: 'an order may be refused; you may ask for a person to review it' })
  significance: string;
}

export class TransferDto {
  @ApiProperty({ example: 'US', description: 'ISO 3166-1 alpha-2 country of destination' })
  country: string;

  @ApiProperty({
    enum: ['adequacy', 'scc', 'bcr', 'derogation', 'other'],
    description: 'The Chapter V safeguard (Art. 45, 46(2)(c), 47, 49)',
  })
  mechanism: string;

  @ApiPropertyOptional({ example: 'Mailer Inc.' })
  recipient?: string;
}

export class RecipientDto {
  @ApiProperty({ example: 'Payment provider' })
  name: string;

  @ApiProperty({ enum: ['sub-processor', 'controller', 'public-authority', 'internal'] })
  kind: string;

  @ApiProperty({ type: [String], example: ['billing'] })
  categories: string[];

  @ApiProperty({ example: 'FR' })
  country: string;

  @ApiPropertyOptional({ description: 'A recipient system with its own command topic (Art. 19 notices)' })
  systemId?: string;
}

export class SystemDto {
  @ApiProperty({ example: 'crm' })
  systemId: string;

  @ApiProperty({ example: 'Customer relationship management' })
  name: string;

  @ApiProperty({ description: 'The team or person accountable for the system', example: 'sales-ops' })
  owner: string;

  @ApiProperty({ enum: SYSTEM_ROLES, description: 'controller, or processor for customers (Art. 28)' })
  role: SystemRole;

  @ApiPropertyOptional({ description: 'For processor systems: the customer who is the controller' })
  controller?: string;

  @ApiProperty({
    type: [String],
    example: ['customer-relationship'],
    description: 'Purposes of the processing (Art. 30(1)(b))',
  })
  purposes: string[];

  @ApiProperty({
    enum: ['consent', 'contract', 'legal-obligation', 'vital-interests', 'public-task', 'legitimate-interest'],
    description: 'Art. 6(1) legal basis',
  })
  legalBasis: string;

  @ApiProperty({
    type: [String],
    example: ['identification', 'relationship'],
    description: 'Categories of personal data (Art. 30(1)(c))',
  })
  categories: string[];

  @ApiProperty({ example: 'FR', description: 'ISO 3166-1 alpha-2 country where the data is stored' })
  location: string;

  @ApiProperty({
    type: [TransferDto],
    description: 'Transfers to third countries and their safeguards (Art. 30(1)(e))',
  })
  transfers: TransferDto[];

  @ApiProperty({ type: [RecipientDto], description: 'Recipients the data is disclosed to (Art. 30(1)(d))' })
  recipients: RecipientDto[];

  @ApiProperty({ enum: CAPABILITIES, isArray: true, description: 'Commands the system can carry out' })
  capabilities: Capability[];

  @ApiPropertyOptional({
    description: 'Where the data comes from, when not collected from the subject (Art. 15(1)(g))',
  })
  source?: string;

  @ApiPropertyOptional({
    type: AutomatedDecisionsDto,
    description: 'Decisions based solely on automated processing the system takes (Art. 15(1)(h), 22); absent: none',
  })
  automatedDecisions?: AutomatedDecisionsDto;

  @ApiProperty({ format: 'date-time' })
  registeredAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ description: 'Live (not erased) records indexed for the system', example: 1234 })
  records: number;
}

export class RegistrationIdParamDto extends SystemIdParamDto {
  @ApiProperty({ format: 'uuid', description: 'The registration, as listed in the register under `pending`' })
  @IsUUID('all', { message: 'registrationId must be a UUID' })
  registrationId: string;
}

export class RegistrationRejectionDto {
  @ApiProperty({
    description:
      'Why the registration is refused (kept with the decision; the audit log records only that one was given)',
    example: 'The customer named is not the controller of this data.',
    minLength: 1,
    maxLength: 2000,
  })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class RegistrationChangeDto {
  @ApiProperty({
    enum: REGISTRATION_CHANGE_FIELDS,
    description:
      'role (controller/processor, Art. 28), controller, controllerContact (where requests are forwarded), capability (commands carrying the subject’s identifiers), recipientSystem (where Art. 19 notices go)',
  })
  field: RegistrationChangeField;

  @ApiPropertyOptional({ description: 'The value in force (absent: none)' })
  from?: string;

  @ApiProperty({ description: 'The value the registration asks for' })
  to: string;
}

/** A registration that waited for the DPO (GDPR Art. 28, 30, 5(1)(f), 32), and the decision on it. */
export class RegistrationDto {
  @ApiProperty({ format: 'uuid' })
  registrationId: string;

  @ApiProperty({ example: 'hosting' })
  systemId: string;

  @ApiProperty({ enum: ['pending', 'approved', 'rejected', 'superseded'] })
  status: string;

  @ApiProperty({
    type: [RegistrationChangeDto],
    description: 'What it changes compared with the registration in force',
  })
  changes: RegistrationChangeDto[];

  @ApiProperty({ example: 'Managed hosting' })
  name: string;

  @ApiProperty({ example: 'platform' })
  owner: string;

  @ApiProperty({ enum: SYSTEM_ROLES })
  role: SystemRole;

  @ApiPropertyOptional({ description: 'For a processor system: the customer who is the controller' })
  controller?: string;

  @ApiPropertyOptional({ description: "For a processor system: the controller's address requests are forwarded to" })
  controllerContact?: string;

  @ApiProperty({ type: [String], example: ['usage'] })
  categories: string[];

  @ApiProperty({ enum: CAPABILITIES, isArray: true })
  capabilities: Capability[];

  @ApiProperty({ type: [RecipientDto] })
  recipients: RecipientDto[];

  @ApiProperty({ format: 'date-time', description: "The registration event's time" })
  registeredAt: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;

  @ApiPropertyOptional({ description: 'The DPO who approved or rejected it' })
  decidedBy?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  decidedAt?: string;

  @ApiPropertyOptional({ description: "The DPO's reason for a rejection" })
  reason?: string;
}

export class SystemListDto {
  @ApiProperty({ type: [SystemDto], description: 'The systems and the registration in force of each' })
  items: SystemDto[];

  @ApiProperty({
    type: [RegistrationDto],
    description:
      'Registrations waiting for the DPO: not in force until approved (a first one: the system is not in items)',
  })
  pending: RegistrationDto[];
}

/** `pdata.systems.<systemId>.v1`: a company system registers itself and what it holds (Art. 30 register). */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  CAPABILITIES,
  CATEGORY_PATTERN,
  PURPOSE_PATTERN,
  RECIPIENT_KINDS,
  SYSTEM_ROLES,
  type Capability,
  type SystemRole,
} from '../common/primitives';
import { SYSTEM_ID_PATTERN } from '../topics';

export class Transfer {
  /** ISO 3166-1 alpha-2 country code of the destination. */
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country: string;

  /** The Chapter V safeguard: adequacy decision (Art. 45), standard contractual clauses (Art. 46(2)(c)), ... */
  @IsIn(['adequacy', 'scc', 'bcr', 'derogation', 'other'])
  mechanism: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  recipient?: string;
}

export class Recipient {
  @IsString()
  @Length(1, 200)
  name: string;

  /** Whether the recipient is a sub-processor (Art. 28(2)) or another controller. */
  @IsIn(RECIPIENT_KINDS)
  kind: string;

  @IsArray()
  @ArrayMaxSize(50)
  @Matches(CATEGORY_PATTERN, { each: true })
  categories: string[];

  @Matches(/^[A-Z]{2}$/)
  country: string;

  /** A recipient that has its own command topic receives Art. 19 notices on it. */
  @IsOptional()
  @Matches(SYSTEM_ID_PATTERN)
  systemId?: string;
}

/**
 * GDPR Art. 15(1)(h): a system that takes decisions based solely on automated processing,
 * including profiling (Art. 22(1), (4)), says so, with meaningful information about the
 * logic involved and the significance and envisaged consequences for the person. The
 * access answer repeats it for every category the system holds.
 */
export class AutomatedDecisions {
  /** The logic involved, in words a subject understands (e.g. "a fraud score from the payment history"). */
  @IsString()
  @Length(1, 1000)
  logic: string;

  /** The significance and envisaged consequences for the subject (e.g. "an order may be refused"). */
  @IsString()
  @Length(1, 1000)
  significance: string;
}

export class SystemRegistered {
  @Matches(SYSTEM_ID_PATTERN, { message: 'systemId must be a lowercase slug (a-z, 0-9, -)' })
  systemId: string;

  @IsString()
  @Length(1, 200)
  name: string;

  /** The team or person accountable for the system. */
  @IsString()
  @Length(1, 200)
  owner: string;

  @IsIn(SYSTEM_ROLES)
  role: SystemRole;

  /** For processor systems (Art. 28): the customer who is the controller, to forward requests to. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  controller?: string;

  /** For processor systems: the controller's e-mail address, where requests about its data are forwarded. */
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  controllerContact?: string;

  @IsArray()
  @ArrayMaxSize(50)
  @Matches(PURPOSE_PATTERN, { each: true })
  purposes: string[];

  /** Art. 6(1) basis: consent, contract, legal-obligation, vital-interests, public-task, legitimate-interest. */
  @IsIn(['consent', 'contract', 'legal-obligation', 'vital-interests', 'public-task', 'legitimate-interest'])
  legalBasis: string;

  @IsArray()
  @ArrayMaxSize(50)
  @Matches(CATEGORY_PATTERN, { each: true })
  categories: string[];

  /** ISO 3166-1 alpha-2 country where the data is stored. */
  @Matches(/^[A-Z]{2}$/)
  location: string;

  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => Transfer)
  transfers: Transfer[];

  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => Recipient)
  recipients: Recipient[];

  @IsArray()
  @ArrayMaxSize(CAPABILITIES.length)
  @IsIn(CAPABILITIES, { each: true })
  capabilities: Capability[];

  /** Where the data comes from, when not collected from the subject (Art. 15(1)(g)). */
  @IsOptional()
  @IsString()
  @Length(1, 500)
  source?: string;
  /** Decisions based solely on automated processing the system takes (Art. 15(1)(h), 22); absent: none. */
  @IsOptional()
  @ValidateNested()
  @Type(() => AutomatedDecisions)
  automatedDecisions?: AutomatedDecisions;
}

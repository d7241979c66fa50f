/**
 * `dsr.systems.v1`: data-locator's decisions on company systems' registrations. A system
 * writes its registration on its own topic, but a registration that redirects personal
 * data (a processor role, a new controller contact, a new capability or recipient system)
 * takes effect only once the DPO approves it (GDPR Art. 28 processors, Art. 30 register,
 * Art. 5(1)(f) and 32 security): data-locator decides, and the other services act on
 * what it approved, never on the raw registration.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { SYSTEM_ID_PATTERN } from '../topics';
import { SystemRegistered } from './pdata-systems';

/** What in a registration, compared with the last approved one, needs the DPO. */
export const REGISTRATION_CHANGE_FIELDS = [
  'role',
  'controller',
  'controllerContact',
  'capability',
  'recipientSystem',
] as const;
export type RegistrationChangeField = (typeof REGISTRATION_CHANGE_FIELDS)[number];

export class RegistrationChange {
  @IsIn(REGISTRATION_CHANGE_FIELDS)
  field: RegistrationChangeField;

  /** The value on file (absent: none). A controller's contact may be a person's address. */
  @IsOptional()
  @IsString()
  @Length(1, 254)
  from?: string;

  /** The value the registration asks for. */
  @IsString()
  @Length(1, 254)
  to: string;
}

/** Who let a registration take effect: the DPO, or the policy when nothing in it needs the DPO. */
export const REGISTRATION_APPROVERS = ['dpo', 'policy'] as const;
export type RegistrationApprover = (typeof REGISTRATION_APPROVERS)[number];

/**
 * A registration that took effect: the registration itself (the same fields as
 * `pdata.system.registered.v1`), and how it was approved. What the other services keep
 * of a system comes from this event only.
 */
export class SystemApproved extends SystemRegistered {
  @IsUUID()
  registrationId: string;

  /** The registration event's own time: the newest approved registration is the one in force. */
  @IsISO8601({ strict: true })
  registeredAt: string;

  @IsIn(REGISTRATION_APPROVERS)
  approval: RegistrationApprover;

  /** The DPO who approved it (absent when the policy did). */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  approvedBy?: string;

  @IsISO8601({ strict: true })
  approvedAt: string;

  /** What the DPO approved (empty when the policy did). */
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RegistrationChange)
  changes: RegistrationChange[];
}

/** A registration that waits for the DPO: stored and shown in the register, not in effect. */
export class SystemRegistrationHeld {
  @IsUUID()
  registrationId: string;

  @Matches(SYSTEM_ID_PATTERN)
  systemId: string;

  @IsISO8601({ strict: true })
  registeredAt: string;

  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RegistrationChange)
  changes: RegistrationChange[];
}

/** The DPO refused a registration: the last approved one stays in force. */
export class SystemRegistrationRejected {
  @IsUUID()
  registrationId: string;

  @Matches(SYSTEM_ID_PATTERN)
  systemId: string;

  @IsString()
  @Length(1, 200)
  rejectedBy: string;

  @IsISO8601({ strict: true })
  rejectedAt: string;

  /** Why, in the DPO's words (free text). */
  @IsString()
  @Length(1, 2000)
  reason: string;
}

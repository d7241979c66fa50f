import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  Validate,
  ValidationArguments,
} from 'class-validator';

/** Phone numbers in E.164 form (+33612345678) so that keys from every system match. */
export const PHONE_PATTERN = /^\+[1-9]\d{6,14}$/;

/** The identifiers that the systems share and the identity graph links. */
export const SUBJECT_KEY_KINDS = ['email', 'customerId', 'phone'] as const;
export type SubjectKeyKind = (typeof SUBJECT_KEY_KINDS)[number];

@ValidatorConstraint({ name: 'atLeastOneKey' })
class AtLeastOneKey implements ValidatorConstraintInterface {
  validate(_: unknown, args: ValidationArguments): boolean {
    const o = args.object as Record<string, unknown>;
    return SUBJECT_KEY_KINDS.some((k) => {
      const v = o[k];
      return Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v.length > 0;
    });
  }
  defaultMessage(): string {
    return `at least one of ${SUBJECT_KEY_KINDS.join(', ')} is required`;
  }
}

/** The keys one record carries (a data event): any subset, at least one. */
export class SubjectKeys {
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  email?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  customerId?: string;

  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'phone must be in E.164 form, e.g. +33612345678' })
  phone?: string;

  @Validate(AtLeastOneKey)
  private readonly _atLeastOne?: undefined;
}

/**
 * Every key linked to a subject (commands): lists, because one person may have several
 * addresses or customer numbers across systems.
 */
export class LinkedSubjectKeys {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsEmail({}, { each: true })
  email?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  customerId?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(PHONE_PATTERN, { each: true })
  phone?: string[];

  @Validate(AtLeastOneKey)
  private readonly _atLeastOne?: undefined;
}

/** Normalises a key so that the same identifier written two ways matches. */
export function normaliseKey(kind: SubjectKeyKind, value: string): string {
  switch (kind) {
    case 'email':
      return value.trim().toLowerCase();
    case 'customerId':
      return value.trim();
    case 'phone':
      return value.replace(/[\s.-]/g, '');
  }
}

/**
 * normaliseKey for a subject key's kind; any other identifier (a name, a free-text note)
 * is only trimmed. What a pseudonym of it is computed from (libs/pseudonym).
 */
export function normaliseIdentifier(kind: string, value: string): string {
  return (SUBJECT_KEY_KINDS as readonly string[]).includes(kind)
    ? normaliseKey(kind as SubjectKeyKind, value)
    : value.trim();
}

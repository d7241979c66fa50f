/**
 * The filing form: what the subject typed → the body of POST /v1/self-service/requests, with
 * the same rules as the API (at least one key to find them by, E.164 phones, the field each
 * type requires and no other type allows, lengths) checked first so the messages are in the
 * subject's language and tied to their field. What the policy asks for a type (a customer
 * number with the code, for an erasure in the French default) comes from the policy file.
 */
import {
  PHONE_PATTERN,
  PURPOSE_PATTERN,
  REQUEST_TYPES,
  RESTRICTION_GROUNDS,
  type RequestType,
} from '@datarights/contracts';
import { requiredProofs, type Policy, type VerifiedRequestType } from '@datarights/policy';
import type { Messages } from './messages';

export type FormFields = Record<string, string | undefined>;
export type FieldErrors = Record<string, string>;

/** Rows of "field → new value" offered for a rectification. */
export const CHANGE_ROWS = 3;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface TypeRequirements {
  /** The customer number must be given: every proof by code the policy accepts pairs it with `customer-number`. */
  customerNumber: boolean;
  /** The subject can prove who they are with a code (else the DPO checks). */
  code: boolean;
}

export function requirementsOf(policy: Pick<Policy, 'verification'>, type: RequestType): TypeRequirements {
  const alternatives = requiredProofs(policy.verification, type as VerifiedRequestType);
  // What an anonymous subject of this form can bring: a code, and a customer number.
  const reachable = alternatives.filter((alt) => alt.every((p) => p === 'code' || p === 'customer-number'));
  return {
    code: reachable.some((alt) => alt.includes('code')),
    customerNumber: reachable.length > 0 && reachable.every((alt) => alt.includes('customer-number')),
  };
}

export function isRequestType(v: unknown): v is RequestType {
  return (REQUEST_TYPES as readonly unknown[]).includes(v);
}

/**
 * The direct-marketing purposes offered as boxes on the objection form: the policy's
 * (`directMarketing.purposes`: an objection to them is absolute, Art. 21(3)), not a fixed
 * list, so that the form offers what the company's systems actually pursue.
 */
export function marketingPurposes(policy: Partial<Pick<Policy, 'directMarketing'>>): string[] {
  return (policy.directMarketing?.purposes ?? ['prospection']).filter((p) => PURPOSE_PATTERN.test(p));
}

/** The form field (and element id) of a direct-marketing purpose's box. */
export const purposeField = (purpose: string) => `purpose-${purpose}`;

export function validateFiling(
  f: FormFields,
  policy: Pick<Policy, 'verification'> & Partial<Pick<Policy, 'directMarketing'>>,
  m: Messages,
): { body?: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const s = (k: string) => (f[k] ?? '').trim();
  const type = s('type');
  if (!isRequestType(type)) errors.type = m.errors.typeRequired;
  const subject: Record<string, string> = {};
  for (const [k, max] of [
    ['email', 254],
    ['customerId', 64],
    ['phone', 16],
    ['name', 200],
  ] as const) {
    const v = s(k);
    if (!v) continue;
    if (v.length > max) errors[k] = m.errors.tooLong;
    subject[k] = v;
  }
  if (subject.email && !errors.email && !EMAIL.test(subject.email)) errors.email = m.errors.emailInvalid;
  if (subject.phone && !errors.phone && !PHONE_PATTERN.test(subject.phone)) errors.phone = m.errors.phoneInvalid;
  if (!subject.email && !subject.customerId && !subject.phone) errors.identifiers = m.errors.identifierRequired;
  if (isRequestType(type) && requirementsOf(policy, type).customerNumber && !subject.customerId)
    errors.customerId = m.errors.customerIdRequired;

  const body: Record<string, unknown> = { type, subject, channel: 'portal' };
  if (type === 'rectification') {
    const changes: Record<string, string> = {};
    for (let i = 0; i < CHANGE_ROWS; i++) {
      const field = s(`changeField${i}`);
      const value = s(`changeValue${i}`);
      if (!field && !value) continue;
      if (!field || !value) errors[`change${i}`] = m.errors.changeIncomplete;
      else changes[field] = value;
    }
    if (!Object.keys(changes).length && !Object.keys(errors).some((k) => k.startsWith('change')))
      errors.changes = m.errors.changesRequired;
    body.changes = changes;
  }
  if (type === 'objection') {
    const purposes = [
      ...marketingPurposes(policy).filter((p) => f[purposeField(p)]),
      ...s('otherPurposes')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ];
    if (!purposes.length) errors.purposes = m.errors.purposesRequired;
    else if (!purposes.every((p) => PURPOSE_PATTERN.test(p))) errors.otherPurposes = m.errors.purposeInvalid;
    body.purposes = [...new Set(purposes)];
  }
  if (type === 'restriction') {
    const ground = s('ground');
    if (!(RESTRICTION_GROUNDS as readonly string[]).includes(ground)) errors.ground = m.errors.groundRequired;
    body.ground = ground;
  }
  return Object.keys(errors).length ? { errors } : { body, errors };
}

/**
 * What a rectify command's `changes` mean to the demo systems (GDPR Art. 16: correct
 * inaccurate data, complete incomplete data). Field names the systems do not hold are
 * ignored (nothing to correct there); values are checked before anything is written,
 * with the contract's own rules for keys, and a refusal never quotes the value (it is
 * personal data).
 */
import { normaliseKey, PHONE_PATTERN, SubjectKeys, validatePayload } from '@datarights/contracts';
import { FIELD_ALIASES, type RectifiableField, type TableSpec } from './system-catalog';

export type Rectification =
  { ok: true; fields: Partial<Record<RectifiableField, string>> } | { ok: false; error: string };

const TEXT_LIMITS: Record<'fullName' | 'address', number> = { fullName: 200, address: 500 };

export function planRectification(changes: Record<string, string>): Rectification {
  const fields: Partial<Record<RectifiableField, string>> = {};
  for (const [name, raw] of Object.entries(changes)) {
    const field = FIELD_ALIASES[name];
    if (!field) continue;
    const value = typeof raw === 'string' ? raw.trim() : '';
    switch (field) {
      case 'email': {
        const email = normaliseKey('email', value);
        if (!validatePayload(SubjectKeys, { email }).ok)
          return { ok: false, error: `changes.${name} is not a valid e-mail address` };
        fields.email = email;
        break;
      }
      case 'phone': {
        const phone = normaliseKey('phone', value);
        if (!PHONE_PATTERN.test(phone))
          return { ok: false, error: `changes.${name} is not a phone number in E.164 form` };
        fields.phone = phone;
        break;
      }
      case 'fullName':
      case 'address':
        if (value.length === 0 || value.length > TEXT_LIMITS[field]) {
          return { ok: false, error: `changes.${name} must be 1 to ${TEXT_LIMITS[field]} characters` };
        }
        fields[field] = value;
        break;
    }
  }
  return { ok: true, fields };
}

/** The columns of a table to set for these fields (column → value); empty if it holds none. */
export function columnsFor(spec: TableSpec, fields: Partial<Record<RectifiableField, string>>): Record<string, string> {
  const columns: Record<string, string> = {};
  for (const [field, value] of Object.entries(fields) as [RectifiableField, string][]) {
    const column = spec.rectifiable?.[field];
    if (column) columns[column] = value;
  }
  return columns;
}

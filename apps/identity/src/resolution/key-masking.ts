/**
 * Masked hints that let the DPO tell candidate subjects apart without the event log holding
 * their identifiers (Art. 5(1)(c), data minimisation): `j***@e***.com`, `C-***42`,
 * `+33******78`. The masks have a fixed width, so they do not reveal a value's length.
 */
import type { SubjectKeyKind } from '@datarights/contracts';
import { decodeKey, type EncodedKey } from '../subject-graph/graph-keys';

const STARS = '***';

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return STARS;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local[0]}${STARS}@${domain.length > 0 ? domain[0] : ''}${STARS}${tld}`;
}

export function maskCustomerId(id: string): string {
  if (id.length <= 4) return STARS;
  if (id.length <= 6) return `${id[0]}${STARS}${id[id.length - 1]}`;
  return `${id.slice(0, 2)}${STARS}${id.slice(-2)}`;
}

/** Country code (the first three characters of an E.164 number) and the last two digits. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '+' + '*'.repeat(6);
  return `${phone.slice(0, 3)}******${phone.slice(-2)}`;
}

export function maskKey(kind: SubjectKeyKind, value: string): string {
  switch (kind) {
    case 'email':
      return maskEmail(value);
    case 'customerId':
      return maskCustomerId(value);
    case 'phone':
      return maskPhone(value);
  }
}

const ORDER: Record<SubjectKeyKind, number> = { email: 0, customerId: 1, phone: 2 };

/** Up to `perKind` masked hints per kind, deduplicated, in a stable order (email, customer id, phone). */
export function hintsFor(keys: readonly EncodedKey[], perKind = 2): string[] {
  const parts = keys
    .map(decodeKey)
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const taken = new Map<SubjectKeyKind, number>();
  const hints: string[] = [];
  for (const { kind, value } of parts) {
    const n = taken.get(kind) ?? 0;
    if (n >= perKind) continue;
    const hint = maskKey(kind, value);
    if (hints.includes(hint)) continue;
    taken.set(kind, n + 1);
    hints.push(hint);
  }
  return hints;
}

/** A record ref, masked like a customer number: the DPO can tell records apart without the log holding them. */
export function maskRecordRef(ref: string): string {
  return maskCustomerId(ref);
}

/** The candidate the given identifiers name through strong links (policy `identity.authoritative`). */
export const STRONG_HINT = 'strong link: the identifiers given, in an authoritative system';

/** Why a candidate is only weakly linked: the systems and (masked) records that put its keys next to the other's. */
export function weakHints(n: { via: readonly { systemId: string; recordRef: string }[] }, max = 3): string[] {
  const hints = n.via.slice(0, max).map((v) => `weak link: ${v.systemId} record ${maskRecordRef(v.recordRef)}`);
  if (n.via.length > max) hints.push(`weak link: ${n.via.length - max} more records`);
  return hints;
}

/** A given key strongly linked to several subjects (a family phone, a mistyped e-mail in the CRM). */
export function sharedHint(key: EncodedKey): string {
  const { kind, value } = decodeKey(key);
  return `shared: ${maskKey(kind, value)} is in the authoritative records of several subjects`;
}

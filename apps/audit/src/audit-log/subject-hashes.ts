/**
 * Subjects appear in the audit log only as keyed hashes (docs/architecture.md; pseudonymisation,
 * Art. 4(5)): the DPO, who holds the key, can find every entry about a person, while anyone
 * reading the log cannot test a guessed e-mail against it (Art. 32(1)(a)).
 *
 * Two formats live in the log, for good: it is append-only, chained and signed, so an
 * entry is never rewritten (Art. 5(2)).
 * - Entries written since issue 16 hold the one pseudonym of libs/pseudonym,
 *   `hmac-sha256:<keyId>:<base64url HMAC-SHA256 of "<kind>\0<normalised value>">`, as the
 *   other services store them.
 * - Earlier entries hold the hex HMAC-SHA256 of `<kind>:<normalised value>` (no key id in
 *   the hash; the entry's `key_id` names the key). `legacySubjectKeyHash` still computes it,
 *   for searching only: nothing new is written in that format.
 * Finding a subject's entries therefore looks up both formats under every key of the
 * keyring (`subjectHashesToFind`). In both, the kind is part of the hashed text, so a
 * customer id equal to some phone number does not collide with it.
 */
import { createHmac } from 'node:crypto';
import { normaliseKey, SUBJECT_KEY_KINDS, type SubjectKeyKind } from '@datarights/contracts';
import { keysOf, type Pseudonymiser } from '@datarights/pseudonym';

/** The hash of entries written before issue 16 (read-only: for finding them). */
export function legacySubjectKeyHash(secret: string, kind: SubjectKeyKind, value: string): string {
  return createHmac('sha256', secret)
    .update(`${kind}:${normaliseKey(kind, value)}`, 'utf8')
    .digest('hex');
}

/** Every hash under which an entry about this subject key may be stored: both formats, every key. */
export function subjectHashesToFind(pseudonyms: Pseudonymiser, kind: SubjectKeyKind, value: string): string[] {
  return [
    ...pseudonyms.hashesUnderEveryKey(kind, value),
    ...keysOf(pseudonyms.keyring).map((key) => legacySubjectKeyHash(key.secret, kind, value)),
  ];
}

type Found = { kind: SubjectKeyKind; value: string };

function keysIn(holder: unknown): Found[] {
  if (typeof holder !== 'object' || holder === null) return [];
  const found: Found[] = [];
  for (const kind of SUBJECT_KEY_KINDS) {
    const v = (holder as Record<string, unknown>)[kind];
    for (const value of Array.isArray(v) ? v : [v])
      if (typeof value === 'string' && value.trim()) found.push({ kind, value });
  }
  return found;
}

/**
 * Every subject key a payload carries, whatever its type: a request's `subject`, the
 * `subjectKeys` of data events, commands and internal events (one value or lists), and the
 * address of a notification sent by e-mail or SMS.
 */
export function subjectKeysIn(data: Record<string, unknown>): Found[] {
  const found = [...keysIn(data.subject), ...keysIn(data.subjectKeys)];
  if (typeof data.to === 'string' && data.to.trim()) {
    if (data.channel === 'email') found.push({ kind: 'email', value: data.to });
    if (data.channel === 'sms') found.push({ kind: 'phone', value: data.to });
  }
  return found;
}

/** The sorted, distinct keyed hashes (current key) of the subject keys in a payload. */
export function subjectHashes(pseudonyms: Pseudonymiser, data: Record<string, unknown>): string[] {
  return [...new Set(subjectKeysIn(data).map((k) => pseudonyms.hash(k.kind, k.value)))].sort();
}

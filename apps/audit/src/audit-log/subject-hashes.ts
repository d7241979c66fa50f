/**
 * Subjects appear in the audit log only as keyed hashes (docs/architecture.md; pseudonymisation,
 * Art. 4(5)): HMAC-SHA256 under a secret key of `kind:normalised value`, so that the DPO,
 * who holds the key, can find every entry about a person, while anyone reading the log
 * cannot test a guessed e-mail against it. The kind is part of the hashed text, so a
 * customer id equal to some phone number does not collide with it.
 */
import { createHmac } from 'node:crypto';
import { normaliseKey, SUBJECT_KEY_KINDS, type SubjectKeyKind } from '@datarights/contracts';

export function subjectKeyHash(secret: string, kind: SubjectKeyKind, value: string): string {
  return createHmac('sha256', secret)
    .update(`${kind}:${normaliseKey(kind, value)}`, 'utf8')
    .digest('hex');
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

/** The sorted, distinct keyed hashes of the subject keys in a payload. */
export function subjectHashes(secret: string, data: Record<string, unknown>): string[] {
  return [...new Set(subjectKeysIn(data).map((k) => subjectKeyHash(secret, k.kind, k.value)))].sort();
}

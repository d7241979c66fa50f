/**
 * Keyed hashes (HMAC-SHA256 with SUBJECT_HASH_KEY) of the subject keys the executor
 * stored to send commands, once nothing will be sent again: the same rule as
 * request-intake's minimisation. Pure.
 */
import { createHmac } from 'node:crypto';
import { normaliseKey, SUBJECT_KEY_KINDS, type SubjectKeyKind } from '@datarights/contracts';

export const HASH_PREFIX = 'hmac-sha256:';
export const DEV_SUBJECT_HASH_KEY = 'datarights-development-subject-hash-key-not-for-production';

export function subjectHash(key: string, kind: string, value: string): string {
  return HASH_PREFIX + createHmac('sha256', key).update(`${kind}\u0000${value}`).digest('base64url');
}

/** `{ email: [...], phone: [...] }` with every value hashed (already hashed ones kept). */
export function hashKeys(key: string, keys: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, values] of Object.entries(keys)) {
    if (!Array.isArray(values)) continue;
    out[kind] = values
      .filter((v): v is string => typeof v === 'string')
      .map((v) => (v.startsWith(HASH_PREFIX) ? v : subjectHash(key, kind, v)));
  }
  return out;
}

/** The key to use; throws in production without one (the service does not start). */
export function resolveSubjectHashKey(
  configured: string | undefined,
  env: string,
  warn: (msg: string) => void,
): string {
  if (configured) return configured;
  if (env === 'production')
    throw new Error(
      'SUBJECT_HASH_KEY is required in production (the key of the hashes that replace stored subject keys)',
    );
  warn('SUBJECT_HASH_KEY is not set: using the development key; set it outside development');
  return DEV_SUBJECT_HASH_KEY;
}

/** Every key's hash, normalised first (the suppression list's lookup keys, Art. 21(3)). */
export function keyHashes(key: string, keys: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const [kind, values] of Object.entries(keys)) {
    for (const v of Array.isArray(values) ? values : [values]) {
      if (typeof v !== 'string' || v.length === 0 || v.startsWith(HASH_PREFIX)) continue;
      out.add(
        subjectHash(
          key,
          kind,
          SUBJECT_KEY_KINDS.includes(kind as SubjectKeyKind) ? normaliseKey(kind as SubjectKeyKind, v) : v.trim(),
        ),
      );
    }
  }
  return [...out];
}

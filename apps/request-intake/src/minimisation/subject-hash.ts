/**
 * Keyed hashes of a subject's identifiers (HMAC-SHA256 with SUBJECT_HASH_KEY): what a
 * closed request keeps of the person once its proof period has passed. The same
 * identifier always gives the same hash (a later request can be matched to it as proof),
 * but the identifier cannot be read back without the key. Pure.
 */
import { createHmac } from 'node:crypto';

export const HASH_PREFIX = 'hmac-sha256:';

/** The development key, used outside production when SUBJECT_HASH_KEY is not set (with a warning). */
export const DEV_SUBJECT_HASH_KEY = 'datarights-development-subject-hash-key-not-for-production';

export function subjectHash(key: string, kind: string, value: string): string {
  return HASH_PREFIX + createHmac('sha256', key).update(`${kind}\u0000${value}`).digest('base64url');
}

export function isSubjectHash(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.startsWith(HASH_PREFIX);
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
      "SUBJECT_HASH_KEY is required in production (the key of the hashes that replace closed requests' identifiers)",
    );
  warn('SUBJECT_HASH_KEY is not set: using the development key; set it outside development');
  return DEV_SUBJECT_HASH_KEY;
}

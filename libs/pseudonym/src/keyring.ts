/**
 * The keyring of a service's pseudonyms, resolved once at start-up from its validated
 * configuration (the app's config class reads the variables; nothing here reads
 * process.env). Production refuses to start without a key: without it anyone could test a
 * guessed e-mail against the stored pseudonyms (Art. 32(1)(a)); elsewhere a public
 * development key is used, with a warning.
 *
 * Rotation (Art. 32(1): security reviewed over time): give the new key and a new id, and
 * the old key, with its id, among the previous keys. New pseudonyms carry the new id;
 * lookups compute every key's pseudonym, so what was stored before is still found.
 */
import { KEY_ID_PATTERN, type Keyring, type PseudonymKey } from './pseudonym';

/** Public, in the repository: only ever used outside production. */
export const DEV_SUBJECT_HASH_KEY = 'datarights-development-subject-hash-key-not-for-production';

/**
 * The id of the key when none is configured, and the id the migrations gave to every
 * pseudonym stored before key ids existed (they were all made with the one key then
 * configured).
 */
export const DEFAULT_KEY_ID = 'k1';

export interface KeyringSettings {
  /** The variable holding the current key, for messages (e.g. SUBJECT_HASH_KEY). */
  variable: string;
  /** What the key protects, for the production error. */
  purpose: string;
  secret: string | undefined;
  keyId: string;
  /** Previous keys: `<id>:<secret>` separated by commas or white space. */
  previous: string | undefined;
  production: boolean;
  /** The public key used outside production when none is set. */
  developmentSecret?: string;
}

/** Parses `<id>:<secret>[,<id>:<secret>...]` (secrets are base64 or hex: no comma, colon or space). */
export function parsePreviousKeys(text: string | undefined, variable: string): PseudonymKey[] {
  const keys: PseudonymKey[] = [];
  for (const item of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = item.indexOf(':');
    const id = item.slice(0, at);
    const secret = item.slice(at + 1);
    if (at < 0 || !KEY_ID_PATTERN.test(id) || secret.length < 32)
      throw new Error(
        `${variable} must be <id>:<secret> pairs (an id of A-Z a-z 0-9 . _ -, a secret of 32 characters or more)`,
      );
    keys.push({ id, secret });
  }
  return keys;
}

export function resolveKeyring(s: KeyringSettings, warn: (message: string) => void): Keyring {
  const previousVariable = s.variable.replace(/_KEY$/, '_PREVIOUS_KEYS');
  if (!KEY_ID_PATTERN.test(s.keyId))
    throw new Error(`${s.variable}_ID must be 1 to 32 characters of A-Z, a-z, 0-9, ".", "_", "-"`);
  const previous = parsePreviousKeys(s.previous, previousVariable);
  if (previous.some((k) => k.id === s.keyId))
    throw new Error(`${previousVariable} holds a key with the current id ${s.keyId}: a key id names one key`);
  if (new Set(previous.map((k) => k.id)).size !== previous.length)
    throw new Error(`${previousVariable} holds two keys with the same id`);
  if (s.secret) return { current: { id: s.keyId, secret: s.secret }, previous };
  if (s.production) throw new Error(`${s.variable} is required in production (${s.purpose})`);
  warn(`${s.variable} is not set: using the development key; set it outside development`);
  return { current: { id: s.keyId, secret: s.developmentSecret ?? DEV_SUBJECT_HASH_KEY }, previous };
}

/** The variables of the subject pseudonyms' keyring, as an app's config class holds them. */
export interface SubjectHashConfig {
  NODE_ENV: string;
  SUBJECT_HASH_KEY?: string;
  SUBJECT_HASH_KEY_ID: string;
  SUBJECT_HASH_PREVIOUS_KEYS?: string;
}

/** SUBJECT_HASH_KEY, SUBJECT_HASH_KEY_ID and SUBJECT_HASH_PREVIOUS_KEYS as a keyring. */
export function subjectKeyring(config: SubjectHashConfig, purpose: string, warn: (message: string) => void): Keyring {
  return resolveKeyring(
    {
      variable: 'SUBJECT_HASH_KEY',
      purpose,
      secret: config.SUBJECT_HASH_KEY,
      keyId: config.SUBJECT_HASH_KEY_ID,
      previous: config.SUBJECT_HASH_PREVIOUS_KEYS,
      production: config.NODE_ENV === 'production',
    },
    warn,
  );
}

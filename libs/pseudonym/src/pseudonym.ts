/**
 * Pseudonyms of subject identifiers: the one keyed hash the services store in place of an
 * e-mail, a phone number, a customer id, a name or a free-text note (Art. 4(5): data that
 * can no longer be attributed to the person without additional information, the key, kept
 * separately; Art. 32(1)(a): pseudonymisation as a security measure).
 *
 * A pseudonym is `hmac-sha256:<keyId>:<base64url HMAC-SHA256 of "<kind>\0<normalised value>">`:
 * - the kind is part of the hashed text, so a customer id equal to some phone number does
 *   not give the same pseudonym;
 * - the value is normalised first (the contract's rule), so ` Jeanne@Example.fr ` and
 *   `jeanne@example.fr` give the same pseudonym;
 * - the key id says which key made it, so the key can be rotated (Art. 32(1): measures
 *   reviewed over time): new pseudonyms under the current key, lookups under every key of
 *   the keyring, current and previous.
 *
 * Earlier releases wrote `hmac-sha256:<base64url>` (no key id): the services' migrations
 * rewrote those to this format. Pure: no I/O, no configuration read here.
 */
import { createHmac } from 'node:crypto';

export const PSEUDONYM_PREFIX = 'hmac-sha256:';

/** A key id: recorded in every pseudonym, so short and plain. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

export interface PseudonymKey {
  readonly id: string;
  readonly secret: string;
}

/** The current key makes new pseudonyms; previous keys only find old ones. */
export interface Keyring {
  readonly current: PseudonymKey;
  readonly previous: readonly PseudonymKey[];
}

/** How an identifier of a kind is normalised before it is hashed (the contract's normaliseKey). */
export type Normalise = (kind: string, value: string) => string;

// 32 bytes in base64url, unpadded: 43 characters of A-Z a-z 0-9 - _.
const DIGEST = '[A-Za-z0-9_-]{43}';
const CURRENT_FORMAT = new RegExp(`^${PSEUDONYM_PREFIX}([A-Za-z0-9._-]{1,32}):(${DIGEST})$`);

/** The pseudonym of an already normalised value under one key. */
export function pseudonym(key: PseudonymKey, kind: string, normalised: string): string {
  const digest = createHmac('sha256', key.secret).update(`${kind}\u0000${normalised}`, 'utf8').digest('base64url');
  return `${PSEUDONYM_PREFIX}${key.id}:${digest}`;
}

/** The key id and digest of a pseudonym in the current format; undefined for anything else. */
export function parsePseudonym(value: string): { keyId: string; digest: string } | undefined {
  const m = CURRENT_FORMAT.exec(value);
  return m ? { keyId: m[1]!, digest: m[2]! } : undefined;
}

/**
 * Whether a stored value is already a pseudonym (of either format): it is never hashed
 * again, and never sent anywhere as if it were the identifier.
 */
export function isPseudonym(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.startsWith(PSEUDONYM_PREFIX);
}

export function keysOf(keyring: Keyring): PseudonymKey[] {
  return [keyring.current, ...keyring.previous];
}

/** Pseudonyms of identifiers under one keyring, normalised by one rule. */
export class Pseudonymiser {
  constructor(
    readonly keyring: Keyring,
    private readonly normalise: Normalise,
  ) {}

  /** The id of the key new pseudonyms are made with. */
  get keyId(): string {
    return this.keyring.current.id;
  }

  /** The pseudonym to store: under the current key. */
  hash(kind: string, value: string): string {
    return pseudonym(this.keyring.current, kind, this.normalise(kind, value));
  }

  /** The identifier's pseudonym under every key, current first: what a lookup compares with. */
  hashesUnderEveryKey(kind: string, value: string): string[] {
    const normalised = this.normalise(kind, value);
    return keysOf(this.keyring).map((key) => pseudonym(key, kind, normalised));
  }

  /** `{ email: [...], phone: [...] }` with every value replaced by its pseudonym (pseudonyms kept as they are). */
  hashKeys(keys: Record<string, unknown>): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [kind, values] of Object.entries(keys)) {
      if (!Array.isArray(values)) continue;
      out[kind] = values
        .filter((v): v is string => typeof v === 'string')
        .map((v) => (isPseudonym(v) ? v : this.hash(kind, v)));
    }
    return out;
  }

  /** The distinct pseudonyms of every identifier in `{ kind: value | values }`, under the current key. */
  keyHashes(keys: Record<string, unknown>): string[] {
    return this.identifiersIn(keys).map(([kind, v]) => this.hash(kind, v));
  }

  /** The same under every key of the keyring: to find what was stored before a rotation. */
  lookupHashes(keys: Record<string, unknown>): string[] {
    return [...new Set(this.identifiersIn(keys).flatMap(([kind, v]) => this.hashesUnderEveryKey(kind, v)))];
  }

  private identifiersIn(keys: Record<string, unknown>): Array<[string, string]> {
    const seen = new Map<string, [string, string]>();
    for (const [kind, values] of Object.entries(keys))
      for (const v of Array.isArray(values) ? values : [values]) {
        if (typeof v !== 'string' || v.trim().length === 0 || isPseudonym(v)) continue;
        const normalised = this.normalise(kind, v);
        seen.set(`${kind}\u0000${normalised}`, [kind, v]);
      }
    return [...seen.values()];
  }
}

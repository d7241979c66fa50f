import { createHmac } from 'node:crypto';
import { validateSync } from 'class-validator';
import {
  DEFAULT_KEY_ID,
  DEV_SUBJECT_HASH_KEY,
  isPseudonym,
  parsePreviousKeys,
  parsePseudonym,
  pseudonym,
  Pseudonymiser,
  resolveKeyring,
  WithSubjectHashKeyring,
  type Keyring,
  type KeyringSettings,
} from './index';

const K1 = { id: 'k1', secret: 'a'.repeat(32) };
const K2 = { id: '2026-12', secret: 'b'.repeat(32) };
// A stand-in for the contract's normaliseKey (this lib may not import contracts).
const lowerTrim = (_kind: string, v: string) => v.trim().toLowerCase();
const ring = (current = K1, ...previous: (typeof K1)[]): Keyring => ({ current, previous });

describe('pseudonym', () => {
  it('is hmac-sha256:<key id>:<base64url HMAC-SHA256 of kind NUL value>', () => {
    const expected = createHmac('sha256', K1.secret).update('email\u0000jeanne@example.fr').digest('base64url');
    expect(pseudonym(K1, 'email', 'jeanne@example.fr')).toBe(`hmac-sha256:k1:${expected}`);
    expect(parsePseudonym(pseudonym(K1, 'email', 'jeanne@example.fr'))).toEqual({ keyId: 'k1', digest: expected });
  });

  it('keeps the digest of the format without key id, so the migration only inserts the id', () => {
    const legacy =
      'hmac-sha256:' + createHmac('sha256', K1.secret).update('phone\u0000+33612345678').digest('base64url');
    expect(pseudonym(K1, 'phone', '+33612345678')).toBe(legacy.replace('hmac-sha256:', 'hmac-sha256:k1:'));
    expect(parsePseudonym(legacy)).toBeUndefined();
    expect(isPseudonym(legacy)).toBe(true);
  });

  it('recognises pseudonyms and nothing else', () => {
    expect(isPseudonym(pseudonym(K2, 'note', 'x'))).toBe(true);
    expect(parsePseudonym(pseudonym(K2, 'note', 'x'))?.keyId).toBe('2026-12');
    for (const v of ['jeanne@example.fr', '', null, undefined]) expect(isPseudonym(v)).toBe(false);
    expect(parsePseudonym('hmac-sha256:k1:short')).toBeUndefined();
    expect(parsePseudonym('hmac-sha256:k 1:' + 'A'.repeat(43))).toBeUndefined();
  });

  it('does not let one kind collide with another, nor one key with another', () => {
    expect(pseudonym(K1, 'customerId', '+33612345678')).not.toBe(pseudonym(K1, 'phone', '+33612345678'));
    // The separator cannot be forged by the value: "e" + "mail\0x" is not "email" + "x".
    expect(pseudonym(K1, 'e', 'mail\u0000x')).not.toBe(pseudonym(K1, 'email', 'x'));
    expect(parsePseudonym(pseudonym(K1, 'email', 'x'))!.digest).not.toBe(
      parsePseudonym(pseudonym({ ...K2, id: 'k1' }, 'email', 'x'))!.digest,
    );
  });
});

describe('Pseudonymiser', () => {
  it('normalises before hashing, so one identifier written two ways has one pseudonym', () => {
    const p = new Pseudonymiser(ring(), lowerTrim);
    expect(p.hash('email', ' Jeanne@Example.FR ')).toBe(p.hash('email', 'jeanne@example.fr'));
    expect(p.keyId).toBe('k1');
  });

  it('makes new pseudonyms with the current key and finds old ones under a previous key', () => {
    const before = new Pseudonymiser(ring(K1), lowerTrim);
    const stored = before.hash('email', 'jeanne@example.fr');
    const after = new Pseudonymiser(ring(K2, K1), lowerTrim);
    expect(after.hash('email', 'jeanne@example.fr')).toMatch(/^hmac-sha256:2026-12:/);
    expect(after.hashesUnderEveryKey('email', 'Jeanne@example.fr')).toEqual([
      after.hash('email', 'jeanne@example.fr'),
      stored,
    ]);
    expect(after.lookupHashes({ email: ['JEANNE@example.fr'] })).toContain(stored);
    expect(after.lookupHashes({ email: ['marie@example.fr'] })).not.toContain(stored);
    // A key thrown away: what it made is no longer found.
    expect(new Pseudonymiser(ring(K2), lowerTrim).lookupHashes({ email: ['jeanne@example.fr'] })).not.toContain(stored);
  });

  it('hashes stored keys once, keeping what is already a pseudonym', () => {
    const p = new Pseudonymiser(ring(), lowerTrim);
    const hashed = p.hashKeys({ email: ['jeanne@example.fr'], phone: ['+33612345678'], customerId: [], other: 'x' });
    expect(hashed).toEqual({
      email: [p.hash('email', 'jeanne@example.fr')],
      phone: [p.hash('phone', '+33612345678')],
      customerId: [],
    });
    expect(p.hashKeys(hashed)).toEqual(hashed);
    expect(p.hashKeys({ email: ['hmac-sha256:' + 'A'.repeat(43)] })).toEqual({
      email: ['hmac-sha256:' + 'A'.repeat(43)],
    });
  });

  it('gives each distinct identifier once, skipping empty values and pseudonyms', () => {
    const p = new Pseudonymiser(ring(K2, K1), lowerTrim);
    const keys = { email: ['Jeanne@example.fr', 'jeanne@example.fr ', '', p.hash('email', 'x')], customerId: 'C-1' };
    expect(p.keyHashes(keys)).toEqual([p.hash('email', 'jeanne@example.fr'), p.hash('customerId', 'c-1')]);
    expect(p.lookupHashes(keys)).toHaveLength(4);
  });
});

describe('resolveKeyring', () => {
  const settings = (over: Partial<KeyringSettings> = {}): KeyringSettings => ({
    variable: 'SUBJECT_HASH_KEY',
    purpose: 'the key of stored pseudonyms',
    secret: undefined,
    keyId: DEFAULT_KEY_ID,
    previous: undefined,
    production: false,
    ...over,
  });

  it('needs the key in production; elsewhere falls back to the development key with a warning', () => {
    expect(() => resolveKeyring(settings({ production: true }), () => undefined)).toThrow(
      'SUBJECT_HASH_KEY is required in production',
    );
    const warnings: string[] = [];
    expect(resolveKeyring(settings(), (m) => warnings.push(m))).toEqual({
      current: { id: 'k1', secret: DEV_SUBJECT_HASH_KEY },
      previous: [],
    });
    expect(warnings).toEqual([expect.stringContaining('SUBJECT_HASH_KEY is not set')]);
    expect(resolveKeyring(settings({ secret: K1.secret, production: true }), () => undefined).current).toEqual(K1);
  });

  it('reads previous keys as <id>:<secret> pairs and refuses an ambiguous keyring', () => {
    const previous = `k1:${K1.secret}, k0:${'c'.repeat(40)}==`;
    expect(parsePreviousKeys(previous, 'X')).toEqual([K1, { id: 'k0', secret: 'c'.repeat(40) + '==' }]);
    expect(resolveKeyring(settings({ secret: K2.secret, keyId: K2.id, previous }), () => undefined)).toEqual({
      current: K2,
      previous: [K1, { id: 'k0', secret: 'c'.repeat(40) + '==' }],
    });
    expect(() => parsePreviousKeys('k1', 'SUBJECT_HASH_PREVIOUS_KEYS')).toThrow('SUBJECT_HASH_PREVIOUS_KEYS must be');
    expect(() => parsePreviousKeys('k1:short', 'X')).toThrow();
    expect(() => resolveKeyring(settings({ secret: K1.secret, previous }), () => undefined)).toThrow('current id k1');
    expect(() => resolveKeyring(settings({ secret: K2.secret, keyId: 'k 2' }), () => undefined)).toThrow(
      'SUBJECT_HASH_KEY_ID must be',
    );
  });
});

describe('WithSubjectHashKeyring', () => {
  class Config extends WithSubjectHashKeyring(class {}) {}

  it('defaults the key id to k1 and refuses an id that could not sit in a hash', () => {
    expect(new Config().SUBJECT_HASH_KEY_ID).toBe('k1');
    expect(validateSync(new Config())).toEqual([]);
    const bad = Object.assign(new Config(), { SUBJECT_HASH_KEY_ID: 'k:1' });
    expect(validateSync(bad).map((e) => e.property)).toEqual(['SUBJECT_HASH_KEY_ID']);
  });
});

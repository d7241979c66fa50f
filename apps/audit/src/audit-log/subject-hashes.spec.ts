import { createHmac } from 'node:crypto';
import { normaliseIdentifier } from '@datarights/contracts';
import { Pseudonymiser } from '@datarights/pseudonym';
import { MARIE, sampleEvents } from '../../test/fixtures/sample-events';
import { legacySubjectKeyHash, subjectHashes, subjectHashesToFind, subjectKeysIn } from './subject-hashes';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const OLD_SECRET = 'an-earlier-secret-of-32-characters-or-more';
const pseudonyms = new Pseudonymiser({ current: { id: 'k2', secret: SECRET }, previous: [] }, normaliseIdentifier);
const rotated = new Pseudonymiser(
  { current: { id: 'k2', secret: SECRET }, previous: [{ id: 'k1', secret: OLD_SECRET }] },
  normaliseIdentifier,
);
const events = sampleEvents();

describe('keyed hashes of subject keys', () => {
  it("are the pseudonyms of libs/pseudonym, with the key's id, of the normalised key", () => {
    const digest = createHmac('sha256', SECRET).update('email\u0000marie@example.test').digest('base64url');
    expect(subjectHashes(pseudonyms, { subject: { email: ' Marie@Example.TEST ' } })).toEqual([
      `hmac-sha256:k2:${digest}`,
    ]);
  });

  it('still computes the hash of entries written before issue 16: hex HMAC-SHA256 of kind:normalised value', () => {
    expect(legacySubjectKeyHash(SECRET, 'email', ' Marie@Example.TEST ')).toBe(
      createHmac('sha256', SECRET).update('email:marie@example.test').digest('hex'),
    );
    expect(legacySubjectKeyHash(SECRET, 'phone', '+33 6 12 34 56 78')).toBe(
      legacySubjectKeyHash(SECRET, 'phone', '+33612345678'),
    );
  });

  it('finds a subject under both formats and every key: old entries are never rewritten', () => {
    const toFind = subjectHashesToFind(rotated, 'email', MARIE.email);
    // An entry written before issue 16 under the earlier key, one written since under each key.
    expect(toFind).toEqual(
      expect.arrayContaining([
        legacySubjectKeyHash(OLD_SECRET, 'email', MARIE.email),
        legacySubjectKeyHash(SECRET, 'email', MARIE.email),
        ...subjectHashes(pseudonyms, { subject: { email: MARIE.email } }),
      ]),
    );
    expect(toFind).toHaveLength(4);
    expect(toFind.some((h) => h.startsWith('hmac-sha256:k1:'))).toBe(true);
  });

  it('matches the same key written two ways, and not the same value under another kind', () => {
    const one = (subject: Record<string, string>) => subjectHashes(pseudonyms, { subject });
    expect(one({ phone: '+33 6 12 34 56 78' })).toEqual(one({ phone: '+33612345678' }));
    expect(one({ customerId: '+33612345678' })).not.toEqual(one({ phone: '+33612345678' }));
  });

  it("finds a request's subject, and keys in one value or in lists", () => {
    expect(subjectKeysIn(events.requestSubmitted).map((k) => k.kind)).toEqual(['email', 'customerId', 'phone']);
    expect(subjectKeysIn(events.identityVerified)).toHaveLength(4);
    expect(subjectKeysIn(events.recordStored)).toHaveLength(3);
  });

  it('finds the address of a notification by e-mail or SMS, not a postal one', () => {
    expect(subjectKeysIn(events.notificationRequested)).toEqual([{ kind: 'email', value: MARIE.email }]);
    expect(subjectKeysIn({ ...events.notificationRequested, channel: 'sms', to: MARIE.phone })).toEqual([
      { kind: 'phone', value: MARIE.phone },
    ]);
    expect(subjectKeysIn({ ...events.notificationRequested, channel: 'post', to: '1 rue de la Paix' })).toEqual([]);
  });

  it('gives the same sorted, distinct hashes for the same subject across events', () => {
    const fromRequest = subjectHashes(pseudonyms, events.requestSubmitted);
    const fromCommand = subjectHashes(pseudonyms, events.eraseCommand);
    expect(fromRequest).toEqual([...fromRequest].sort());
    expect(fromCommand).toEqual(expect.arrayContaining(fromRequest));
    expect(
      subjectHashes(pseudonyms, {
        ...events.requestSubmitted,
        subject: { email: MARIE.email, customerId: MARIE.email },
      }),
    ).toHaveLength(2);
    expect(subjectHashes(pseudonyms, events.requestClosed)).toEqual([]);
  });
});

import { createHmac } from 'node:crypto';
import { MARIE, sampleEvents } from '../../test/fixtures/sample-events';
import { subjectHashes, subjectKeyHash, subjectKeysIn } from './subject-hashes';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const events = sampleEvents();

describe('keyed hashes of subject keys', () => {
  it('is HMAC-SHA256 of kind:normalised value under the secret', () => {
    expect(subjectKeyHash(SECRET, 'email', ' Marie@Example.TEST ')).toBe(
      createHmac('sha256', SECRET).update('email:marie@example.test').digest('hex'),
    );
  });

  it('matches the same key written two ways, and not the same value under another kind', () => {
    expect(subjectKeyHash(SECRET, 'phone', '+33 6 12 34 56 78')).toBe(subjectKeyHash(SECRET, 'phone', '+33612345678'));
    expect(subjectKeyHash(SECRET, 'customerId', '+33612345678')).not.toBe(
      subjectKeyHash(SECRET, 'phone', '+33612345678'),
    );
  });

  it('depends on the secret: without the key, a guessed e-mail cannot be checked', () => {
    expect(subjectKeyHash(SECRET, 'email', MARIE.email)).not.toBe(
      subjectKeyHash(`${SECRET}-rotated`, 'email', MARIE.email),
    );
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
    const fromRequest = subjectHashes(SECRET, events.requestSubmitted);
    const fromCommand = subjectHashes(SECRET, events.eraseCommand);
    expect(fromRequest).toEqual([...fromRequest].sort());
    expect(fromCommand).toEqual(expect.arrayContaining(fromRequest));
    expect(
      subjectHashes(SECRET, { ...events.requestSubmitted, subject: { email: MARIE.email, customerId: MARIE.email } }),
    ).toHaveLength(2);
    expect(subjectHashes(SECRET, events.requestClosed)).toEqual([]);
  });
});

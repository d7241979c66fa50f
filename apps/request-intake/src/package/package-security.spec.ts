import { randomBytes, randomUUID } from 'node:crypto';
import { checkLink, signLink } from './signed-link';
import { decryptPackage, encryptPackage, packageKey } from '@datarights/service-kit';

describe('package encryption at rest (AES-256-GCM)', () => {
  const key = packageKey(randomBytes(32).toString('hex'));
  const id = randomUUID();
  const zip = randomBytes(5000);

  it('round-trips, and the stored form is not the plain package', () => {
    const stored = encryptPackage(key, zip, id);
    expect(stored.includes(zip.subarray(0, 64))).toBe(false);
    expect(decryptPackage(key, stored, id).equals(zip)).toBe(true);
  });

  it('refuses an altered package, another key, another request id', () => {
    const stored = encryptPackage(key, zip, id);
    const altered = Buffer.from(stored);
    altered[altered.length - 1] ^= 1;
    expect(() => decryptPackage(key, altered, id)).toThrow();
    expect(() => decryptPackage(packageKey('another key'), stored, id)).toThrow();
    expect(() => decryptPackage(key, stored, randomUUID())).toThrow();
  });

  it('takes a hex key, a base64 key, or hashes a passphrase to 32 bytes', () => {
    expect(packageKey('ab'.repeat(32))).toEqual(Buffer.alloc(32, 0xab));
    expect(packageKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
    expect(packageKey('dev passphrase')).toHaveLength(32);
  });
});

describe('signed download link', () => {
  const secret = 'link-secret';
  const id = randomUUID();
  const now = new Date('2026-11-28T12:00:00Z');
  const later = new Date('2026-11-29T12:00:00Z');

  it('is valid before expiry, expired after', () => {
    const { expires, sig } = signLink(secret, id, later);
    expect(checkLink(secret, id, String(expires), sig, now)).toBe('valid');
    expect(checkLink(secret, id, String(expires), sig, new Date('2026-11-30T00:00:00Z'))).toBe('expired');
  });

  it.each([
    ['no signature', undefined],
    ['a wrong signature', 'AAAA'],
  ])('is forbidden with %s', (_, sig) => {
    const { expires } = signLink(secret, id, later);
    expect(checkLink(secret, id, String(expires), sig, now)).toBe('forbidden');
  });

  it('is forbidden for another request, a moved expiry, or another secret', () => {
    const { expires, sig } = signLink(secret, id, later);
    expect(checkLink(secret, randomUUID(), String(expires), sig, now)).toBe('forbidden');
    expect(checkLink(secret, id, String(expires + 3600), sig, now)).toBe('forbidden');
    expect(checkLink('other', id, String(expires), sig, now)).toBe('forbidden');
  });
});

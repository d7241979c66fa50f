/**
 * Shared by data-locator, which encrypts a package when it assembles it, and request-intake,
 * which keeps it encrypted and decrypts it only to serve it.
 * Encryption at rest of access/portability packages (GDPR Art. 32(1)(a): encryption of
 * personal data): AES-256-GCM, a fresh 96-bit IV per package, the 128-bit tag checked on
 * reading. Stored form: version byte (1) ‖ IV (12) ‖ tag (16) ‖ ciphertext. The request id
 * is bound as additional authenticated data, so a package cannot be served under another id.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key from PACKAGE_ENCRYPTION_KEY: 64 hex chars or base64 of 32 bytes; any other text is hashed (SHA-256). */
export function packageKey(secret: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(secret)) return Buffer.from(secret, 'hex');
  const b64 = Buffer.from(secret, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/]+=*$/.test(secret)) return b64;
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function encryptPackage(key: Buffer, plain: Buffer, requestId: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(requestId, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Throws when the package was altered, or read with the wrong key or under another request id. */
export function decryptPackage(key: Buffer, stored: Buffer, requestId: string): Buffer {
  if (stored.length < 1 + IV_BYTES + TAG_BYTES || stored[0] !== VERSION) throw new Error('not an encrypted package');
  const iv = stored.subarray(1, 1 + IV_BYTES);
  const tag = stored.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(requestId, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(stored.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** Development-only key: anyone can read this file, so production refuses it. */
export const DEV_PACKAGE_ENCRYPTION_KEY = 'dev-only-package-key-not-for-production-use';

/** PACKAGE_ENCRYPTION_KEY, required in production; elsewhere the development key, with a warning. */
export function resolvePackageKey(value: string | undefined, env: string, warn: (m: string) => void): Buffer {
  if (value) return packageKey(value);
  if (env === 'production') throw new Error('PACKAGE_ENCRYPTION_KEY is required in production');
  warn(
    'PACKAGE_ENCRYPTION_KEY is not set: packages are encrypted with the development key (never do this in production)',
  );
  return packageKey(DEV_PACKAGE_ENCRYPTION_KEY);
}

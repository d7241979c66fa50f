/**
 * Shared by data-locator, which encrypts a package as it assembles it, and request-intake,
 * which keeps it encrypted and decrypts it only to serve it.
 * Encryption at rest of access/portability packages (GDPR Art. 32(1)(a): encryption of
 * personal data), as a stream, so that a package of a million records is never whole in
 * memory — version 2, a chunked AES-256-GCM in the manner of age's STREAM construction:
 *
 *   header   version (1 byte = 2) ‖ salt (16 random bytes)
 *   chunks   AES-256-GCM(k, nonce_i, plaintext_i, aad = request id) ‖ tag (16), i = 0, 1, …
 *   k        HKDF-SHA256(PACKAGE_ENCRYPTION_KEY, salt, "datarights/package/v2"): a key per package,
 *            so the counter nonces below never repeat under one key
 *   nonce_i  i as 11 bytes big-endian ‖ 0x01 for the last chunk, 0x00 before it
 *   plaintext_i  64 KiB each, the last one 1–64 KiB (0 only for an empty package)
 *
 * Each chunk is authenticated before any of its bytes are released; the counter refuses
 * reordered or repeated chunks, the last-chunk flag a package cut at a chunk boundary
 * (truncation) or extended past its end, the request id (additional authenticated data)
 * a package served under another request.
 * Version 1 (AES-256-GCM over the whole package: version ‖ IV (12) ‖ tag (16) ‖ ciphertext)
 * is still read, for packages stored before version 2; it is never written.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const V1 = 1;
const V2 = 2;
const V1_IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const HEADER_BYTES = 1 + SALT_BYTES;
/** Plaintext bytes per chunk (version 2). */
export const PACKAGE_CHUNK_BYTES = 64 * 1024;
const SEALED_BYTES = PACKAGE_CHUNK_BYTES + TAG_BYTES;
const HKDF_INFO = Buffer.from('datarights/package/v2', 'utf8');

/** A 32-byte key from PACKAGE_ENCRYPTION_KEY: 64 hex chars or base64 of 32 bytes; any other text is hashed (SHA-256). */
export function packageKey(secret: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(secret)) return Buffer.from(secret, 'hex');
  const b64 = Buffer.from(secret, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/]+=*$/.test(secret)) return b64;
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Seals or opens the chunks of one package, in order (version 2). */
class ChunkCipher {
  private readonly key: Buffer;
  private readonly aad: Buffer;
  private counter = 0n;

  constructor(masterKey: Buffer, salt: Buffer, requestId: string) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, salt, HKDF_INFO, 32));
    this.aad = Buffer.from(requestId, 'utf8');
  }

  private nonce(last: boolean): Buffer {
    if (this.counter >= 1n << 88n) throw new Error('package too large');
    const n = Buffer.alloc(12);
    let c = this.counter++;
    for (let i = 10; i >= 0; i--, c >>= 8n) n[i] = Number(c & 0xffn);
    n[11] = last ? 1 : 0;
    return n;
  }

  seal(plain: Buffer, last: boolean): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.key, this.nonce(last));
    cipher.setAAD(this.aad);
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  /** Throws when the chunk was altered, moved, or is (or is not) the last one when it says otherwise. */
  open(sealed: Buffer, last: boolean): Buffer {
    if (sealed.length < TAG_BYTES) throw new Error('encrypted package truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, this.nonce(last));
    decipher.setAAD(this.aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  }
}

/** Bytes written in pieces, taken back in blocks of a fixed size (one copy per block). */
class Blocks {
  private pieces: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    this.pieces.push(b);
    this.length += b.length;
  }

  /** Every whole block of `size` while strictly more than `size` bytes are held: the last block is kept back. */
  *takeWhileMore(size: number): Generator<Buffer> {
    if (this.length <= size) return;
    const all = Buffer.concat(this.pieces, this.length);
    let at = 0;
    while (all.length - at > size) {
      yield all.subarray(at, at + size);
      at += size;
    }
    this.pieces = [all.subarray(at)];
    this.length = all.length - at;
  }

  rest(): Buffer {
    const all = Buffer.concat(this.pieces, this.length);
    this.pieces = [];
    this.length = 0;
    return all;
  }
}

/** Seals the held bytes' whole chunks, and at the end the last one. */
function seal(cipher: ChunkCipher, held: Blocks, end: boolean, push: (b: Buffer) => void): void {
  for (const block of held.takeWhileMore(PACKAGE_CHUNK_BYTES)) push(cipher.seal(block, false));
  if (end) push(cipher.seal(held.rest(), true));
}

/** Opens the held sealed chunks, and at the end the last one (which must say it is the last). */
function open(cipher: ChunkCipher, held: Blocks, end: boolean, push: (b: Buffer) => void): void {
  for (const sealed of held.takeWhileMore(SEALED_BYTES)) push(cipher.open(sealed, false));
  if (end) push(cipher.open(held.rest(), true));
}

/** The encrypting stream: the plain zip in, the stored form (version 2) out, a chunk at a time. */
export function encryptPackageStream(key: Buffer, requestId: string): Transform {
  const salt = randomBytes(SALT_BYTES);
  const cipher = new ChunkCipher(key, salt, requestId);
  const held = new Blocks();
  let started = false;
  const header = (t: Transform) => {
    if (!started) t.push(Buffer.concat([Buffer.from([V2]), salt]));
    started = true;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      header(this);
      held.push(chunk);
      seal(cipher, held, false, (b) => this.push(b));
      done();
    },
    flush(done: TransformCallback) {
      header(this);
      seal(cipher, held, true, (b) => this.push(b));
      done();
    },
  });
}

/**
 * The decrypting stream: the stored form in, the zip out, each chunk checked before it is
 * released. Fails (an 'error') on an altered, reordered or truncated package, or another
 * key or request id. A version 1 package is held until its end (it has one tag, at its end
 * of reading): only packages stored before version 2, of bounded size, are version 1.
 */
export function decryptPackageStream(key: Buffer, requestId: string): Transform {
  const held = new Blocks();
  let version: number | undefined;
  let cipher: ChunkCipher | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      held.push(chunk);
      try {
        if (version === undefined) {
          if (held.length < HEADER_BYTES) return done();
          const head = held.rest();
          version = head[0];
          if (version === V2) {
            cipher = new ChunkCipher(key, head.subarray(1, HEADER_BYTES), requestId);
            held.push(head.subarray(HEADER_BYTES));
          } else if (version === V1) held.push(head);
          else throw new Error('not an encrypted package');
        }
        if (cipher) open(cipher, held, false, (b) => this.push(b));
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (version === V1) this.push(decryptV1(key, held.rest(), requestId));
        else if (cipher) open(cipher, held, true, (b) => this.push(b));
        else throw new Error('not an encrypted package');
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/** A whole package at once (tests, small packages): version 2, as the stream writes it. */
export function encryptPackage(key: Buffer, plain: Buffer, requestId: string): Buffer {
  const salt = randomBytes(SALT_BYTES);
  const cipher = new ChunkCipher(key, salt, requestId);
  const out: Buffer[] = [Buffer.from([V2]), salt];
  const held = new Blocks();
  held.push(plain);
  seal(cipher, held, true, (b) => out.push(b));
  return Buffer.concat(out);
}

/** Throws when the package was altered or truncated, or read with the wrong key or under another request id. */
export function decryptPackage(key: Buffer, stored: Buffer, requestId: string): Buffer {
  if (stored[0] === V1) return decryptV1(key, stored, requestId);
  if (stored.length < HEADER_BYTES + TAG_BYTES || stored[0] !== V2) throw new Error('not an encrypted package');
  const cipher = new ChunkCipher(key, stored.subarray(1, HEADER_BYTES), requestId);
  const out: Buffer[] = [];
  const held = new Blocks();
  held.push(stored.subarray(HEADER_BYTES));
  open(cipher, held, true, (b) => out.push(b));
  return Buffer.concat(out);
}

function decryptV1(key: Buffer, stored: Buffer, requestId: string): Buffer {
  if (stored.length < 1 + V1_IV_BYTES + TAG_BYTES || stored[0] !== V1) throw new Error('not an encrypted package');
  const iv = stored.subarray(1, 1 + V1_IV_BYTES);
  const tag = stored.subarray(1 + V1_IV_BYTES, 1 + V1_IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(requestId, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(stored.subarray(1 + V1_IV_BYTES + TAG_BYTES)), decipher.final()]);
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

import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  decryptPackage,
  decryptPackageStream,
  encryptPackage,
  encryptPackageStream,
  PACKAGE_CHUNK_BYTES,
  packageKey,
} from './package-crypto';

const key = packageKey(randomBytes(32).toString('hex'));
const id = randomUUID();
const HEADER = 17;
const SEALED = PACKAGE_CHUNK_BYTES + 16;

/** Feeds `input` through `t` in pieces of `piece` bytes, collecting what comes out. */
async function through(t: NodeJS.ReadWriteStream, input: Buffer, piece = 10_000): Promise<Buffer> {
  const out: Buffer[] = [];
  const pieces = function* () {
    for (let at = 0; at < input.length; at += piece) yield input.subarray(at, at + piece);
  };
  await pipeline(Readable.from(pieces()), t, async (source: AsyncIterable<Buffer | string>) => {
    for await (const b of source) out.push(Buffer.from(b));
  });
  return Buffer.concat(out);
}

const sizes = [0, 1, PACKAGE_CHUNK_BYTES - 1, PACKAGE_CHUNK_BYTES, PACKAGE_CHUNK_BYTES + 1, 3 * PACKAGE_CHUNK_BYTES];

describe('package encryption as a stream (chunked AES-256-GCM, version 2)', () => {
  it.each(sizes)('round-trips %i bytes through the streams, and through the whole-buffer functions', async (n) => {
    const zip = randomBytes(n);
    const stored = await through(encryptPackageStream(key, id), zip, 7_777);
    expect(stored[0]).toBe(2);
    expect(stored.length).toBe(HEADER + Math.max(1, Math.ceil(n / PACKAGE_CHUNK_BYTES)) * 16 + n);
    expect((await through(decryptPackageStream(key, id), stored, 5_000)).equals(zip)).toBe(true);
    expect(decryptPackage(key, stored, id).equals(zip)).toBe(true);
    expect(decryptPackage(key, encryptPackage(key, zip, id), id).equals(zip)).toBe(true);
    expect((await through(decryptPackageStream(key, id), encryptPackage(key, zip, id))).equals(zip)).toBe(true);
  });

  it('uses a fresh key per package: the same package twice gives two different stored forms', () => {
    const zip = randomBytes(1000);
    expect(
      encryptPackage(key, zip, id)
        .subarray(HEADER)
        .equals(encryptPackage(key, zip, id).subarray(HEADER)),
    ).toBe(false);
  });

  it('refuses an altered chunk, and releases nothing of it', async () => {
    const zip = randomBytes(3 * PACKAGE_CHUNK_BYTES);
    const stored = encryptPackage(key, zip, id);
    const altered = Buffer.from(stored);
    altered[HEADER + SEALED + 100] ^= 1; // in the second chunk
    const released: Buffer[] = [];
    const t = decryptPackageStream(key, id);
    t.on('data', (b: Buffer) => released.push(b));
    await expect(pipeline(Readable.from([altered]), t)).rejects.toThrow();
    expect(Buffer.concat(released).length).toBeLessThanOrEqual(PACKAGE_CHUNK_BYTES);
    expect(() => decryptPackage(key, altered, id)).toThrow();
  });

  it('refuses a package cut at a chunk boundary (the last chunk missing), or cut inside a chunk', async () => {
    const stored = encryptPackage(key, randomBytes(3 * PACKAGE_CHUNK_BYTES), id);
    for (const cut of [HEADER + 2 * SEALED, HEADER + SEALED, stored.length - 1, HEADER + 10, HEADER, 5]) {
      const truncated = stored.subarray(0, cut);
      expect(() => decryptPackage(key, truncated, id)).toThrow();
      await expect(through(decryptPackageStream(key, id), truncated)).rejects.toThrow();
    }
  });

  it('refuses reordered chunks, a chunk appended after the last, another key, another request id', async () => {
    const stored = encryptPackage(key, randomBytes(3 * PACKAGE_CHUNK_BYTES), id);
    const chunk = (i: number) => stored.subarray(HEADER + i * SEALED, HEADER + (i + 1) * SEALED);
    const swapped = Buffer.concat([
      stored.subarray(0, HEADER),
      chunk(1),
      chunk(0),
      stored.subarray(HEADER + 2 * SEALED),
    ]);
    const appended = Buffer.concat([stored, chunk(0)]);
    for (const bad of [swapped, appended]) {
      expect(() => decryptPackage(key, bad, id)).toThrow();
      await expect(through(decryptPackageStream(key, id), bad)).rejects.toThrow();
    }
    await expect(through(decryptPackageStream(packageKey('another key'), id), stored)).rejects.toThrow();
    await expect(through(decryptPackageStream(key, randomUUID()), stored)).rejects.toThrow();
    await expect(through(decryptPackageStream(key, id), Buffer.from('PK\u0003\u0004 not encrypted'))).rejects.toThrow(
      'not an encrypted package',
    );
  });

  it('still reads a version 1 package (AES-256-GCM over the whole package, stored before version 2)', async () => {
    const zip = randomBytes(100_000);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const body = Buffer.concat([cipher.update(zip), cipher.final()]);
    const v1 = Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
    expect(decryptPackage(key, v1, id).equals(zip)).toBe(true);
    expect((await through(decryptPackageStream(key, id), v1)).equals(zip)).toBe(true);
    const altered = Buffer.from(v1);
    altered[altered.length - 1] ^= 1;
    await expect(through(decryptPackageStream(key, id), altered)).rejects.toThrow();
  });
});

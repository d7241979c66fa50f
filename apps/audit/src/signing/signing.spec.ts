import { generateKeyPairSync } from 'node:crypto';
import { entryHash, GENESIS_HASH } from '../audit-log/canonical-hash';
import { ChainVerifier, type StoredEntry } from '../evidence/chain-verifier';
import { verifyExport } from '../evidence/offline-verification';
import { checkpointProblem, signCheckpoint, type Checkpoint } from './checkpoint';
import { keyIdOf, PublicKeyRing, signingKeyFromPem, signText, type SigningKey } from './signing-keys';

const newKey = (): SigningKey =>
  signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

/** A signed log of n entries, key `keyFor(seq)` signing each. */
function signedLog(n: number, keyFor: (seq: number) => SigningKey): StoredEntry[] {
  const out: StoredEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      seq,
      eventId: `e-${seq}`,
      type: 'dsr.request.closed.v1',
      source: 'request-intake',
      occurredAt: '2026-11-20T10:00:00.000Z',
      requestId: null,
      subjectHashes: [],
      payload: { n: seq },
      keyId: 'k1',
    };
    const hash = entryHash(prev, content);
    const key = keyFor(seq);
    out.push({ ...content, prevHash: prev, hash, signature: signText(key, hash), sigKeyId: key.id });
    prev = hash;
  }
  return out;
}

const checkpointOf = (key: SigningKey, log: StoredEntry[], upTo = log.length): Checkpoint =>
  signCheckpoint(key, {
    log: 'audit',
    entries: upTo,
    headSeq: log[upTo - 1]?.seq ?? 0,
    headHash: log[upTo - 1]?.hash ?? GENESIS_HASH,
    time: new Date(Date.UTC(2026, 10, 20, 10, upTo)).toISOString(),
  });

/** What an attacker who can write the database does: rewrite an entry, recompute every hash after it. */
function rewriteAndRecompute(log: StoredEntry[], index: number): StoredEntry[] {
  const out = log.map((e) => ({ ...e }));
  out[index] = { ...out[index]!, payload: { n: 999 } };
  let prev = index === 0 ? GENESIS_HASH : out[index - 1]!.hash;
  for (let i = index; i < out.length; i++) {
    out[i]!.prevHash = prev;
    out[i]!.hash = entryHash(prev, out[i]!);
    prev = out[i]!.hash;
  }
  return out;
}

const walk = (entries: StoredEntry[], v: ChainVerifier) => {
  for (const e of entries) if (v.check(e)) break;
  return { firstBroken: v.firstBroken, truncated: v.finish() };
};

describe('signing keys', () => {
  it('names a key by its public key, so that a verifier finds it among several', () => {
    const a = newKey();
    const b = newKey();
    expect(a.id).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(a.id).not.toBe(b.id);
    expect(keyIdOf(a.publicKey)).toBe(a.id);
    const pem = (k: SigningKey) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(PublicKeyRing.fromPem(pem(a) + pem(b)).ids.sort()).toEqual([a.id, b.id].sort());
  });

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => signingKeyFromPem(rsa.toString())).toThrow('Ed25519');
  });
});

describe('checkpoints', () => {
  const key = newKey();
  const ring = new PublicKeyRing([key.publicKey]);

  it('verifies with the public key only, and not once a field is changed', () => {
    const c = checkpointOf(
      key,
      signedLog(3, () => key),
    );
    expect(c.keyId).toBe(key.id);
    expect(checkpointProblem(ring, c)).toBeUndefined();
    expect(checkpointProblem(ring, { ...c, entries: 2 })).toContain('does not verify');
    expect(checkpointProblem(new PublicKeyRing([newKey().publicKey]), c)).toContain('not among the public keys');
  });
});

describe('a signed chain', () => {
  const key = newKey();
  const ring = new PublicKeyRing([key.publicKey]);
  const log = signedLog(6, () => key);

  it('verifies whole, against its checkpoints', () => {
    const v = new ChainVerifier({ keys: ring, checkpoints: [checkpointOf(key, log, 3), checkpointOf(key, log)] });
    expect(walk(log, v)).toEqual({ firstBroken: undefined, truncated: undefined });
    expect(v.head).toEqual({ seq: 6, hash: log[5]!.hash });
  });

  it('names the rewritten entry even when every hash after it was recomputed', () => {
    const forged = rewriteAndRecompute(log, 2);
    // The unkeyed chain alone holds: this is what the signatures are for.
    expect(walk(forged, new ChainVerifier()).firstBroken).toBeUndefined();
    expect(walk(forged, new ChainVerifier({ keys: ring })).firstBroken).toEqual({
      seq: 3,
      eventId: 'e-3',
      reason: expect.stringContaining('signature does not verify'),
    });
  });

  it('catches a recomputed chain whose signatures were stripped, at the checkpoint', () => {
    const forged = rewriteAndRecompute(log, 0).map((e) => ({ ...e, signature: null, sigKeyId: null }));
    const v = new ChainVerifier({ keys: ring, checkpoints: [checkpointOf(key, log)] });
    expect(walk(forged, v).firstBroken).toMatchObject({ seq: 6, reason: expect.stringContaining('rewritten') });
  });

  it('refuses an unsigned entry after a signed one', () => {
    const stripped = log.map((e, i) => (i === 4 ? { ...e, signature: null, sigKeyId: null } : e));
    expect(walk(stripped, new ChainVerifier({ keys: ring })).firstBroken).toMatchObject({
      seq: 5,
      reason: expect.stringContaining('not signed'),
    });
  });

  it('reports entries removed from the end, which no link can show', () => {
    const v = new ChainVerifier({ keys: ring, checkpoints: [checkpointOf(key, log)] });
    const result = walk(log.slice(0, 4), v);
    expect(result.firstBroken).toBeUndefined();
    expect(result.truncated).toContain('the log ends at entry 4 after 4 entries');
    expect(result.truncated).toContain('6 entries up to entry 6');
  });
});

describe('key rotation', () => {
  const oldKey = newKey();
  const newer = newKey();
  // Entries 1-3 and the first checkpoint under the old key; then the new key.
  const log = signedLog(6, (seq) => (seq <= 3 ? oldKey : newer));
  const checkpoints = [checkpointOf(oldKey, log, 3), checkpointOf(newer, log)];

  it('keeps old entries and checkpoints verifiable with the old public key, new ones carry the new key', async () => {
    expect(log.map((e) => e.sigKeyId)).toEqual([oldKey.id, oldKey.id, oldKey.id, newer.id, newer.id, newer.id]);
    expect(checkpoints.map((c) => c.keyId)).toEqual([oldKey.id, newer.id]);
    const both = new PublicKeyRing([oldKey.publicKey, newer.publicKey]);
    expect(await verifyExport(log, checkpoints, both)).toMatchObject({ valid: true, entries: 6, checkpoints: 2 });
  });

  it('fails when the old public key is not given: the first entry it signed is named', async () => {
    const onlyNew = new PublicKeyRing([newer.publicKey]);
    const result = await verifyExport(log, checkpoints, onlyNew);
    expect(result.valid).toBe(false);
    expect(result.badCheckpoints).toHaveLength(1);
    expect(result.firstBroken).toMatchObject({ seq: 1, reason: expect.stringContaining('not among the public keys') });
  });
});

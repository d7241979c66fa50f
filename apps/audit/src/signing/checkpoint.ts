/**
 * A checkpoint of the evidence log: how many entries it held and the hash of its last one,
 * at a time, signed. Pinned outside PostgreSQL (a compacted Kafka topic, files for WORM
 * storage), it is what shows that the log was not shortened or rewritten since: the
 * entry at `headSeq` must still have `headHash`, and exactly `entries` entries must lead to it.
 */
import type { AuditCheckpoint } from '@datarights/contracts';
import { canonicalJson } from '../audit-log/canonical-hash';
import { signText, type PublicKeyRing, type SigningKey } from './signing-keys';

export type Checkpoint = AuditCheckpoint;
export type UnsignedCheckpoint = Omit<Checkpoint, 'signature' | 'keyId'>;

/** What is signed: the canonical JSON of every field but the signature (the key id included). */
export function checkpointText(c: Omit<Checkpoint, 'signature'>): string {
  return canonicalJson({
    log: c.log,
    entries: c.entries,
    headSeq: c.headSeq,
    headHash: c.headHash,
    time: c.time,
    keyId: c.keyId,
  });
}

export function signCheckpoint(key: SigningKey, c: UnsignedCheckpoint): Checkpoint {
  const unsigned = { ...c, keyId: key.id };
  return { ...unsigned, signature: signText(key, checkpointText(unsigned)) };
}

/** `undefined` when the checkpoint's signature holds with one of the ring's keys; else why not. */
export function checkpointProblem(ring: PublicKeyRing, c: Checkpoint): string | undefined {
  return ring.check(c.keyId, checkpointText(c), c.signature);
}

/** A checkpoint from JSON: a bare checkpoint, or the CloudEvents envelope it travelled in on Kafka. */
export function parseCheckpoint(value: unknown): Checkpoint | undefined {
  const v = value as Record<string, unknown> | null;
  const c = (v && typeof v === 'object' && 'data' in v ? v.data : v) as Partial<Checkpoint> | null;
  if (
    !c ||
    typeof c.log !== 'string' ||
    typeof c.entries !== 'number' ||
    typeof c.headSeq !== 'number' ||
    typeof c.headHash !== 'string' ||
    typeof c.time !== 'string' ||
    typeof c.keyId !== 'string' ||
    typeof c.signature !== 'string'
  )
    return undefined;
  return {
    log: c.log,
    entries: c.entries,
    headSeq: c.headSeq,
    headHash: c.headHash,
    time: c.time,
    keyId: c.keyId,
    signature: c.signature,
  };
}

/** The later of two checkpoints: more entries, then later time. */
export function laterCheckpoint(a: Checkpoint | undefined, b: Checkpoint | undefined): Checkpoint | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.entries !== b.entries) return a.entries > b.entries ? a : b;
  return a.time >= b.time ? a : b;
}

/**
 * Verification of an exported log against checkpoints, with nothing but public keys: what
 * an auditor runs on their own machine (`npm run audit -- verify`), trusting neither the
 * database nor the service. Every checkpoint's signature must hold; every entry's link,
 * hash and signature must hold; every checkpoint must match the export (the entry it names
 * has its hash, with exactly its count of entries up to it), and the export must reach the
 * latest checkpoint.
 */
import { checkpointProblem, laterCheckpoint, type Checkpoint } from '../signing/checkpoint';
import type { PublicKeyRing } from '../signing/signing-keys';
import { ChainVerifier, type BrokenLink, type StoredEntry } from './chain-verifier';

export interface OfflineVerification {
  valid: boolean;
  entries: number;
  head: { seq: number; hash: string };
  checkpoints: number;
  latestCheckpoint?: Checkpoint;
  /** Checkpoints whose signature does not hold (forged, or signed with a key not given). */
  badCheckpoints: { checkpoint: Checkpoint; reason: string }[];
  firstBroken?: BrokenLink;
  truncated?: string;
}

export async function verifyExport(
  entries: AsyncIterable<StoredEntry> | Iterable<StoredEntry>,
  checkpoints: Checkpoint[],
  keys: PublicKeyRing,
): Promise<OfflineVerification> {
  const badCheckpoints: OfflineVerification['badCheckpoints'] = [];
  const good: Checkpoint[] = [];
  for (const c of checkpoints) {
    const reason = checkpointProblem(keys, c);
    if (reason) badCheckpoints.push({ checkpoint: c, reason });
    else good.push(c);
  }
  const verifier = new ChainVerifier({ keys, checkpoints: good });
  for await (const e of entries) if (verifier.check(e)) break;
  const truncated = verifier.finish();
  const latest = good.reduce<Checkpoint | undefined>((a, b) => laterCheckpoint(a, b), undefined);
  return {
    valid: !verifier.firstBroken && !truncated && badCheckpoints.length === 0,
    entries: verifier.entries,
    head: verifier.head,
    checkpoints: good.length,
    ...(latest ? { latestCheckpoint: latest } : {}),
    badCheckpoints,
    ...(verifier.firstBroken ? { firstBroken: verifier.firstBroken } : {}),
    ...(truncated ? { truncated } : {}),
  };
}

/** One exported entry from a line of the export (JSON lines, as `npm run audit -- export` writes them). */
export function parseExportLine(line: string): StoredEntry {
  const e = JSON.parse(line) as StoredEntry;
  if (typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prevHash !== 'string')
    throw new Error('not an exported audit entry');
  return e;
}

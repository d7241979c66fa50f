/**
 * Walks the chain entry by entry, in sequence order, holding only the previous hash: the
 * log is verified in pages, never loaded whole. The first entry must follow the genesis
 * hash; each next one must name its predecessor's hash; each hash must match the stored
 * content. Stops at the first broken link: every later link depends on it.
 *
 * Given public keys, it also checks each entry's signature (Ed25519 over its hash, made
 * with a key the database never holds): rewriting an entry and recomputing every hash
 * after it keeps an unkeyed chain whole, but the rewritten entry's signature no longer
 * holds, so it is named. Entries written before signing existed carry no signature; they
 * are accepted only before the first signed entry, and the checkpoints cover them.
 *
 * Given checkpoints, it checks that the entry each one names is still there with the
 * same hash and the same number of entries up to it; `finish()` then reports a
 * checkpoint that names more entries than the log holds (entries removed from its end).
 */
import { entryHash, GENESIS_HASH, type ChainedContent } from '../audit-log/canonical-hash';
import type { Checkpoint } from '../signing/checkpoint';
import type { PublicKeyRing } from '../signing/signing-keys';

export interface StoredEntry extends ChainedContent {
  prevHash: string;
  hash: string;
  /** Ed25519 signature (base64) of `hash`; null on entries written before signing existed. */
  signature?: string | null;
  /** The signing key's id (`ed25519:...`). */
  sigKeyId?: string | null;
}

export interface BrokenLink {
  seq: number;
  eventId: string;
  reason: string;
}

export interface VerifierOptions {
  /** Check every entry's signature with these keys. */
  keys?: PublicKeyRing;
  /** Check the log against these (already signature-checked) checkpoints. */
  checkpoints?: Checkpoint[];
}

export class ChainVerifier {
  private prev: { seq: number; hash: string } | undefined;
  private checked = 0;
  private signedSeen = false;
  private broken: BrokenLink | undefined;
  private truncation: string | undefined;
  private readonly pending: Checkpoint[];

  constructor(private readonly options: VerifierOptions = {}) {
    this.pending = [...(options.checkpoints ?? [])].sort((a, b) => a.headSeq - b.headSeq);
  }

  /** Checks the next entry; returns the broken link when this entry breaks the chain. */
  check(entry: StoredEntry): BrokenLink | undefined {
    if (this.broken) return this.broken;
    this.checked++;
    const expectedPrev = this.prev?.hash ?? GENESIS_HASH;
    const breakHere = (reason: string) => (this.broken = { seq: entry.seq, eventId: entry.eventId, reason });
    if (entry.prevHash !== expectedPrev) {
      breakHere(
        this.prev
          ? `prev_hash does not match the hash of entry ${this.prev.seq} (an entry was removed, inserted or altered before it)`
          : 'the first entry does not start from the genesis hash',
      );
    } else if (entryHash(entry.prevHash, entry) !== entry.hash) {
      breakHere("hash does not match the entry's content (the entry was altered)");
    } else if (this.options.keys) {
      const unsignedAllowed = !this.signedSeen && !entry.signature && !entry.sigKeyId;
      if (!unsignedAllowed) {
        const problem = this.options.keys.check(entry.sigKeyId, entry.hash, entry.signature);
        if (problem) breakHere(`${problem} (the entry was altered and the chain recomputed, or its signature removed)`);
        this.signedSeen = true;
      }
    }
    if (!this.broken) this.checkCheckpoints(entry);
    this.prev = { seq: entry.seq, hash: entry.hash };
    return this.broken;
  }

  private checkCheckpoints(entry: StoredEntry): void {
    while (this.pending.length && this.pending[0]!.headSeq <= entry.seq) {
      const cp = this.pending.shift()!;
      const at = `checkpoint of ${cp.time} (${cp.entries} entries up to entry ${cp.headSeq})`;
      if (cp.headSeq < entry.seq) {
        this.broken = {
          seq: entry.seq,
          eventId: entry.eventId,
          reason: `entry ${cp.headSeq}, named by the ${at}, is missing (entries were removed)`,
        };
      } else if (cp.headHash !== entry.hash) {
        this.broken = {
          seq: entry.seq,
          eventId: entry.eventId,
          reason: `the hash differs from the one signed in the ${at} (the log was rewritten up to here)`,
        };
      } else if (cp.entries !== this.checked) {
        this.broken = {
          seq: entry.seq,
          eventId: entry.eventId,
          reason: `${this.checked} entries lead to it, not ${cp.entries} as signed in the ${at}`,
        };
      }
      if (this.broken) return;
    }
  }

  /** Call after the last entry: reports a checkpoint beyond the end of the log. */
  finish(): string | undefined {
    if (this.broken || this.truncation) return this.truncation;
    const beyond = this.pending.filter((cp) => cp.entries > 0 || cp.headSeq > 0).pop();
    if (beyond)
      this.truncation =
        `the log ends ${this.prev ? `at entry ${this.prev.seq} after ${this.checked} entries` : 'empty'}, ` +
        `but the checkpoint of ${beyond.time} (key ${beyond.keyId}) was signed for ${beyond.entries} entries ` +
        `up to entry ${beyond.headSeq}: entries were removed from its end`;
    return this.truncation;
  }

  get entries(): number {
    return this.checked;
  }

  get head(): { seq: number; hash: string } {
    return this.prev ?? { seq: 0, hash: GENESIS_HASH };
  }

  get firstBroken(): BrokenLink | undefined {
    return this.broken;
  }

  get truncated(): string | undefined {
    return this.truncation;
  }
}

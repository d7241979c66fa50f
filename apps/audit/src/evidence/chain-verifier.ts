/**
 * Walks the chain entry by entry, in sequence order, holding only the previous hash: the
 * log is verified in pages, never loaded whole. The first entry must follow the genesis
 * hash; each next one must name its predecessor's hash; each hash must match the stored
 * content. Stops at the first broken link: every later link depends on it.
 */
import { entryHash, GENESIS_HASH, type ChainedContent } from '../audit-log/canonical-hash';

export interface StoredEntry extends ChainedContent {
  prevHash: string;
  hash: string;
}

export interface BrokenLink {
  seq: number;
  eventId: string;
  reason: string;
}

export class ChainVerifier {
  private prev: { seq: number; hash: string } | undefined;
  private checked = 0;
  private broken: BrokenLink | undefined;

  /** Checks the next entry; returns the broken link when this entry breaks the chain. */
  check(entry: StoredEntry): BrokenLink | undefined {
    if (this.broken) return this.broken;
    this.checked++;
    const expectedPrev = this.prev?.hash ?? GENESIS_HASH;
    if (entry.prevHash !== expectedPrev) {
      const reason = this.prev
        ? `prev_hash does not match the hash of entry ${this.prev.seq} (an entry was removed, inserted or altered before it)`
        : 'the first entry does not start from the genesis hash';
      this.broken = { seq: entry.seq, eventId: entry.eventId, reason };
    } else if (entryHash(entry.prevHash, entry) !== entry.hash) {
      this.broken = {
        seq: entry.seq,
        eventId: entry.eventId,
        reason: "hash does not match the entry's content (the entry was altered)",
      };
    }
    this.prev = { seq: entry.seq, hash: entry.hash };
    return this.broken;
  }

  get entries(): number {
    return this.checked;
  }

  get firstBroken(): BrokenLink | undefined {
    return this.broken;
  }
}

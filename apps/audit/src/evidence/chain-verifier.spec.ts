import { entryHash, GENESIS_HASH } from '../audit-log/canonical-hash';
import { ChainVerifier, type StoredEntry } from './chain-verifier';

function chain(n: number): StoredEntry[] {
  const entries: StoredEntry[] = [];
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
    entries.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return entries;
}

const verify = (entries: StoredEntry[]) => {
  const v = new ChainVerifier();
  for (const e of entries) if (v.check(e)) break;
  return { entries: v.entries, firstBroken: v.firstBroken };
};

describe('chain verification', () => {
  it('accepts an intact chain, and an empty one', () => {
    expect(verify(chain(5))).toEqual({ entries: 5, firstBroken: undefined });
    expect(verify([])).toEqual({ entries: 0, firstBroken: undefined });
  });

  it('names an entry whose content was altered', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, payload: { n: 99 } };
    expect(verify(entries).firstBroken).toEqual({
      seq: 3,
      eventId: 'e-3',
      reason: expect.stringContaining('hash does not match'),
    });
  });

  it('names the entry after one that was removed', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verify(entries).firstBroken).toEqual({
      seq: 3,
      eventId: 'e-3',
      reason: expect.stringContaining('prev_hash does not match the hash of entry 1'),
    });
  });

  it('names an entry whose hash was recomputed to hide a change (its successor breaks)', () => {
    const entries = chain(4);
    const forged = { ...entries[1]!, payload: { n: 42 } };
    forged.hash = entryHash(forged.prevHash, forged);
    entries[1] = forged;
    expect(verify(entries).firstBroken).toMatchObject({ seq: 3, reason: expect.stringContaining('prev_hash') });
  });

  it('requires the first entry to start from the genesis hash', () => {
    expect(verify(chain(3).slice(1)).firstBroken).toEqual({
      seq: 2,
      eventId: 'e-2',
      reason: 'the first entry does not start from the genesis hash',
    });
  });
});

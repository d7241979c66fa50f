import { canonicalJson, entryHash, GENESIS_HASH, sha256Hex, type ChainedContent } from './canonical-hash';

const content: ChainedContent = {
  seq: 1,
  eventId: 'e-1',
  type: 'dsr.request.closed.v1',
  source: 'request-intake',
  occurredAt: '2026-11-20T10:00:00.000Z',
  requestId: '3f1c2b4e-0000-4000-8000-000000000001',
  subjectHashes: ['aa', 'bb'],
  payload: { outcome: 'completed', nested: { b: 1, a: [2, 'x', null] } },
  keyId: 'k1',
};

describe('canonical JSON', () => {
  it('sorts keys at every depth and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives one text whatever the key order of the input (what jsonb returns)', () => {
    expect(canonicalJson({ x: 1, y: { q: true, p: null } })).toBe(canonicalJson({ y: { p: null, q: true }, x: 1 }));
  });

  it('leaves out undefined properties and escapes strings as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 'quote " and \u00e9' })).toBe('{"b":"quote \\" and \u00e9"}');
  });

  it('refuses values with no stable JSON form', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('non-finite');
    expect(() => canonicalJson({ d: new Date() })).toThrow('plain objects');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('function');
  });
});

describe('entry hash', () => {
  it('is sha256 of the previous hash followed by the canonical content', () => {
    const expected = sha256Hex(
      GENESIS_HASH +
        '{"eventId":"e-1","keyId":"k1","occurredAt":"2026-11-20T10:00:00.000Z","payload":{"nested":{"a":[2,"x",null],"b":1},"outcome":"completed"},' +
        '"requestId":"3f1c2b4e-0000-4000-8000-000000000001","seq":1,"source":"request-intake","subjectHashes":["aa","bb"],"type":"dsr.request.closed.v1"}',
    );
    expect(entryHash(GENESIS_HASH, content)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any field of the content, and with the previous hash', () => {
    const base = entryHash(GENESIS_HASH, content);
    const variants: Partial<ChainedContent>[] = [
      { seq: 2 },
      { eventId: 'e-2' },
      { type: 'x' },
      { source: 'y' },
      { occurredAt: '2026-11-20T10:00:00.001Z' },
      { requestId: null },
      { subjectHashes: ['aa'] },
      { payload: { outcome: 'rejected' } },
      { keyId: 'k2' },
    ];
    for (const v of variants) expect(entryHash(GENESIS_HASH, { ...content, ...v })).not.toBe(base);
    expect(entryHash('f'.repeat(64), content)).not.toBe(base);
  });

  it('ignores extra properties that are not part of the chained content', () => {
    expect(entryHash(GENESIS_HASH, { ...content, recordedAt: 'now' } as ChainedContent)).toBe(
      entryHash(GENESIS_HASH, content),
    );
  });
});

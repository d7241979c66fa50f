import { bodyHash, canonicalJson, isValidIdempotencyKey } from './idempotency';

describe('idempotency keys', () => {
  it.each(['a', '0b6f3c2e-8f0e-4a53-9c8b-1f0c2f3a4b5c', 'file-2025-01-31#3', 'x'.repeat(200)])('accepts %j', (k) => {
    expect(isValidIdempotencyKey(k)).toBe(true);
  });

  it.each(['', ' ', 'with space', 'x'.repeat(201), 'é', 'tab\tkey'])('refuses %j', (k) => {
    expect(isValidIdempotencyKey(k)).toBe(false);
  });
});

describe('body hash', () => {
  it('does not depend on key order or undefined members', () => {
    const a = { type: 'erasure', subject: { email: 'a@b.fr', customerId: 'C-1' }, channel: 'email' };
    const b = { channel: 'email', note: undefined, subject: { customerId: 'C-1', email: 'a@b.fr' }, type: 'erasure' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(bodyHash(a)).toBe(bodyHash(b));
  });

  it('changes with any value', () => {
    const a = { type: 'erasure', subject: { email: 'a@b.fr' }, channel: 'email' };
    expect(bodyHash(a)).not.toBe(bodyHash({ ...a, channel: 'post' }));
    expect(bodyHash(a)).not.toBe(bodyHash({ ...a, subject: { email: 'a@b.fr', name: 'A' } }));
  });

  it('is a hex SHA-256, with no personal data in clear', () => {
    const h = bodyHash({ subject: { email: 'jeanne@example.fr' } });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('jeanne');
  });

  it('keeps arrays in order', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});

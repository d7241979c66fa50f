import { hashKeys, resolveSubjectHashKey, subjectHash } from './subject-hash';

describe('minimising stored subject keys', () => {
  const key = 'k'.repeat(32);

  it('hashes every key with HMAC, once', () => {
    const hashed = hashKeys(key, { email: ['jeanne@example.fr'], phone: ['+33612345678'], customerId: [] });
    expect(hashed).toEqual({
      email: [subjectHash(key, 'email', 'jeanne@example.fr')],
      phone: [subjectHash(key, 'phone', '+33612345678')],
      customerId: [],
    });
    expect(JSON.stringify(hashed)).not.toMatch(/jeanne|612345678/);
    expect(hashKeys(key, hashed)).toEqual(hashed);
  });

  it('needs SUBJECT_HASH_KEY in production', () => {
    expect(() => resolveSubjectHashKey(undefined, 'production', () => undefined)).toThrow(
      'SUBJECT_HASH_KEY is required in production',
    );
    const warned: string[] = [];
    resolveSubjectHashKey(undefined, 'test', (m) => warned.push(m));
    expect(warned).toHaveLength(1);
  });
});

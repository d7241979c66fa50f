import type { RequestEntity } from '../requests/entities';
import { minimisedPatch } from './minimiser';
import { DEV_SUBJECT_HASH_KEY, isSubjectHash, resolveSubjectHashKey, subjectHash } from './subject-hash';

const KEY = 'k'.repeat(32);
const hash = (kind: string, v: string) => subjectHash(KEY, kind, v);

describe('keyed hashes of identifiers', () => {
  it('are stable for one key, differ across keys and kinds, and do not show the value', () => {
    const a = subjectHash(KEY, 'email', 'jeanne@example.fr');
    expect(a).toBe(subjectHash(KEY, 'email', 'jeanne@example.fr'));
    expect(a).not.toBe(subjectHash('x'.repeat(32), 'email', 'jeanne@example.fr'));
    expect(a).not.toBe(subjectHash(KEY, 'name', 'jeanne@example.fr'));
    expect(a).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);
    expect(isSubjectHash(a)).toBe(true);
    expect(isSubjectHash('jeanne@example.fr')).toBe(false);
  });

  it('need SUBJECT_HASH_KEY in production; elsewhere fall back to the development key with a warning', () => {
    expect(() => resolveSubjectHashKey(undefined, 'production', () => undefined)).toThrow(
      'SUBJECT_HASH_KEY is required in production',
    );
    const warnings: string[] = [];
    expect(resolveSubjectHashKey(undefined, 'development', (m) => warnings.push(m))).toBe(DEV_SUBJECT_HASH_KEY);
    expect(warnings).toEqual([expect.stringContaining('SUBJECT_HASH_KEY is not set')]);
    expect(resolveSubjectHashKey(KEY, 'production', () => undefined)).toBe(KEY);
  });
});

describe('minimisedPatch', () => {
  const r = {
    subjectEmail: 'jeanne@example.fr',
    subjectPhone: null,
    subjectCustomerId: 'C-1',
    subjectName: 'Jeanne Martin',
    representativeName: 'Claire Dubois',
    representativeMandateRef: 'MAND-2026/0042',
    verifiedEmails: ['jeanne@example.fr', 'j.martin@example.fr'],
    candidates: [{ subjectRef: 's1', hints: ['j***@example.fr'], records: 2 }],
    note: 'letter from Jeanne',
    attestationNote: null,
    extensionReason: 'Jeanne has forty accounts',
    decisionReason: null,
    receiptEvidence: 'e-mail from jeanne@example.fr, Message-ID <a1@example.fr>',
    infoRequestReason: null,
  } as unknown as RequestEntity;
  const at = new Date('2030-01-01T00:00:00Z');

  it('replaces every identifier and note, keeps the nulls, drops the hints, and marks the request', () => {
    const p = minimisedPatch(r, hash, at);
    expect(p).toEqual({
      subjectEmail: hash('email', 'jeanne@example.fr'),
      subjectPhone: null,
      subjectCustomerId: hash('customerId', 'C-1'),
      subjectName: hash('name', 'Jeanne Martin'),
      representativeName: hash('name', 'Claire Dubois'),
      representativeMandateRef: hash('note', 'MAND-2026/0042'),
      verifiedEmails: [hash('email', 'jeanne@example.fr'), hash('email', 'j.martin@example.fr')],
      candidates: [{ subjectRef: 's1', hints: [], records: 2 }],
      note: hash('note', 'letter from Jeanne'),
      attestationNote: null,
      extensionReason: hash('note', 'Jeanne has forty accounts'),
      decisionReason: null,
      receiptEvidence: hash('note', 'e-mail from jeanne@example.fr, Message-ID <a1@example.fr>'),
      infoRequestReason: null,
      minimisedAt: at,
    });
    expect(JSON.stringify(p)).not.toMatch(/Jeanne|Claire|MAND|example\.fr|C-1/);
  });

  it('does not hash a hash twice', () => {
    const once = minimisedPatch(r, hash, at);
    expect(minimisedPatch({ ...r, ...once } as RequestEntity, hash, at).subjectEmail).toBe(once.subjectEmail);
  });
});

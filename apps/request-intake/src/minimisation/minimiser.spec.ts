import type { RequestEntity } from '../requests/entities';
import { minimisedPatch } from './minimiser';
import { normaliseIdentifier } from '@datarights/contracts';
import { Pseudonymiser } from '@datarights/pseudonym';

const pseudonyms = new Pseudonymiser(
  { current: { id: 'k2', secret: 'k'.repeat(32) }, previous: [] },
  normaliseIdentifier,
);
const hash = (kind: string, v: string) => pseudonyms.hash(kind, v);

describe('keyed hashes of identifiers', () => {
  it("carry the key's id, normalise the identifier and do not show the value", () => {
    const a = hash('email', 'jeanne@example.fr');
    expect(a).toMatch(/^hmac-sha256:k2:[A-Za-z0-9_-]{43}$/);
    expect(hash('email', ' Jeanne@Example.fr')).toBe(a);
    expect(hash('name', 'jeanne@example.fr')).not.toBe(a);
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

import type { RequestEntity } from './entities';
import { plannedAction } from './request-actions';
import { isOverdue, toRequestView } from './request-view';

const request = (over: Partial<RequestEntity> = {}): RequestEntity => ({
  id: '0b6f3c2e-8f0e-4a53-9c8b-1f0c2f3a4b5c',
  type: 'erasure',
  status: 'needs-attention',
  channel: 'email',
  subjectEmail: 'jeanne@example.fr',
  subjectCustomerId: 'C-1',
  subjectPhone: null,
  subjectName: 'Jeanne Martin',
  note: 'letter 42',
  filedBy: 'dpo',
  filedByPrincipal: 'dev-dpo',
  receivedAt: new Date('2025-01-31T10:00:00Z'),
  dueAt: new Date('2025-02-28T10:00:00Z'),
  closedAt: null,
  outcome: null,
  subjectRef: 'subj-1',
  candidates: null,
  verifiedEmails: ['verified-only@example.fr'],
  verificationMethod: 'dpo-attested',
  verifiedAt: new Date('2025-02-01T10:00:00Z'),
  attestationNote: 'passport seen',
  attestedBy: 'dev-dpo',
  attestedAt: new Date('2025-02-01T09:00:00Z'),
  createdAt: new Date('2025-01-31T10:00:00Z'),
  updatedAt: new Date('2025-02-01T10:00:00Z'),
  ...over,
});

const escalated = { ...plannedAction('legacy', ['identification']), id: '1', closeRequestedAt: null, status: 'escalated' as const, commandId: 'c1', kind: 'erase' as const, attempts: 5, reason: 'no reply' };

describe('request view', () => {
  it('shows the notes to the DPO only, and never the verified addresses', () => {
    const forDpo = toRequestView(request(), [escalated], [], [], { forDpo: true, now: new Date('2025-02-10T00:00:00Z') });
    expect(forDpo.note).toBe('letter 42');
    expect(forDpo.verification.note).toBe('passport seen');
    const forOperator = toRequestView(request(), [escalated], [], [], { forDpo: false, now: new Date('2025-02-10T00:00:00Z') });
    expect(forOperator).not.toHaveProperty('note');
    expect(forOperator.verification).not.toHaveProperty('note');
    expect(forOperator.subject).toEqual({ email: 'jeanne@example.fr', customerId: 'C-1', phone: null, name: 'Jeanne Martin' });
    for (const v of [forDpo, forOperator]) expect(JSON.stringify(v)).not.toContain('verified-only@example.fr');
  });

  it('lists why the request needs the DPO', () => {
    const v = toRequestView(request(), [escalated], [], [], { forDpo: true, now: new Date('2025-02-10T00:00:00Z') });
    expect(v.attention).toEqual(['legacy: no reply']);
    expect(toRequestView(request(), [], [], [], { forDpo: true, now: new Date() })).not.toHaveProperty('attention');
  });

  it('is overdue only while open and past its due date', () => {
    const due = new Date('2025-02-28T10:00:00Z');
    expect(isOverdue({ closedAt: null, dueAt: due }, new Date('2025-02-28T10:00:01Z'))).toBe(true);
    expect(isOverdue({ closedAt: null, dueAt: due }, new Date('2025-02-28T09:59:59Z'))).toBe(false);
    expect(isOverdue({ closedAt: new Date('2025-03-05T00:00:00Z'), dueAt: due }, new Date('2025-03-10T00:00:00Z'))).toBe(false);
  });
});

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
  originalDueAt: null,
  extendedAt: null,
  extensionMonths: null,
  extensionReason: null,
  extendedBy: null,
  decisionReason: null,
  rejectionGround: null,
  decidedBy: null,
  dueSoonNotifiedFor: null,
  overdueNotifiedFor: null,
  minimiseAfter: null,
  minimisedAt: null,
  ...over,
});

const escalated = { ...plannedAction('legacy', ['identification']), id: '1', closeRequestedAt: null, acknowledgementRequestedAt: null, status: 'escalated' as const, commandId: 'c1', kind: 'erase' as const, attempts: 5, reason: 'no reply' };

describe('request view', () => {
  it('shows the notes to the DPO only, and never the verified addresses', () => {
    const forDpo = toRequestView(request(), [escalated], [], [], { forDpo: true, now: new Date('2025-02-10T00:00:00Z'), dueSoonUntil: new Date('2025-02-13T00:00:00Z') });
    expect(forDpo.note).toBe('letter 42');
    expect(forDpo.verification.note).toBe('passport seen');
    const forOperator = toRequestView(request(), [escalated], [], [], { forDpo: false, now: new Date('2025-02-10T00:00:00Z'), dueSoonUntil: new Date('2025-02-13T00:00:00Z') });
    expect(forOperator).not.toHaveProperty('note');
    expect(forOperator.verification).not.toHaveProperty('note');
    expect(forOperator.subject).toEqual({ email: 'jeanne@example.fr', customerId: 'C-1', phone: null, name: 'Jeanne Martin' });
    for (const v of [forDpo, forOperator]) expect(JSON.stringify(v)).not.toContain('verified-only@example.fr');
  });

  it('lists why the request needs the DPO', () => {
    const v = toRequestView(request(), [escalated], [], [], { forDpo: true, now: new Date('2025-02-10T00:00:00Z'), dueSoonUntil: new Date('2025-02-13T00:00:00Z') });
    expect(v.attention).toEqual(['legacy: no reply']);
    expect(toRequestView(request(), [], [], [], { forDpo: true, now: new Date(), dueSoonUntil: new Date() })).not.toHaveProperty('attention');
  });

  it('is overdue only while open and past its due date', () => {
    const due = new Date('2025-02-28T10:00:00Z');
    expect(isOverdue({ closedAt: null, dueAt: due }, new Date('2025-02-28T10:00:01Z'))).toBe(true);
    expect(isOverdue({ closedAt: null, dueAt: due }, new Date('2025-02-28T09:59:59Z'))).toBe(false);
    expect(isOverdue({ closedAt: new Date('2025-03-05T00:00:00Z'), dueAt: due }, new Date('2025-03-10T00:00:00Z'))).toBe(false);
  });
});

describe('request view: the deadline engine and minimisation', () => {
  const now = new Date('2025-02-26T10:00:00Z');
  const dueSoonUntil = new Date('2025-03-01T10:00:00Z');

  it('shows a request due soon, its extension (reasons to the DPO only) and a DPO decision', () => {
    const extended = request({ extendedAt: new Date('2025-02-20T10:00:00Z'), extensionMonths: 2, extensionReason: 'forty systems', extendedBy: 'dev-dpo', originalDueAt: new Date('2025-02-28T10:00:00Z') });
    const dpo = toRequestView(extended, [], [], [], { forDpo: true, now, dueSoonUntil });
    expect(dpo).toMatchObject({ dueSoon: true, overdue: false, extension: { months: 2, extendedBy: 'dev-dpo', originalDueAt: '2025-02-28T10:00:00.000Z', reason: 'forty systems' }, minimisedAt: null });
    expect(toRequestView(extended, [], [], [], { forDpo: false, now, dueSoonUntil }).extension).not.toHaveProperty('reason');

    const rejected = request({ status: 'closed', outcome: 'rejected', closedAt: now, rejectionGround: 'excessive', decisionReason: 'fifth copy this month', decidedBy: 'dev-dpo' });
    expect(toRequestView(rejected, [], [], [], { forDpo: true, now, dueSoonUntil })).toMatchObject({ dueSoon: false, decision: { outcome: 'rejected', ground: 'excessive', decidedBy: 'dev-dpo', reasons: 'fifth copy this month' } });
    expect(toRequestView(rejected, [], [], [], { forDpo: false, now, dueSoonUntil }).decision).toEqual({ outcome: 'rejected', ground: 'excessive', decidedBy: 'dev-dpo' });
  });

  it('shows when a hold ended and which command erased its data', () => {
    const hold = { holdId: 'h1', systemId: 'billing', category: 'billing', ground: 'Art. 17(3)(b)', legalText: 'Code de commerce L123-22', until: new Date('2035-01-31T10:00:00Z'), expiredAt: new Date('2035-02-01T00:00:00Z'), eraseCommandId: 'c9' };
    expect(toRequestView(request(), [], [hold], [], { forDpo: true, now, dueSoonUntil }).holds[0]).toMatchObject({ expiredAt: '2035-02-01T00:00:00.000Z', eraseCommandId: 'c9' });
  });
});

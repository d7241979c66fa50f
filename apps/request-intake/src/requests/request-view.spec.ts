import type { RequestEntity } from './entities';
import { plannedAction } from './request-actions';
import type { RecipientRow } from './recipients.repository';
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
  representativeMandateRef: null,
  representativeName: null,
  portalSession: false,
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
  releasePending: null,
  releasePendingSince: null,
  releasedAt: null,
  releasedBy: null,
  receiptEvidence: null,
  suspendedDays: 0,
  infoRequestedAt: null,
  infoRequestReason: null,
  infoRequestedBy: null,
  ...over,
});

const escalated = {
  ...plannedAction('legacy', ['identification']),
  id: '1',
  closeRequestedAt: null,
  acknowledgementRequestedAt: null,
  status: 'escalated' as const,
  commandId: 'c1',
  kind: 'erase' as const,
  attempts: 5,
  reason: 'no reply',
};

describe('request view', () => {
  it('shows the notes to the DPO only, and never the verified addresses', () => {
    const forDpo = toRequestView(request(), [escalated], [], [], {
      forDpo: true,
      now: new Date('2025-02-10T00:00:00Z'),
      dueSoonUntil: new Date('2025-02-13T00:00:00Z'),
    });
    expect(forDpo.note).toBe('letter 42');
    expect(forDpo.verification.note).toBe('passport seen');
    const forOperator = toRequestView(request(), [escalated], [], [], {
      forDpo: false,
      now: new Date('2025-02-10T00:00:00Z'),
      dueSoonUntil: new Date('2025-02-13T00:00:00Z'),
    });
    expect(forOperator).not.toHaveProperty('note');
    expect(forOperator.verification).not.toHaveProperty('note');
    expect(forOperator.subject).toEqual({
      email: 'jeanne@example.fr',
      customerId: 'C-1',
      phone: null,
      name: 'Jeanne Martin',
    });
    for (const v of [forDpo, forOperator]) expect(JSON.stringify(v)).not.toContain('verified-only@example.fr');
  });

  it('shows a representative (mandate reference and name) to the DPO and operators, and nothing when there is none', () => {
    const opts = { now: new Date('2025-02-10T00:00:00Z'), dueSoonUntil: new Date('2025-02-13T00:00:00Z') };
    const represented = request({ representativeMandateRef: 'MAND-2026/0042', representativeName: 'Claire Dubois' });
    for (const forDpo of [true, false])
      expect(toRequestView(represented, [], [], [], { forDpo, ...opts }).representative).toEqual({
        mandateReference: 'MAND-2026/0042',
        name: 'Claire Dubois',
      });
    expect(
      toRequestView(request({ representativeMandateRef: 'M-1' }), [], [], [], { forDpo: true, ...opts }).representative,
    ).toEqual({ mandateReference: 'M-1', name: null });
    expect(toRequestView(request(), [], [], [], { forDpo: true, ...opts })).not.toHaveProperty('representative');
  });

  it('lists why the request needs the DPO', () => {
    const v = toRequestView(request(), [escalated], [], [], {
      forDpo: true,
      now: new Date('2025-02-10T00:00:00Z'),
      dueSoonUntil: new Date('2025-02-13T00:00:00Z'),
    });
    expect(v.attention).toEqual(['legacy: no reply']);
    expect(
      toRequestView(request(), [], [], [], { forDpo: true, now: new Date(), dueSoonUntil: new Date() }),
    ).not.toHaveProperty('attention');
  });

  it('shows the recipients told (Art. 19), and asks the DPO about those never told, refusing or silent, until an acknowledgement is recorded', () => {
    const opts = {
      forDpo: true,
      now: new Date('2025-02-10T00:00:00Z'),
      dueSoonUntil: new Date('2025-02-13T00:00:00Z'),
    };
    const notice = (
      name: string,
      status: RecipientRow['status'],
      acknowledgementRequestedAt: Date | null = null,
    ): RecipientRow => ({
      noticeId: `n-${name}`,
      recipient: { name, kind: 'sub-processor', country: 'FR' },
      fromSystemId: 'crm',
      action: 'erasure',
      categories: ['identification'],
      status,
      reminders: 2,
      respondBy: null,
      reason: null,
      acknowledgedBy: null,
      acknowledgementRequestedAt,
      notifiedAt: new Date('2025-02-01T00:00:00Z'),
      updatedAt: new Date('2025-02-01T00:00:00Z'),
    });
    const v = toRequestView(request(), [], [], [], {
      ...opts,
      recipients: [
        notice('A', 'acknowledged'),
        notice('B', 'unacknowledged'),
        notice('C', 'not-notified'),
        notice('D', 'declined'),
        notice('E', 'unacknowledged', new Date()),
      ],
    });
    expect(v.recipients.map((r) => [r.name, r.status])).toEqual([
      ['A', 'acknowledged'],
      ['B', 'unacknowledged'],
      ['C', 'not-notified'],
      ['D', 'declined'],
      ['E', 'unacknowledged'],
    ]);
    expect(v.attention).toEqual([
      'recipient B (of crm): never acknowledged the notice (Art. 19)',
      'recipient C (of crm): could not be told through the system: tell it by other means, then record its acknowledgement (Art. 19)',
      'recipient D (of crm): answered that it cannot act on the notice (Art. 19)',
    ]);
    expect(toRequestView(request(), [], [], [], opts).recipients).toEqual([]);
  });

  it('is overdue only while open and past its due date', () => {
    const due = new Date('2025-02-28T10:00:00Z');
    expect(isOverdue({ closedAt: null, dueAt: due }, new Date('2025-02-28T10:00:01Z'))).toBe(true);
    expect(isOverdue({ closedAt: null, dueAt: due }, new Date('2025-02-28T09:59:59Z'))).toBe(false);
    expect(
      isOverdue({ closedAt: new Date('2025-03-05T00:00:00Z'), dueAt: due }, new Date('2025-03-10T00:00:00Z')),
    ).toBe(false);
    // décret 2019-536 art. 77: while information asked of the subject is awaited, the time limit stands still.
    expect(
      isOverdue(
        { closedAt: null, dueAt: due, infoRequestedAt: new Date('2025-02-20T00:00:00Z') },
        new Date('2025-03-10T00:00:00Z'),
      ),
    ).toBe(false);
  });

  it('shows the receipt evidence and what was asked of the subject to the DPO only, and the suspended days to all', () => {
    const r = request({
      receiptEvidence: 'Message-ID <x@mail.example.fr>',
      suspendedDays: 3,
      infoRequestedAt: new Date('2025-02-20T10:00:00Z'),
      infoRequestReason: 'which of the two accounts',
      infoRequestedBy: 'dev-dpo',
    });
    const opts = { now: new Date('2025-02-21T00:00:00Z'), dueSoonUntil: new Date('2025-02-24T00:00:00Z') };
    const dpo = toRequestView(r, [], [], [], { forDpo: true, ...opts });
    expect(dpo.receiptEvidence).toBe('Message-ID <x@mail.example.fr>');
    expect(dpo.suspendedDays).toBe(3);
    expect(dpo.informationAwaited).toEqual({
      since: '2025-02-20T10:00:00.000Z',
      requestedBy: 'dev-dpo',
      reason: 'which of the two accounts',
    });
    const op = toRequestView(r, [], [], [], { forDpo: false, ...opts });
    expect(op).not.toHaveProperty('receiptEvidence');
    expect(op.informationAwaited).toEqual({ since: '2025-02-20T10:00:00.000Z', requestedBy: 'dev-dpo' });
  });
});

describe('request view: the deadline engine and minimisation', () => {
  const now = new Date('2025-02-26T10:00:00Z');
  const dueSoonUntil = new Date('2025-03-01T10:00:00Z');

  it('shows a request due soon, its extension (reasons to the DPO only) and a DPO decision', () => {
    const extended = request({
      extendedAt: new Date('2025-02-20T10:00:00Z'),
      extensionMonths: 2,
      extensionReason: 'forty systems',
      extendedBy: 'dev-dpo',
      originalDueAt: new Date('2025-02-28T10:00:00Z'),
    });
    const dpo = toRequestView(extended, [], [], [], { forDpo: true, now, dueSoonUntil });
    expect(dpo).toMatchObject({
      dueSoon: true,
      overdue: false,
      extension: {
        months: 2,
        extendedBy: 'dev-dpo',
        originalDueAt: '2025-02-28T10:00:00.000Z',
        reason: 'forty systems',
      },
      minimisedAt: null,
    });
    expect(toRequestView(extended, [], [], [], { forDpo: false, now, dueSoonUntil }).extension).not.toHaveProperty(
      'reason',
    );

    const rejected = request({
      status: 'closed',
      outcome: 'rejected',
      closedAt: now,
      rejectionGround: 'excessive',
      decisionReason: 'fifth copy this month',
      decidedBy: 'dev-dpo',
    });
    expect(toRequestView(rejected, [], [], [], { forDpo: true, now, dueSoonUntil })).toMatchObject({
      dueSoon: false,
      decision: { outcome: 'rejected', ground: 'excessive', decidedBy: 'dev-dpo', reasons: 'fifth copy this month' },
    });
    expect(toRequestView(rejected, [], [], [], { forDpo: false, now, dueSoonUntil }).decision).toEqual({
      outcome: 'rejected',
      ground: 'excessive',
      decidedBy: 'dev-dpo',
    });
  });

  it('shows when a hold ended and which command erased its data', () => {
    const hold = {
      holdId: 'h1',
      systemId: 'billing',
      category: 'billing',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until: new Date('2035-01-31T10:00:00Z'),
      expiredAt: new Date('2035-02-01T00:00:00Z'),
      eraseCommandId: 'c9',
    };
    expect(toRequestView(request(), [], [hold], [], { forDpo: true, now, dueSoonUntil }).holds[0]).toMatchObject({
      expiredAt: '2035-02-01T00:00:00.000Z',
      eraseCommandId: 'c9',
    });
  });
});

import { summarise, type AnyEvent } from './timeline-summary';

const R = '0b6f3c2e-8f0e-4a53-9c8b-1f0c2f3a4b5c';
const C = '8d7f2f56-2a4b-4a53-9c8b-1f0c2f3a4b5c';
const EMAIL = 'jeanne.martin@example.fr';
const PHONE = '+33612345678';
const keys = { email: [EMAIL], phone: [PHONE], customerId: ['C-104233'] };

const events: AnyEvent[] = [
  {
    name: 'requestSubmitted',
    data: {
      requestId: R,
      type: 'erasure',
      subject: { email: EMAIL, phone: PHONE, customerId: 'C-104233', name: 'Jeanne Martin' },
      channel: 'email',
      receivedAt: '2025-01-31T10:00:00.000Z',
      dueAt: '2025-02-28T10:00:00.000Z',
      filedBy: 'dpo',
    },
  },
  {
    name: 'verificationAttested',
    data: { requestId: R, method: 'dpo-attested', attestedBy: 'dev-dpo', attestedAt: '2025-02-01T10:00:00.000Z' },
  },
  { name: 'subjectDecided', data: { requestId: R, decision: 'subject', subjectRef: 'subj-1', decidedBy: 'dev-dpo' } },
  { name: 'subjectDecided', data: { requestId: R, decision: 'no-data-held', decidedBy: 'dev-dpo' } },
  {
    name: 'actionCloseRequested',
    data: { requestId: R, commandId: C, reason: `called ${EMAIL}`, closedBy: 'dev-dpo' },
  },
  {
    name: 'requestClosed',
    data: {
      requestId: R,
      type: 'erasure',
      outcome: 'completed',
      closedAt: '2025-02-10T10:00:00.000Z',
      dueAt: '2025-02-28T10:00:00.000Z',
      receivedAt: '2025-01-31T10:00:00.000Z',
    },
  },
  {
    name: 'notificationRequested',
    data: {
      notificationId: C,
      requestId: R,
      channel: 'email',
      to: EMAIL,
      template: 'request-completed',
      locale: 'fr-FR',
      variables: { to: EMAIL },
    },
  },
  { name: 'subjectResolved', data: { requestId: R, result: 'matched', subjectRef: 'subj-1', candidates: [] } },
  {
    name: 'subjectResolved',
    data: {
      requestId: R,
      result: 'several',
      candidates: [
        { subjectRef: 'a', hints: ['j***@example.fr'], records: 2 },
        { subjectRef: 'b', hints: [], records: 1 },
      ],
    },
  },
  { name: 'subjectResolved', data: { requestId: R, result: 'none', candidates: [] } },
  {
    name: 'identityVerified',
    data: {
      requestId: R,
      requestType: 'erasure',
      subjectRef: 'subj-1',
      subjectKeys: keys,
      method: 'code',
      verifiedAt: '2025-02-01T10:00:00.000Z',
    },
  },
  {
    name: 'planBuilt',
    data: {
      requestId: R,
      requestType: 'erasure',
      subjectRef: 'subj-1',
      subjectKeys: keys,
      items: [
        { systemId: 'crm', role: 'controller', categories: ['identification'], capabilities: ['erase'], records: 2 },
        {
          systemId: 'billing',
          role: 'controller',
          categories: ['invoices', 'identification'],
          capabilities: ['erase'],
          records: 1,
        },
      ],
    },
  },
  {
    name: 'actionDispatched',
    data: {
      requestId: R,
      commandId: C,
      systemId: 'crm',
      kind: 'erase',
      categories: ['identification'],
      attempt: 1,
      respondBy: '2025-02-02T10:00:00.000Z',
    },
  },
  {
    name: 'actionCompleted',
    data: {
      requestId: R,
      commandId: C,
      systemId: 'crm',
      kind: 'erase',
      outcome: 'done',
      affectedRecords: 2,
      retained: [{ category: 'x', reason: `kept for ${EMAIL}` }],
      error: `mail ${EMAIL}`,
    },
  },
  {
    name: 'actionEscalated',
    data: { requestId: R, commandId: C, systemId: 'crm', kind: 'erase', reason: `no answer for ${PHONE}`, attempts: 5 },
  },
  {
    name: 'actionClosedManually',
    data: { requestId: R, commandId: C, systemId: 'crm', reason: `phoned ${PHONE}`, closedBy: 'dev-dpo' },
  },
  {
    name: 'holdRecorded',
    data: {
      requestId: R,
      holdId: C,
      systemId: 'billing',
      category: 'invoices',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until: '2035-12-31T00:00:00.000Z',
    },
  },
  {
    name: 'executionCompleted',
    data: {
      requestId: R,
      systems: [{ systemId: 'crm', outcome: 'done', affectedRecords: 2, categories: ['identification'] }],
      holds: [],
    },
  },
  {
    name: 'requestExtended',
    data: {
      requestId: R,
      months: 2,
      reason: `${EMAIL} has 40 accounts`,
      previousDueAt: '2025-02-28T10:00:00.000Z',
      dueAt: '2025-04-30T10:00:00.000Z',
      extendedBy: 'dev-dpo',
    },
  },
  {
    name: 'requestRefused',
    data: {
      requestId: R,
      type: 'access',
      reasons: `the account of ${EMAIL} is another person's`,
      refusedBy: 'dev-dpo',
      refusedAt: '2025-02-10T10:00:00.000Z',
    },
  },
  {
    name: 'requestRejected',
    data: {
      requestId: R,
      type: 'access',
      ground: 'manifestly-unfounded',
      justification: `Jeanne asks for ${PHONE}'s data`,
      rejectedBy: 'dev-dpo',
      rejectedAt: '2025-02-10T10:00:00.000Z',
    },
  },
  {
    name: 'requestDeadlineApproaching',
    data: { requestId: R, type: 'erasure', dueAt: '2025-02-28T10:00:00.000Z', within: 'P3D' },
  },
  {
    name: 'requestOverdue',
    data: { requestId: R, type: 'erasure', dueAt: '2025-02-28T10:00:00.000Z', status: 'in-progress' },
  },
  {
    name: 'requestMinimised',
    data: { requestId: R, closedAt: '2025-02-10T10:00:00.000Z', minimisedAt: '2030-02-10T10:00:00.000Z' },
  },
  {
    name: 'actionAcknowledgementRecorded',
    data: { requestId: R, commandId: C, note: `ACME wrote from ${EMAIL}`, recordedBy: 'dev-dpo' },
  },
  {
    name: 'holdExpired',
    data: {
      requestId: R,
      holdId: C,
      systemId: 'billing',
      category: 'billing',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until: '2035-02-10T10:00:00.000Z',
      expiredAt: '2035-02-10T10:00:05.000Z',
      commandId: C,
    },
  },
  {
    name: 'actionForwarded',
    data: {
      requestId: R,
      commandId: C,
      systemId: 'hosting',
      categories: ['identification'],
      controller: 'Jeanne Martin',
      notificationId: C,
    },
  },
  { name: 'actionAcknowledged', data: { requestId: R, commandId: C, systemId: 'hosting', acknowledgedBy: 'dev-dpo' } },
  // Issue 4: a representative's request, a portal filing, and what identity awaits.
  {
    name: 'requestSubmitted',
    data: {
      requestId: R,
      type: 'access',
      subject: { email: EMAIL },
      channel: 'post',
      receivedAt: '2025-01-31T10:00:00.000Z',
      dueAt: '2025-02-28T10:00:00.000Z',
      filedBy: 'dpo',
      representative: { mandateReference: 'MAND-Jeanne-42' },
    },
  },
  {
    name: 'requestSubmitted',
    data: {
      requestId: R,
      type: 'erasure',
      subject: { customerId: 'C-104233' },
      channel: 'portal',
      receivedAt: '2025-01-31T10:00:00.000Z',
      dueAt: '2025-02-28T10:00:00.000Z',
      filedBy: 'subject',
      portalSession: true,
    },
  },
  {
    name: 'subjectResolved',
    data: { requestId: R, result: 'matched', subjectRef: 'subj-1', candidates: [], requiredProofs: ['dpo-attested'] },
  },
  {
    name: 'subjectResolved',
    data: {
      requestId: R,
      result: 'matched',
      subjectRef: 'subj-1',
      candidates: [],
      requiredProofs: ['code+customer-number', 'portal-session', 'dpo-attested'],
    },
  },
  {
    name: 'identityVerified',
    data: {
      requestId: R,
      requestType: 'erasure',
      subjectRef: 'subj-1',
      subjectKeys: keys,
      method: 'portal-session',
      verifiedAt: '2025-02-01T10:00:00.000Z',
    },
  },
] as AnyEvent[];

/** Art. 19: the executor's notice events. */
const recipientEvents = [
  {
    name: 'recipientNotified',
    data: {
      requestId: R,
      noticeId: C,
      recipient: { name: 'Jeanne Martin EI', kind: 'sub-processor', country: 'US', systemId: 'mailer' },
      fromSystemId: 'crm',
      action: 'erasure',
      categories: ['identification'],
      respondBy: '2025-02-08T10:00:00.000Z',
    },
  },
  {
    name: 'recipientNotNotified',
    data: {
      requestId: R,
      noticeId: C,
      recipient: { name: 'Jeanne Martin EI', kind: 'controller', country: 'FR' },
      fromSystemId: 'crm',
      action: 'rectification',
      categories: ['identification'],
      reason: 'no command topic',
    },
  },
  {
    name: 'recipientReminded',
    data: {
      requestId: R,
      noticeId: C,
      recipient: { name: 'Jeanne Martin EI', kind: 'sub-processor', country: 'US', systemId: 'mailer' },
      reminder: 1,
      respondBy: '2025-02-15T10:00:00.000Z',
    },
  },
  {
    name: 'recipientAcknowledged',
    data: {
      requestId: R,
      noticeId: C,
      recipient: { name: 'Jeanne Martin EI', kind: 'sub-processor', country: 'US', systemId: 'mailer' },
      outcome: 'done',
      acknowledgedBy: 'recipient',
      late: true,
    },
  },
  {
    name: 'recipientDeclined',
    data: {
      requestId: R,
      noticeId: C,
      recipient: { name: 'Jeanne Martin EI', kind: 'sub-processor', country: 'US', systemId: 'mailer' },
      reason: `${EMAIL} is not in our list`,
    },
  },
  {
    name: 'recipientUnacknowledged',
    data: {
      requestId: R,
      noticeId: C,
      recipient: { name: 'Jeanne Martin EI', kind: 'sub-processor', country: 'US', systemId: 'mailer' },
      reminders: 2,
      reason: 'no acknowledgement after the notice and 2 reminders, each allowed P7D',
    },
  },
  {
    name: 'recipientAcknowledgementRecorded',
    data: { requestId: R, noticeId: C, note: `Jeanne Martin called from ${PHONE}`, recordedBy: 'dev-dpo' },
  },
] as AnyEvent[];

describe('timeline summaries', () => {
  it.each([...events, ...recipientEvents].map((e) => [e.name, e] as const))(
    '%s: a summary without personal data',
    (_, e) => {
      const s = summarise(e);
      expect(s.length).toBeGreaterThan(5);
      for (const pd of [EMAIL, PHONE, 'C-104233', 'Jeanne', 'example.fr']) expect(s).not.toContain(pd);
    },
  );

  it('tells the recipients by system id, or by kind and country (Art. 19)', () => {
    const of = (name: string) => summarise(recipientEvents.find((e) => e.name === name)!);
    expect(of('recipientNotified')).toBe(
      'recipient mailer told of the erasure on crm (identification), acknowledgement due 2025-02-08 (Art. 19)',
    );
    expect(of('recipientNotNotified')).toBe(
      'recipient (a controller in FR) of crm could not be told of the rectification: no command topic (Art. 19)',
    );
    expect(of('recipientUnacknowledged')).toBe(
      'recipient mailer never acknowledged: no acknowledgement after the notice and 2 reminders, each allowed P7D',
    );
    expect(of('recipientAcknowledged')).toBe(
      'recipient mailer acknowledged (done), after it was recorded as unacknowledged',
    );
  });

  it('says what happened', () => {
    expect(summarise(events[0])).toBe('erasure request filed by dpo (received by email), due 2025-02-28');
    expect(summarise(events[8])).toBe('2 candidate subjects: the DPO decides');
    expect(summarise(events[9])).toBe('no subject matched the identifiers: the DPO decides');
    expect(
      summarise({
        name: 'subjectResolved',
        data: { requestId: R, result: 'none', candidates: [], unindexedEvents: 1 },
      }),
    ).toBe(
      'no subject matched the identifiers, though 1 data event had not been indexed yet when the wait ended: the DPO decides',
    );
    expect(summarise(events[11])).toBe('plan built: 2 systems, 2 categories');
    expect(summarise(events[13])).toBe('crm answered erase: done, 2 records, 1 category retained');
    expect(summarise(events[16])).toBe(
      'billing/invoices retained under Art. 17(3)(b) (Code de commerce L123-22) until 2035-12-31',
    );
    expect(summarise(events[18])).toBe('deadline extended by 2 months by dev-dpo, now due 2025-04-30 (Art. 12(3))');
    expect(summarise(events[20])).toBe('dev-dpo rejected the request as manifestly unfounded (Art. 12(5))');
    expect(summarise(events[25])).toBe(
      'billing/billing: retention under Code de commerce L123-22 ended 2035-02-10, erase sent',
    );
  });

  it("says that a representative filed (never the mandate's reference), that a portal session did, and what identity awaits", () => {
    const at = (n: number) => summarise(events[events.length - n]!);
    expect(at(5)).toBe(
      'access request filed by dpo for a representative under a mandate (received by post), due 2025-02-28',
    );
    expect(at(5)).not.toContain('MAND');
    expect(at(4)).toBe(
      'erasure request filed by subject from a signed-in customer-space session (received by portal), due 2025-02-28',
    );
    expect(at(3)).toBe("subject matched: awaiting the DPO's attestation of identity (dpo-attested)");
    expect(at(2)).toBe(
      'subject matched: identity to be proven by code + customer-number, or portal-session, or dpo-attested',
    );
    expect(at(1)).toBe('identity verified (portal-session)');
    expect(summarise(events[7])).toBe('subject matched');
  });
});

describe('the suspended clock on the timeline (décret 2019-536 art. 77)', () => {
  it('says the DPO awaits information, without what was asked (it may name the subject)', () => {
    const s = summarise({
      name: 'requestDeadlineSuspended',
      data: {
        requestId: R,
        reason: `asked ${EMAIL} for the account number`,
        suspendedAt: '2025-02-01T10:00:00.000Z',
        suspendedBy: 'dev-dpo',
      },
    });
    expect(s).toBe('dev-dpo awaits information asked of the subject: deadline suspended (décret 2019-536 art. 77)');
  });

  it('says which information ended the suspension', () => {
    const data = {
      requestId: R,
      suspendedAt: '2025-02-01T10:00:00.000Z',
      resumedAt: '2025-02-04T10:00:00.000Z',
      suspendedDays: 3,
      previousDueAt: '2025-02-28T22:59:59.999Z',
      dueAt: '2025-03-03T22:59:59.999Z',
    };
    expect(summarise({ name: 'requestDeadlineResumed', data: { ...data, cause: 'information-received' } })).toBe(
      'information received from the subject: deadline resumed after 3 days suspended, now due 2025-03-03',
    );
    expect(summarise({ name: 'requestDeadlineResumed', data })).toBe(
      'identity proven: deadline resumed after 3 days suspended, now due 2025-03-03',
    );
  });
});

import { allEvents, EVENTS, validatePayload, type EventName } from '@datarights/contracts';
import { MARIE, sampleEvents, sampleIds } from '../../test/fixtures/sample-events';
import { applyRule, countOf, minimise, MINIMISATION_RULES, ruleFor } from './minimisation';

const ids = sampleIds();
const samples = sampleEvents(MARIE, ids);
const personal = [
  MARIE.email,
  MARIE.phone,
  MARIE.customerId,
  MARIE.name,
  'Marie',
  'Sklodowska',
  'example.test',
  '612345678',
];

const RECIPIENT = { kind: 'sub-processor', country: 'US', systemId: 'mailer', nameGiven: true };

/** What each type keeps, beyond "no personal data": the evidence the log must still hold. */
const EXPECTED: Record<EventName, Record<string, unknown>> = {
  systemRegistered: {
    systemId: 'billing',
    role: 'processor',
    purposes: ['billing'],
    legalBasis: 'contract',
    categories: ['billing', 'identification'],
    location: 'FR',
    capabilities: ['export', 'erase'],
    ownerGiven: true,
    controllerGiven: true,
    sourceGiven: true,
    transfers: [{ country: 'US', mechanism: 'scc', recipientGiven: true }],
    recipients: [{ kind: 'sub-processor', categories: ['billing'], country: 'US', systemId: 'mailer' }],
  },
  systemRegistrationHeld: {
    registrationId: ids.commandId,
    systemId: 'billing',
    registeredAt: '2026-11-01T10:00:00.000Z',
    changes: [{ field: 'controllerContact', fromGiven: true, toGiven: true }],
  },
  systemApproved: {
    registrationId: ids.commandId,
    systemId: 'billing',
    registeredAt: '2026-11-01T10:00:00.000Z',
    approval: 'dpo',
    approvedBy: 'dpo',
    approvedAt: '2026-11-02T10:00:00.000Z',
    role: 'processor',
    purposes: ['billing'],
    legalBasis: 'contract',
    categories: ['billing', 'identification'],
    location: 'FR',
    capabilities: ['export', 'erase'],
    ownerGiven: true,
    controllerGiven: true,
    controllerContactGiven: true,
    sourceGiven: true,
    changes: [{ field: 'controllerContact', toGiven: true }],
    transfers: [{ country: 'US', mechanism: 'scc', recipientGiven: true }],
    recipients: [{ kind: 'sub-processor', categories: ['billing'], country: 'US', systemId: 'mailer' }],
  },
  systemRegistrationRejected: {
    registrationId: ids.commandId,
    systemId: 'billing',
    rejectedBy: 'dpo',
    rejectedAt: '2026-11-02T10:00:00.000Z',
    reasonGiven: true,
  },
  recordStored: {
    systemId: 'billing',
    category: 'billing',
    occurredAt: '2026-11-01T10:00:00.000Z',
    subjectKeysCount: 3,
  },
  recordUpdated: {
    systemId: 'billing',
    category: 'billing',
    occurredAt: '2026-11-01T10:00:00.000Z',
    subjectKeysCount: 3,
  },
  recordErased: {
    systemId: 'billing',
    category: 'billing',
    occurredAt: '2026-11-01T10:00:00.000Z',
    subjectKeysCount: 3,
  },
  exportCommand: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'billing',
    categories: ['billing', 'identification'],
    respondBy: '2026-12-01T10:00:00.000Z',
    subjectKeysCount: 4,
  },
  eraseCommand: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'billing',
    categories: ['billing', 'identification'],
    respondBy: '2026-12-01T10:00:00.000Z',
    subjectKeysCount: 4,
  },
  rectifyCommand: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'billing',
    categories: ['billing', 'identification'],
    respondBy: '2026-12-01T10:00:00.000Z',
    subjectKeysCount: 4,
    changesCount: 2,
  },
  restrictCommand: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'billing',
    categories: ['billing', 'identification'],
    respondBy: '2026-12-01T10:00:00.000Z',
    subjectKeysCount: 4,
    ground: 'accuracy-contested',
    until: '2027-01-01T00:00:00.000Z',
    action: 'place',
  },
  suppressCommand: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'billing',
    categories: ['billing', 'identification'],
    respondBy: '2026-12-01T10:00:00.000Z',
    subjectKeysCount: 4,
    purposes: ['prospection'],
    reasonGiven: true,
  },
  commandCompleted: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'billing',
    outcome: 'partial',
    affectedRecords: 3,
    errorGiven: true,
    retained: [{ category: 'billing', reasonGiven: true }],
    export: { part: 1, parts: 2, recordsCount: 1 },
  },
  commandFailed: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'billing',
    outcome: 'failed',
    affectedRecords: 0,
    errorGiven: true,
    retained: [{ category: 'billing', reasonGiven: true }],
    export: { part: 1, parts: 2, recordsCount: 1 },
  },
  notificationRequested: {
    notificationId: samples.notificationRequested.notificationId,
    requestId: ids.requestId,
    channel: 'email',
    template: 'request-completed',
    locale: 'fr-FR',
  },
  requestSubmitted: {
    requestId: ids.requestId,
    type: 'erasure',
    channel: 'email',
    receivedAt: '2026-11-02T10:00:00.000Z',
    dueAt: '2026-12-02T10:00:00.000Z',
    filedBy: 'dpo',
    subjectGiven: ['customerId', 'email', 'name', 'phone'],
    representativeGiven: true,
  },
  verificationAttested: {
    requestId: ids.requestId,
    method: 'dpo-attested',
    attestedBy: 'dpo-user-7',
    attestedAt: '2026-11-02T11:00:00.000Z',
  },
  subjectDecided: {
    requestId: ids.requestId,
    decision: 'subject',
    subjectRef: ids.subjectRef,
    decidedBy: 'dpo-user-7',
  },
  actionCloseRequested: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    closedBy: 'dpo-user-7',
    reasonGiven: true,
  },
  requestClosed: {
    requestId: ids.requestId,
    type: 'erasure',
    outcome: 'completed',
    closedAt: '2026-11-20T10:00:00.000Z',
    dueAt: '2026-12-02T10:00:00.000Z',
    receivedAt: '2026-11-02T10:00:00.000Z',
  },
  subjectResolved: {
    requestId: ids.requestId,
    result: 'several',
    candidates: [
      { subjectRef: ids.subjectRef, records: 4 },
      { subjectRef: `${ids.subjectRef}-2`, records: 1 },
    ],
  },
  identityVerified: {
    requestId: ids.requestId,
    requestType: 'erasure',
    subjectRef: ids.subjectRef,
    method: 'dpo-attested',
    attestedBy: 'dpo-user-7',
    verifiedAt: '2026-11-02T11:00:00.000Z',
    subjectKeysCount: 4,
  },
  planBuilt: {
    requestId: ids.requestId,
    requestType: 'erasure',
    subjectRef: ids.subjectRef,
    subjectKeysCount: 4,
    items: [
      {
        systemId: 'billing',
        role: 'processor',
        controllerGiven: true,
        categories: ['billing'],
        capabilities: ['export', 'erase'],
        records: 3,
      },
    ],
  },
  actionDispatched: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    systemId: 'billing',
    kind: 'erase',
    categories: ['billing'],
    attempt: 1,
    respondBy: '2026-12-01T10:00:00.000Z',
  },
  actionCompleted: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    systemId: 'billing',
    kind: 'erase',
    outcome: 'partial',
    affectedRecords: 3,
    errorGiven: true,
    retained: [{ category: 'billing', reasonGiven: true }],
  },
  actionEscalated: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    systemId: 'billing',
    kind: 'erase',
    attempts: 5,
    reasonGiven: true,
  },
  actionClosedManually: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    systemId: 'billing',
    closedBy: 'dpo-user-7',
    reasonGiven: true,
  },
  holdRecorded: { ...samples.holdRecorded },
  executionCompleted: {
    requestId: ids.requestId,
    systems: [{ systemId: 'billing', outcome: 'retained', affectedRecords: 3, categories: ['billing'] }],
    holds: [{ ...samples.holdRecorded }],
  },
  requestExtended: {
    requestId: ids.requestId,
    months: 2,
    previousDueAt: '2026-12-02T10:00:00.000Z',
    dueAt: '2027-02-02T10:00:00.000Z',
    extendedBy: 'dpo-user-7',
    reasonGiven: true,
  },
  requestRefused: {
    requestId: ids.requestId,
    type: 'erasure',
    refusedBy: 'dpo-user-7',
    refusedAt: '2026-11-20T10:00:00.000Z',
    reasonsGiven: true,
  },
  requestRejected: {
    requestId: ids.requestId,
    type: 'erasure',
    ground: 'excessive',
    rejectedBy: 'dpo-user-7',
    rejectedAt: '2026-11-20T10:00:00.000Z',
    justificationGiven: true,
  },
  requestDeadlineApproaching: { ...samples.requestDeadlineApproaching },
  requestOverdue: { ...samples.requestOverdue },
  requestMinimised: { ...samples.requestMinimised },
  actionAcknowledgementRecorded: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    recordedBy: 'dpo-user-7',
    noteGiven: true,
  },
  restrictionLiftRequested: { requestId: ids.requestId, requestedBy: 'dpo-user-7', reasonGiven: true },
  objectionDecided: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    decision: 'overridden',
    decidedBy: 'dpo-user-7',
    groundsGiven: true,
  },
  restrictionLiftNotified: { ...samples.restrictionLiftNotified },
  holdExpired: { ...samples.holdExpired },
  actionForwarded: {
    requestId: ids.requestId,
    commandId: ids.commandId,
    systemId: 'billing',
    categories: ['billing'],
    notificationId: samples.actionForwarded.notificationId,
    controllerGiven: true,
  },
  actionAcknowledged: { ...samples.actionAcknowledged },
  packageReady: {
    requestId: ids.requestId,
    packageId: ids.commandId,
    requestType: 'access',
    part: 1,
    parts: 1,
    sha256: 'a'.repeat(64),
    records: 12,
    categories: ['billing'],
    assembledAt: '2026-11-20T10:00:00.000Z',
    dataCount: 1,
  },
  packageDeleted: { ...samples.packageDeleted },
  auditCheckpoint: { ...samples.auditCheckpoint },
  identityChallengeSent: { ...samples.identityChallengeSent },
  notifyCommand: {
    commandId: ids.commandId,
    requestId: ids.requestId,
    systemId: 'mailer',
    categories: ['billing', 'identification'],
    respondBy: '2026-12-01T10:00:00.000Z',
    subjectKeysCount: 4,
    action: 'rectification',
    fromSystemId: 'billing',
    reminder: 1,
    changesGiven: true,
  },
  recipientNotified: {
    requestId: ids.requestId,
    noticeId: ids.commandId,
    recipient: RECIPIENT,
    fromSystemId: 'billing',
    action: 'erasure',
    categories: ['billing'],
    respondBy: '2026-12-01T10:00:00.000Z',
  },
  recipientNotNotified: {
    requestId: ids.requestId,
    noticeId: ids.commandId,
    recipient: { kind: 'controller', country: 'FR', nameGiven: true },
    fromSystemId: 'billing',
    action: 'erasure',
    categories: ['billing'],
    reason: 'no command topic in the inventory for this recipient',
  },
  recipientReminded: {
    requestId: ids.requestId,
    noticeId: ids.commandId,
    recipient: RECIPIENT,
    reminder: 2,
    respondBy: '2026-12-08T10:00:00.000Z',
  },
  recipientAcknowledged: {
    requestId: ids.requestId,
    noticeId: ids.commandId,
    recipient: RECIPIENT,
    outcome: 'done',
    acknowledgedBy: 'recipient',
    late: true,
  },
  recipientDeclined: { requestId: ids.requestId, noticeId: ids.commandId, recipient: RECIPIENT, reasonGiven: true },
  recipientUnacknowledged: {
    requestId: ids.requestId,
    noticeId: ids.commandId,
    recipient: RECIPIENT,
    reminders: 2,
    reason: 'no acknowledgement after 2 reminders',
  },
  recipientAcknowledgementRecorded: {
    requestId: ids.requestId,
    noticeId: ids.commandId,
    recordedBy: 'dpo-user-7',
    noteGiven: true,
  },
  requestDeadlineResumed: { ...samples.requestDeadlineResumed },
  requestDeadlineSuspended: {
    requestId: ids.requestId,
    suspendedAt: '2026-11-03T10:00:00.000Z',
    suspendedBy: 'dpo-user-7',
    reasonGiven: true,
  },
  requestRepeatFlagged: { ...samples.requestRepeatFlagged },
};

describe('minimisation of audit payloads', () => {
  it('has a rule for every event type of the registry', () => {
    const missing = allEvents()
      .filter((def) => !ruleFor(def.type))
      .map((def) => def.type);
    expect(missing).toEqual([]);
    expect(Object.keys(MINIMISATION_RULES).sort()).toEqual(Object.keys(EVENTS).sort());
  });

  it('refuses an event type it has no rule for, rather than storing it whole', () => {
    expect(() => minimise('dsr.something.new.v1', { requestId: ids.requestId })).toThrow('no minimisation rule');
  });

  describe.each(
    allEvents().map(
      (def) => [(Object.keys(EVENTS) as EventName[]).find((n) => EVENTS[n].type === def.type)!, def.type] as const,
    ),
  )('%s (%s)', (name, type) => {
    const sample = samples[name] as Record<string, unknown>;

    it('starts from a valid payload', () => {
      const checked = validatePayload(EVENTS[name].payload as never, sample);
      expect(checked.ok ? 'valid' : checked.reason).toBe('valid');
    });

    it('keeps the evidence and nothing personal', () => {
      const stored = minimise(type, JSON.parse(JSON.stringify(sample)) as Record<string, unknown>);
      expect(stored).toEqual(EXPECTED[name]);
      const text = JSON.stringify(stored);
      for (const p of personal) expect(text).not.toContain(p);
    });
  });

  it('drops a field the rules do not name, e.g. one added to a contract later', () => {
    const stored = minimise(EVENTS.requestClosed.type, {
      ...samples.requestClosed,
      comment: `closed for ${MARIE.name}`,
    });
    expect(stored).not.toHaveProperty('comment');
  });

  it('never copies an object or a list of objects through `keep`', () => {
    expect(
      applyRule({ keep: ['a', 'b', 'c'] }, { a: { email: MARIE.email }, b: [{ x: 1 }], c: ['x', 2, true] }),
    ).toEqual({ c: ['x', 2, true] });
  });

  it('replaces NUL characters, which jsonb cannot store', () => {
    expect(applyRule({ keep: ['a', 'b'] }, { a: 'x\u0000y', b: ['\u0000'] })).toEqual({ a: 'x\uFFFDy', b: ['\uFFFD'] });
  });

  it('counts collections without reading them', () => {
    expect(countOf({ email: ['a', 'b'], phone: ['c'] })).toBe(3);
    expect(countOf({ email: 'a', customerId: 'b' })).toBe(2);
    expect(countOf([1, 2, 3])).toBe(3);
    expect(countOf({ name: 'x', email: 'y' })).toBe(2);
  });
});

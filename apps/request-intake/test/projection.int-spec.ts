/**
 * The request followed to its end through the other services' events, sent by hand as
 * identity, data-locator and erasure-executor would (a plain kafkajs client), against real
 * Kafka and PostgreSQL: statuses, per-system outcomes, holds, timeline, the closing events
 * and the notice; escalation and manual close; the DPO's subject decisions.
 */
import { dlqTopic, EVENTS, TOPICS } from '@datarights/contracts';
import { aSubject } from '@datarights/testing';
import {
  api,
  DPO,
  erasureBody,
  fileRequest,
  getRequest,
  messagesOf,
  OPERATOR,
  send,
  startHarness,
  stopHarness,
  uuid,
  waitForMessage,
  waitForRequest,
  waitForStatus,
  type Harness,
} from './harness';

jest.setTimeout(120_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await stopHarness(h);
});

const T = (name: keyof typeof EVENTS) => EVENTS[name].type;
const keysOf = (s: { email?: string; customerId?: string }) => ({
  ...(s.email ? { email: [s.email] } : {}),
  ...(s.customerId ? { customerId: [s.customerId] } : {}),
});
const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

describe('an erasure request followed to its end', () => {
  it('received → verified → in-progress → completed, with outcomes, holds, timeline, requestClosed and the notice', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, erasureBody(subject));
    const subjectRef = `subj-${uuid()}`;

    await send(h, 'subjectResolved', { requestId: id, result: 'matched', subjectRef, candidates: [] });
    await waitForStatus(h, id, 'awaiting-verification');

    const note = 'Signed letter compared with the contract on file';
    const attest = await api(h)
      .post(`/v1/requests/${id}/verification`)
      .set('Authorization', `Bearer ${DPO}`)
      .send({ method: 'dpo-attested', note });
    expect(attest.status).toBe(202);
    expect(attest.body).toEqual({ id, status: 'verified' });
    const attested = await waitForMessage(h, T('verificationAttested'), id);
    expect(attested.envelope!.data).toEqual({
      requestId: id,
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
      attestedAt: expect.any(String),
    });
    expect(attested.value).not.toContain(note);
    expect(
      (
        await api(h)
          .post(`/v1/requests/${id}/verification`)
          .set('Authorization', `Bearer ${DPO}`)
          .send({ method: 'dpo-attested', note })
      ).status,
    ).toBe(409);

    const other = `other-${uuid()}@example.test`;
    await send(h, 'identityVerified', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: { email: [other, subject.email], customerId: [subject.customerId] },
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
      verifiedAt: new Date().toISOString(),
    });
    const verified = await waitForStatus(h, id, 'verified');
    expect(verified.verification).toMatchObject({ method: 'dpo-attested', attestedBy: 'dev-dpo', note });
    expect(JSON.stringify(verified)).not.toContain(other);

    const keys = keysOf(subject);
    await send(h, 'planBuilt', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: keys,
      items: [
        {
          systemId: 'crm',
          role: 'controller',
          categories: ['identification', 'relationship'],
          capabilities: ['erase'],
          records: 3,
        },
        { systemId: 'billing', role: 'controller', categories: ['invoices'], capabilities: ['erase'], records: 2 },
      ],
    });
    const planned = await waitForStatus(h, id, 'in-progress');
    expect(planned.systems).toEqual([
      expect.objectContaining({
        systemId: 'billing',
        commandId: null,
        categories: ['invoices'],
        status: 'planned',
        outcome: 'pending',
      }),
      expect.objectContaining({
        systemId: 'crm',
        commandId: null,
        categories: ['identification', 'relationship'],
        status: 'planned',
        outcome: 'pending',
      }),
    ]);

    const crmCommand = uuid();
    const holdId = uuid();
    const until = '2036-12-31T00:00:00.000Z';
    await send(h, 'actionDispatched', {
      requestId: id,
      commandId: crmCommand,
      systemId: 'crm',
      kind: 'erase',
      categories: ['identification', 'relationship'],
      attempt: 1,
      respondBy: inAMonth(),
    });
    await send(h, 'actionCompleted', {
      requestId: id,
      commandId: crmCommand,
      systemId: 'crm',
      kind: 'erase',
      outcome: 'done',
      affectedRecords: 3,
      retained: [],
    });
    await send(h, 'holdRecorded', {
      requestId: id,
      holdId,
      systemId: 'billing',
      category: 'invoices',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until,
    });
    const hold = {
      holdId,
      systemId: 'billing',
      category: 'invoices',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until,
    };
    // Kept 5 years after the contract ends, while the contract still runs (LCEN art. 6,
    // décret 2021-1362): `until` is only the earliest end (issue 14).
    const identityHold = {
      holdId: uuid(),
      systemId: 'crm',
      category: 'identification',
      ground: 'Art. 17(3)(b)',
      legalText: 'LCEN art. 6; décret 2021-1362',
      until: '2031-12-07T22:59:59.999Z',
      startPending: 'contract-end',
    };
    await send(h, 'executionCompleted', {
      requestId: id,
      systems: [
        { systemId: 'crm', outcome: 'done', affectedRecords: 3, categories: ['identification', 'relationship'] },
        { systemId: 'billing', outcome: 'retained', affectedRecords: 0, categories: ['invoices'] },
      ],
      holds: [
        { requestId: id, ...hold },
        { requestId: id, ...identityHold },
      ],
    });

    const done = await waitForStatus(h, id, 'completed');
    expect(done).toMatchObject({ outcome: 'completed', closedAt: expect.any(String), overdue: false });
    expect(done.attention).toBeUndefined();
    expect(done.systems).toEqual([
      {
        systemId: 'billing',
        commandId: null,
        kind: null,
        categories: ['invoices'],
        status: 'completed',
        outcome: 'retained',
        affectedRecords: 0,
        attempts: 0,
        reason: null,
      },
      {
        systemId: 'crm',
        commandId: crmCommand,
        kind: 'erase',
        categories: ['identification', 'relationship'],
        status: 'completed',
        outcome: 'done',
        affectedRecords: 3,
        attempts: 1,
        reason: null,
      },
    ]);
    expect(done.holds).toEqual([
      { ...hold, startPending: null, expiredAt: null, eraseCommandId: null },
      { ...identityHold, expiredAt: null, eraseCommandId: null },
    ]);
    expect(done.timeline.map((t: { event: string }) => t.event)).toEqual([
      T('requestSubmitted'),
      T('subjectResolved'),
      T('verificationAttested'),
      T('identityVerified'),
      T('planBuilt'),
      T('actionDispatched'),
      T('actionCompleted'),
      T('holdRecorded'),
      T('executionCompleted'),
      T('requestClosed'),
      T('notificationRequested'),
    ]);
    const timelineText = JSON.stringify(done.timeline);
    for (const pd of [subject.email, subject.customerId, subject.phone, other, note])
      expect(timelineText).not.toContain(pd);

    const closed = await waitForMessage(h, T('requestClosed'), id);
    expect(closed.topic).toBe(TOPICS.requests.name);
    expect(closed.envelope!.data).toEqual({
      requestId: id,
      type: 'erasure',
      outcome: 'completed',
      closedAt: done.closedAt,
      dueAt: done.dueAt,
      receivedAt: done.receivedAt,
    });
    const notice = await waitForMessage(h, T('notificationRequested'), id);
    expect(notice.topic).toBe(TOPICS.notifications.name);
    expect(notice.envelope!.data).toEqual({
      notificationId: expect.any(String),
      requestId: id,
      channel: 'email',
      // The request's address, because identity verified it.
      to: subject.email,
      template: 'request-completed',
      locale: 'fr-FR',
      variables: {
        requestId: id,
        outcome: 'completed',
        erased: [{ systemId: 'crm', categories: ['relationship'] }],
        // In words, in the notice's language: a date in Paris, or the period from a start not happened yet.
        retained: [
          {
            systemId: 'billing',
            category: 'invoices',
            ground: 'Art. 17(3)(b)',
            legalText: 'Code de commerce L123-22',
            until: "jusqu'au 31 décembre 2036",
          },
          {
            systemId: 'crm',
            category: 'identification',
            ground: 'Art. 17(3)(b)',
            legalText: 'LCEN art. 6; décret 2021-1362',
            until: "5 ans à compter de la fin du contrat, qui n'a pas encore eu lieu",
            reason: expect.any(String),
          },
        ],
        // Art. 12(4): data kept is a partial refusal: the CNIL and a judicial remedy are stated.
        complaint: { authority: 'CNIL', url: 'https://www.cnil.fr/fr/adresser-une-plainte' },
        judicialRemedy: true,
      },
    });

    // A late dispatch only adds to the timeline.
    await send(h, 'actionDispatched', {
      requestId: id,
      commandId: crmCommand,
      systemId: 'crm',
      kind: 'erase',
      categories: ['identification'],
      attempt: 2,
      respondBy: inAMonth(),
    });
    const after = await waitForRequest(
      h,
      id,
      'the late dispatch on the timeline',
      (v) => v.timeline.length === done.timeline.length + 1,
    );
    expect(after).toMatchObject({ status: 'completed', outcome: 'completed', closedAt: done.closedAt });
    expect(after.systems.find((s: { systemId: string }) => s.systemId === 'crm')).toMatchObject({
      status: 'completed',
      outcome: 'done',
      attempts: 2,
    });
    expect(messagesOf(h, T('requestClosed'), id)).toHaveLength(1);
  });
});

describe('an escalated action', () => {
  it('needs the DPO until closed by hand; then completes, with a notice by post when no verified address exists', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, erasureBody({ customerId: subject.customerId }));
    const subjectRef = `subj-${uuid()}`;
    // Verified without an address on file: the notice can only go by post.
    await send(h, 'identityVerified', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: { customerId: [subject.customerId] },
      method: 'code',
      verifiedAt: new Date().toISOString(),
    });
    await waitForStatus(h, id, 'verified');
    const cmd = uuid();
    const other = uuid();
    await send(h, 'planBuilt', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: { customerId: [subject.customerId] },
      items: [
        { systemId: 'legacy', role: 'controller', categories: ['identification'], capabilities: ['erase'], records: 1 },
        { systemId: 'crm', role: 'controller', categories: ['identification'], capabilities: ['erase'], records: 1 },
      ],
    });
    await send(h, 'actionDispatched', {
      requestId: id,
      commandId: cmd,
      systemId: 'legacy',
      kind: 'erase',
      categories: ['identification'],
      attempt: 1,
      respondBy: inAMonth(),
    });
    await send(h, 'actionDispatched', {
      requestId: id,
      commandId: other,
      systemId: 'crm',
      kind: 'erase',
      categories: ['identification'],
      attempt: 1,
      respondBy: inAMonth(),
    });
    await send(h, 'actionEscalated', {
      requestId: id,
      commandId: cmd,
      systemId: 'legacy',
      kind: 'erase',
      reason: 'no reply after 5 attempts',
      attempts: 5,
    });

    const stuck = await waitForStatus(h, id, 'needs-attention');
    expect(stuck.attention).toEqual(['legacy: no reply after 5 attempts']);
    expect(stuck.systems.find((s: { systemId: string }) => s.systemId === 'legacy')).toMatchObject({
      commandId: cmd,
      status: 'escalated',
      attempts: 5,
      reason: 'no reply after 5 attempts',
    });

    const close = (command: string, token = DPO) =>
      api(h)
        .post(`/v1/requests/${id}/actions/${command}/close`)
        .set('Authorization', `Bearer ${token}`)
        .send({ reason: 'Erased by hand in the legacy tool' });
    expect((await close(cmd, OPERATOR)).status).toBe(403);
    const notEscalated = await close(other);
    expect(notEscalated.status).toBe(409);
    expect(notEscalated.body.error.code).toBe('INVALID_TRANSITION');
    const accepted = await close(cmd);
    expect(accepted.status).toBe(202);
    const requested = await waitForMessage(h, T('actionCloseRequested'), id);
    expect(requested.envelope!.data).toEqual({
      requestId: id,
      commandId: cmd,
      reason: 'Erased by hand in the legacy tool',
      closedBy: 'dev-dpo',
    });
    expect((await close(cmd)).status).toBe(409);

    await send(h, 'actionClosedManually', {
      requestId: id,
      commandId: cmd,
      systemId: 'legacy',
      reason: 'Erased by hand in the legacy tool',
      closedBy: 'dev-dpo',
    });
    const resumed = await waitForStatus(h, id, 'in-progress');
    expect(resumed.attention).toBeUndefined();
    expect(resumed.systems.find((s: { systemId: string }) => s.systemId === 'legacy')).toMatchObject({
      status: 'closed-manually',
      outcome: 'closed-manually',
    });

    await send(h, 'actionCompleted', {
      requestId: id,
      commandId: other,
      systemId: 'crm',
      kind: 'erase',
      outcome: 'done',
      affectedRecords: 1,
      retained: [],
    });
    await send(h, 'executionCompleted', {
      requestId: id,
      systems: [
        { systemId: 'legacy', outcome: 'closed-manually', affectedRecords: 0, categories: ['identification'] },
        { systemId: 'crm', outcome: 'done', affectedRecords: 1, categories: ['identification'] },
      ],
      holds: [],
    });
    await waitForStatus(h, id, 'completed');
    const notice = await waitForMessage(h, T('notificationRequested'), id);
    expect(notice.envelope!.data).toMatchObject({
      channel: 'post',
      to: 'subject-on-file',
      variables: { erased: [{ systemId: 'crm', categories: ['identification'] }], retained: [] },
    });
  });
});

describe('the DPO decides who the subject is', () => {
  it('several candidates: a subjectRef outside them is refused, one of them moves the request on', async () => {
    const { id } = await fileRequest(h);
    const candidates = [
      { subjectRef: `a-${uuid()}`, hints: ['j***@example.test'], records: 4 },
      { subjectRef: `b-${uuid()}`, hints: ['+336****5678'], records: 1 },
    ];
    await send(h, 'subjectResolved', { requestId: id, result: 'several', candidates });
    const waiting = await waitForStatus(h, id, 'awaiting-subject-decision');
    expect(waiting.candidates).toEqual(candidates);

    const decide = (body: object) =>
      api(h).post(`/v1/requests/${id}/subject-decision`).set('Authorization', `Bearer ${DPO}`).send(body);
    expect((await decide({ decision: 'subject', subjectRef: 'someone-else' })).status).toBe(400);
    const ok = await decide({ decision: 'subject', subjectRef: candidates[1].subjectRef });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id, status: 'awaiting-verification', outcome: null });
    const decided = await waitForMessage(h, T('subjectDecided'), id);
    expect(decided.envelope!.data).toEqual({
      requestId: id,
      decision: 'subject',
      subjectRef: candidates[1].subjectRef,
      decidedBy: 'dev-dpo',
    });
    expect((await decide({ decision: 'no-data-held' })).status).toBe(409);
    expect((await getRequest(h, id)).status).toBe('awaiting-verification');
  });

  it('a weakly linked candidate: the DPO includes it with the subject, or leaves it out; nothing else can be included', async () => {
    const { id } = await fileRequest(h);
    const candidates = [
      {
        subjectRef: `a-${uuid()}`,
        hints: ['a***@e***.test', 'strong link: the identifiers given, in an authoritative system'],
        records: 1,
      },
      { subjectRef: `b-${uuid()}`, hints: ['+33******78', 'weak link: marketing record nl***99'], records: 3 },
    ];
    await send(h, 'subjectResolved', { requestId: id, result: 'several', candidates });
    const waiting = await waitForStatus(h, id, 'awaiting-subject-decision');
    // The DPO sees why each candidate is offered.
    expect(waiting.candidates).toEqual(candidates);
    const decide = (body: object) =>
      api(h).post(`/v1/requests/${id}/subject-decision`).set('Authorization', `Bearer ${DPO}`).send(body);
    const a = candidates[0].subjectRef;
    const b = candidates[1].subjectRef;
    expect((await decide({ decision: 'subject', subjectRef: a, include: ['someone-else'] })).status).toBe(400);
    expect((await decide({ decision: 'subject', subjectRef: a, include: [a] })).status).toBe(400);
    expect((await decide({ decision: 'subject', subjectRef: a, include: 'b' })).status).toBe(400);
    expect((await getRequest(h, id)).status).toBe('awaiting-subject-decision');
    const ok = await decide({ decision: 'subject', subjectRef: a, include: [b] });
    expect(ok.status).toBe(200);
    expect((await waitForMessage(h, T('subjectDecided'), id)).envelope!.data).toEqual({
      requestId: id,
      decision: 'subject',
      subjectRef: a,
      alsoSubjectRefs: [b],
      decidedBy: 'dev-dpo',
    });
  });

  it('no subject: "no data held" closes the request and tells the requester at the address they wrote from', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, erasureBody({ email: subject.email }));
    await send(h, 'subjectResolved', { requestId: id, result: 'none', candidates: [] });
    await waitForStatus(h, id, 'awaiting-subject-decision');
    const res = await api(h)
      .post(`/v1/requests/${id}/subject-decision`)
      .set('Authorization', `Bearer ${DPO}`)
      .send({ decision: 'no-data-held' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, status: 'closed', outcome: 'no-data-held' });

    expect((await waitForMessage(h, T('subjectDecided'), id)).envelope!.data).toEqual({
      requestId: id,
      decision: 'no-data-held',
      decidedBy: 'dev-dpo',
    });
    expect((await waitForMessage(h, T('requestClosed'), id)).envelope!.data).toMatchObject({
      requestId: id,
      outcome: 'no-data-held',
    });
    expect((await waitForMessage(h, T('notificationRequested'), id)).envelope!.data).toMatchObject({
      channel: 'email',
      to: subject.email,
      template: 'request-completed',
      variables: { outcome: 'no-data-held' },
    });
    const view = await getRequest(h, id);
    expect(view).toMatchObject({ status: 'closed', outcome: 'no-data-held', closedAt: expect.any(String) });

    // A late resolution does not reopen it.
    await send(h, 'subjectResolved', { requestId: id, result: 'matched', subjectRef: 'late', candidates: [] });
    const after = await waitForRequest(
      h,
      id,
      'the late resolution on the timeline',
      (v) => v.timeline.length === view.timeline.length + 1,
    );
    expect(after).toMatchObject({ status: 'closed', outcome: 'no-data-held' });
  });
});

describe('events handled out of order', () => {
  it('a plan handled before the verification it follows moves the request forward; the verification still records its data', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, erasureBody(subject));
    const subjectRef = `subj-${uuid()}`;
    await send(h, 'planBuilt', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: keysOf(subject),
      items: [],
    });
    await waitForStatus(h, id, 'in-progress');
    await send(h, 'identityVerified', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: keysOf(subject),
      method: 'code',
      verifiedAt: new Date().toISOString(),
    });
    const v = await waitForRequest(h, id, 'verification recorded', (x) => x.verification.method === 'code');
    expect(v.status).toBe('in-progress');
    await send(h, 'executionCompleted', { requestId: id, systems: [], holds: [] });
    await waitForStatus(h, id, 'completed');
    expect((await waitForMessage(h, T('notificationRequested'), id)).envelope!.data).toMatchObject({
      channel: 'email',
      to: subject.email,
      variables: { erased: [], retained: [] },
    });
  });
});

describe('delivery', () => {
  it('a redelivered event (same id) is handled once; an event for an unknown request is dead-lettered without blocking', async () => {
    const dlq = await h.kafka.collect([dlqTopic(TOPICS.identity.name)]);
    const unknown = uuid();
    await send(h, 'subjectResolved', { requestId: unknown, result: 'matched', subjectRef: 'x', candidates: [] });
    const dead = await h.kafka.waitForMessage(
      dlq,
      (m) => m.key === unknown,
      "the unknown request's event on the dead-letter topic",
    );
    expect(dead.value).toContain(unknown);

    const { id } = await fileRequest(h);
    const eventId = uuid();
    const data = {
      requestId: id,
      result: 'several',
      candidates: [
        { subjectRef: 'a', hints: [], records: 1 },
        { subjectRef: 'b', hints: [], records: 2 },
      ],
    };
    await h.kafka.sendEvent(TOPICS.identity.name, id, T('subjectResolved'), data, { id: eventId });
    await h.kafka.sendEvent(TOPICS.identity.name, id, T('subjectResolved'), data, { id: eventId });
    await send(h, 'subjectResolved', { requestId: id, result: 'none', candidates: [] });
    const view = await waitForRequest(
      h,
      id,
      'three deliveries handled',
      (v) => v.timeline.filter((t: { event: string }) => t.event === T('subjectResolved')).length === 2,
    );
    expect(view.status).toBe('awaiting-subject-decision');
    expect(view.candidates).toEqual([]);
  });
});

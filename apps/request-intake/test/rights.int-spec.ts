/**
 * Issue 7 in request-intake, against real Kafka and PostgreSQL: rectification, objection
 * and restriction requests carry what they ask to the executor (`requestSubmitted`), and
 * the DPO's route to lift a restriction (Art. 18(3)) only for a completed restriction.
 */
import { EVENTS } from '@datarights/contracts';
import { aSubject } from '@datarights/testing';
import {
  api,
  DPO,
  erasureBody,
  fileRequest,
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

describe('rectification, objection, restriction', () => {
  it.each([
    ['rectification', { changes: { email: 'jeanne.new@example.test' } }],
    ['objection', { purposes: ['prospection'] }],
    ['restriction', { ground: 'accuracy-contested' }],
  ])('a %s request carries what it asks to the executor', async (type, extra) => {
    const { id } = await fileRequest(h, { ...erasureBody(aSubject()), type, ...extra });
    const submitted = await waitForMessage(h, T('requestSubmitted'), id);
    expect(submitted.envelope!.data).toMatchObject({ requestId: id, type, ...extra });
  });

  it('lifting a restriction: 409 before it is completed or for another type, 403 for an operator; then the request goes to the executor', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, { ...erasureBody(subject), type: 'restriction', ground: 'legal-claims' });
    const lift = (requestId: string, token = DPO) =>
      api(h)
        .post(`/v1/requests/${requestId}/restriction/lift`)
        .set('Authorization', `Bearer ${token}`)
        .send({ reason: 'the legal claim was settled' });

    expect((await lift(id)).status).toBe(409);
    expect((await lift(id, OPERATOR)).status).toBe(403);
    const erasure = await fileRequest(h, erasureBody(aSubject()));
    expect((await lift(erasure.id)).status).toBe(409);

    const subjectRef = `subj-${uuid()}`;
    const keys = { email: [subject.email], customerId: [subject.customerId] };
    await send(h, 'subjectResolved', { requestId: id, result: 'matched', subjectRef, candidates: [] });
    await waitForStatus(h, id, 'awaiting-verification');
    await send(h, 'identityVerified', {
      requestId: id,
      requestType: 'restriction',
      subjectRef,
      subjectKeys: keys,
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
      verifiedAt: new Date().toISOString(),
    });
    await waitForStatus(h, id, 'verified');
    await send(h, 'planBuilt', {
      requestId: id,
      requestType: 'restriction',
      subjectRef,
      subjectKeys: keys,
      items: [
        { systemId: 'crm', role: 'controller', categories: ['identification'], capabilities: ['restrict'], records: 1 },
      ],
    });
    await waitForStatus(h, id, 'in-progress');
    await send(h, 'executionCompleted', {
      requestId: id,
      systems: [{ systemId: 'crm', outcome: 'done', affectedRecords: 1, categories: ['identification'] }],
      holds: [],
    });
    await waitForStatus(h, id, 'completed');

    const res = await lift(id);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id, status: 'completed' });
    const requested = await waitForMessage(h, T('restrictionLiftRequested'), id);
    expect(requested.envelope!.data).toEqual({
      requestId: id,
      reason: 'the legal claim was settled',
      requestedBy: 'dev-dpo',
    });
    expect(
      (await api(h).post(`/v1/requests/${id}/restriction/lift`).set('Authorization', `Bearer ${DPO}`).send({})).status,
    ).toBe(400);
  });

  it('deciding an objection on legitimate interest: only for an escalated suppress action of an objection', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, {
      ...erasureBody(subject),
      type: 'objection',
      purposes: ['service-improvement'],
    });
    const subjectRef = `subj-${uuid()}`;
    const keys = { email: [subject.email] };
    await send(h, 'subjectResolved', { requestId: id, result: 'matched', subjectRef, candidates: [] });
    await waitForStatus(h, id, 'awaiting-verification');
    await send(h, 'identityVerified', {
      requestId: id,
      requestType: 'objection',
      subjectRef,
      subjectKeys: keys,
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
      verifiedAt: new Date().toISOString(),
    });
    await waitForStatus(h, id, 'verified');
    await send(h, 'planBuilt', {
      requestId: id,
      requestType: 'objection',
      subjectRef,
      subjectKeys: keys,
      items: [
        { systemId: 'marketing', role: 'controller', categories: ['usage'], capabilities: ['suppress'], records: 1 },
      ],
    });
    await waitForStatus(h, id, 'in-progress');
    const commandId = uuid();
    const decide = (cmd: string, body: object = { decision: 'overridden', grounds: 'fraud investigation under way' }) =>
      api(h)
        .post(`/v1/requests/${id}/actions/${cmd}/objection-decision`)
        .set('Authorization', `Bearer ${DPO}`)
        .send(body);
    expect((await decide(commandId)).status).toBe(404);
    await send(h, 'actionEscalated', {
      requestId: id,
      commandId,
      systemId: 'marketing',
      kind: 'suppress',
      reason: 'objection on legitimate interest (Art. 21(1))',
      attempts: 1,
    });
    await waitForRequest(h, id, 'the action escalated', (v) =>
      v.systems.some((a) => a.commandId === commandId && a.status === 'escalated'),
    );
    const res = await decide(commandId);
    expect(res.status).toBe(202);
    const decided = await waitForMessage(h, T('objectionDecided'), id);
    expect(decided.envelope!.data).toEqual({
      requestId: id,
      commandId,
      decision: 'overridden',
      grounds: 'fraud investigation under way',
      decidedBy: 'dev-dpo',
    });
    expect((await decide(commandId, { decision: 'maybe', grounds: 'x' })).status).toBe(400);
  });
});

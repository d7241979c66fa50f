/**
 * The DPO reads their own decisions (issue 19 item 6), against real Kafka and PostgreSQL:
 * once a decision is accepted, `GET /v1/requests/:id` shows it at once — before the other
 * services answer (here they never do until the test sends their events by hand, the
 * slowest consumer there is); their events, when they come, change nothing; a repeated
 * decision gets the first answer with the same Idempotency-Key, and a 409 saying what was
 * decided without one.
 */
import { EVENTS } from '@datarights/contracts';
import { aSubject } from '@datarights/testing';
import {
  api,
  countRows,
  DPO,
  erasureBody,
  fileRequest,
  getRequest,
  send,
  startHarness,
  stopHarness,
  uuid,
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
const post = (path: string, body: object, key?: string) => {
  const req = api(h).post(path).set('Authorization', `Bearer ${DPO}`);
  return (key ? req.set('Idempotency-Key', key) : req).send(body);
};
/** Events of one type about a request, in the outbox (what will reach Kafka, once each). */
const inOutbox = (type: string, requestId: string) =>
  countRows(h, 'outbox', `envelope->>'type' = $1 AND envelope->'data'->>'requestId' = $2`, [type, requestId]);
const hasEvent = (type: string) => (v: { timeline: Array<{ event: string }> }) =>
  v.timeline.some((t) => t.event === type);

/** A request identity matched and that awaits the DPO's attestation. */
async function awaitingVerification(): Promise<{ id: string; subjectRef: string; email: string }> {
  const subject = aSubject();
  const { id } = await fileRequest(h, erasureBody(subject));
  const subjectRef = `subj-${uuid()}`;
  await send(h, 'subjectResolved', { requestId: id, result: 'matched', subjectRef, candidates: [] });
  await waitForStatus(h, id, 'awaiting-verification');
  return { id, subjectRef, email: subject.email };
}

describe('attestation', () => {
  it('shows verified at once; identity answering later moves nothing; a repeat is replayed or refused clearly', async () => {
    const { id, subjectRef, email } = await awaitingVerification();
    const key = `attest-${uuid()}`;
    const body = { method: 'dpo-attested', note: 'passport seen at the front desk' };

    const first = await post(`/v1/requests/${id}/verification`, body, key);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id, status: 'verified' });
    const view = await getRequest(h, id);
    expect(view.status).toBe('verified');
    expect(view.verification).toMatchObject({
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
      verifiedAt: view.verification.attestedAt,
    });

    const replay = await post(`/v1/requests/${id}/verification`, body, key);
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);

    const otherBody = await post(`/v1/requests/${id}/verification`, { ...body, note: 'another note' }, key);
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.message).toMatch(/Idempotency-Key was already used for another call/);

    const noKey = await post(`/v1/requests/${id}/verification`, body);
    expect(noKey.status).toBe(409);
    expect(noKey.body.error.message).toMatch(/identity was already attested for this request by dev-dpo at /);
    expect(await inOutbox(T('verificationAttested'), id)).toBe(1);

    // Identity answers, after a challenge it had sent before it heard of the attestation.
    const now = new Date().toISOString();
    await send(h, 'identityChallengeSent', {
      requestId: id,
      channel: 'email',
      issue: 1,
      sentAt: now,
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
    });
    await send(h, 'identityVerified', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: { email: [email] },
      method: 'dpo-attested',
      attestedBy: 'dev-dpo',
      verifiedAt: view.verification.verifiedAt,
    });
    const after = await waitForRequest(h, id, 'identity verified projected', hasEvent(T('identityVerified')));
    expect(after.status).toBe('verified');
    expect(after.verification).toEqual(view.verification);
  });
});

describe('every other DPO decision', () => {
  it('extension, information awaited and received, refusal: on the view at once, replayed with their key', async () => {
    const { id } = await fileRequest(h);
    const key = `extend-${uuid()}`;
    const extension = { months: 2, reason: 'Forty systems hold data about the subject; the export takes longer.' };
    const extended = await post(`/v1/requests/${id}/extension`, extension, key);
    expect(extended.status).toBe(200);
    expect((await getRequest(h, id)).extension).toMatchObject({ months: 2, extendedBy: 'dev-dpo' });
    expect((await getRequest(h, id)).dueAt).toBe(extended.body.dueAt);
    const replayed = await post(`/v1/requests/${id}/extension`, extension, key);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(extended.body);
    expect((await post(`/v1/requests/${id}/extension`, extension)).status).toBe(409);
    expect(await inOutbox(T('requestExtended'), id)).toBe(1);

    expect((await post(`/v1/requests/${id}/information-request`, { reason: 'Which account?' })).status).toBe(200);
    expect((await getRequest(h, id)).informationAwaited).toMatchObject({ requestedBy: 'dev-dpo' });
    expect((await post(`/v1/requests/${id}/information-request/received`, {})).status).toBe(200);
    expect((await getRequest(h, id)).informationAwaited).toBeUndefined();

    const refusal = { reasons: 'The data asked for is held by the customer, who is the controller.' };
    const refused = await post(`/v1/requests/${id}/refusal`, refusal, `refuse-${uuid()}`);
    expect(refused.body).toEqual({ id, status: 'closed', outcome: 'refused' });
    expect(await getRequest(h, id)).toMatchObject({ status: 'closed', outcome: 'refused' });
  });

  it('closing an escalated action and recording an acknowledgement: the actions show it at once; the executor answering later changes nothing', async () => {
    const { id, subjectRef, email } = await awaitingVerification();
    expect((await post(`/v1/requests/${id}/verification`, { method: 'dpo-attested', note: 'ID seen' })).status).toBe(
      202,
    );
    const stuck = uuid();
    const forwarded = uuid();
    await send(h, 'planBuilt', {
      requestId: id,
      requestType: 'erasure',
      subjectRef,
      subjectKeys: { email: [email] },
      items: [
        { systemId: 'legacy', role: 'controller', categories: ['identification'], capabilities: ['erase'], records: 1 },
        {
          systemId: 'hosting',
          role: 'processor',
          controller: 'ACME SAS',
          categories: ['usage'],
          capabilities: ['erase'],
          records: 1,
        },
      ],
    });
    await send(h, 'actionForwarded', {
      requestId: id,
      commandId: forwarded,
      systemId: 'hosting',
      controller: 'ACME SAS',
      categories: ['usage'],
      notificationId: uuid(),
    });
    await send(h, 'actionEscalated', {
      requestId: id,
      commandId: stuck,
      systemId: 'legacy',
      kind: 'erase',
      reason: 'no reply after 5 attempts',
      attempts: 5,
    });
    await waitForRequest(
      h,
      id,
      'escalated and forwarded',
      (v) => v.status === 'needs-attention' && v.systems.some((s) => s.status === 'awaiting-acknowledgement'),
    );

    const key = `close-${uuid()}`;
    const reason = { reason: 'Erased by hand in the legacy tool, ticket OPS-9' };
    const closed = await post(`/v1/requests/${id}/actions/${stuck}/close`, reason, key);
    expect(closed.status).toBe(202);
    expect(closed.body).toEqual({ id, status: 'in-progress' });
    const view = await getRequest(h, id);
    expect(view.status).toBe('in-progress');
    expect(view.systems.find((s) => s.commandId === stuck)).toMatchObject({
      status: 'closed-manually',
      outcome: 'closed-manually',
      reason: reason.reason,
    });
    expect((await post(`/v1/requests/${id}/actions/${stuck}/close`, reason, key)).body).toEqual(closed.body);
    const again = await post(`/v1/requests/${id}/actions/${stuck}/close`, reason);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/closing this action was already requested at /);

    const ack = await post(`/v1/requests/${id}/actions/${forwarded}/acknowledgement`, { note: 'ACME confirmed' });
    expect(ack.status).toBe(202);
    expect((await getRequest(h, id)).systems.find((s) => s.commandId === forwarded)).toMatchObject({
      status: 'completed',
      outcome: 'forwarded',
    });
    expect((await getRequest(h, id)).attention).toBeUndefined();

    // The executor's answers, late: a stale escalation, then the close and the acknowledgement.
    await send(h, 'actionEscalated', {
      requestId: id,
      commandId: stuck,
      systemId: 'legacy',
      kind: 'erase',
      reason: 'no reply after 6 attempts',
      attempts: 6,
    });
    await send(h, 'actionClosedManually', {
      requestId: id,
      commandId: stuck,
      systemId: 'legacy',
      reason: reason.reason,
      closedBy: 'dev-dpo',
    });
    await send(h, 'actionAcknowledged', {
      requestId: id,
      commandId: forwarded,
      systemId: 'hosting',
      acknowledgedBy: 'dev-dpo',
    });
    const settled = await waitForRequest(h, id, 'the executor answered', hasEvent(T('actionAcknowledged')));
    expect(settled.status).toBe('in-progress');
    expect(settled.systems.find((s) => s.commandId === stuck)).toMatchObject({
      status: 'closed-manually',
      outcome: 'closed-manually',
      reason: reason.reason,
    });
    expect(settled.systems.find((s) => s.commandId === forwarded)).toMatchObject({
      status: 'completed',
      outcome: 'forwarded',
    });
    expect(await inOutbox(T('actionCloseRequested'), id)).toBe(1);
  });
});

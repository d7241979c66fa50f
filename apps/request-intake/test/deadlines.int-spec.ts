/**
 * The deadline engine and the rest of issue 6 in request-intake, against real Kafka and
 * PostgreSQL, with the controllable clock (PUT /internal/clock): extension (Art. 12(3)),
 * refusal (12(4)), rejection (12(5)), due-soon and overdue events once per due date,
 * processor forwards and their acknowledgement, holds that end, and the minimisation of
 * closed requests after the proof period.
 */
import { EVENTS } from '@datarights/contracts';
import { addDuration, loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { aSubject, waitFor } from '@datarights/testing';
import { DeadlineCheck } from '../src/deadlines/deadline-check';
import { Minimiser } from '../src/minimisation/minimiser';
import { extendedDueAt } from '../src/requests/deadlines';
import {
  api,
  countRows,
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

jest.setTimeout(90_000);

let h: Harness;
const T = (name: keyof typeof EVENTS) => EVENTS[name].type;
const policy = loadPolicy(resolvePolicyPath());
const dpo = (path: string, body: object, token = DPO) =>
  api(h).post(path).set('Authorization', `Bearer ${token}`).send(body);
const setClock = async (offsetMs: number) => {
  const res = await api(h).put('/internal/clock').set('Authorization', `Bearer ${DPO}`).send({ offsetMs });
  expect(res.status).toBe(200);
  return res.body as { offsetMs: number; now: string };
};
/** Moves the clock so that its now is `at`. */
const clockAt = (at: Date) => setClock(at.getTime() - Date.now());
const dataOf = (m: { envelope?: { data: unknown } }) => m.envelope!.data as Record<string, unknown>;

beforeAll(async () => {
  process.env.DEADLINE_CHECK_MS = '100';
  process.env.MINIMISATION_CHECK_MS = '100';
  h = await startHarness();
}, 120_000);

afterEach(async () => {
  if (h) await setClock(0);
});

afterAll(async () => {
  await stopHarness(h);
  delete process.env.DEADLINE_CHECK_MS;
  delete process.env.MINIMISATION_CHECK_MS;
});

describe('the controllable clock', () => {
  it('is moved by the DPO only, within bounds, and every business time follows it', async () => {
    expect(
      (await api(h).put('/internal/clock').set('Authorization', `Bearer ${OPERATOR}`).send({ offsetMs: 1 })).status,
    ).toBe(403);
    expect(
      (await api(h).put('/internal/clock').set('Authorization', `Bearer ${DPO}`).send({ offsetMs: 'soon' })).status,
    ).toBe(400);
    expect(
      (await api(h).put('/internal/clock').set('Authorization', `Bearer ${DPO}`).send({ offsetMs: 1e15 })).status,
    ).toBe(400);
    const moved = await setClock(86_400_000);
    expect(Date.parse(moved.now) - Date.now()).toBeGreaterThan(86_000_000);
    const filed = await fileRequest(h);
    expect(Date.parse(filed.receivedAt) - Date.now()).toBeGreaterThan(86_000_000);
    expect((await api(h).get('/internal/clock').set('Authorization', `Bearer ${DPO}`)).body.offsetMs).toBe(86_400_000);
  });
});

describe('extension (Art. 12(3))', () => {
  it('once, within the first month, with a notice of the reasons and the new due date', async () => {
    const subject = aSubject();
    const filed = await fileRequest(h, erasureBody(subject));
    const path = `/v1/requests/${filed.id}/extension`;
    const reason = 'Your data is spread over eleven systems and four years of invoices.';

    expect((await dpo(path, { months: 1, reason }, OPERATOR)).status).toBe(403);
    expect((await dpo(path, { months: 3, reason })).status).toBe(400);
    expect((await dpo(path, { months: 1 })).status).toBe(400);
    expect((await dpo(`/v1/requests/${uuid()}/extension`, { months: 1, reason })).status).toBe(404);

    const res = await dpo(path, { months: 2, reason });
    expect(res.status).toBe(200);
    const dueAt = extendedDueAt(
      { receivedAt: new Date(filed.receivedAt), suspendedDays: 0 },
      2,
      policy.deadlines,
    ).toISOString();
    expect(res.body).toEqual({ id: filed.id, status: 'received', dueAt });

    const event = await waitForMessage(h, T('requestExtended'), filed.id);
    expect(dataOf(event)).toEqual({
      requestId: filed.id,
      months: 2,
      reason,
      previousDueAt: filed.dueAt,
      dueAt,
      extendedBy: 'dev-dpo',
    });
    const mail = await waitForMessage(
      h,
      T('notificationRequested'),
      filed.id,
      (m) => dataOf(m).template === 'deadline-extended',
    );
    expect(dataOf(mail)).toMatchObject({
      channel: 'email',
      to: subject.email,
      variables: { reasons: reason, dueAt, previousDueAt: filed.dueAt, months: 2 },
    });

    const second = await dpo(path, { months: 1, reason });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain('already extended');
    const view = await getRequest(h, filed.id);
    expect(view).toMatchObject({
      dueAt,
      extension: { months: 2, originalDueAt: filed.dueAt, extendedBy: 'dev-dpo', reason },
    });
    expect(view.timeline.map((t) => t.event)).toContain(T('requestExtended'));
  });

  it('is refused once the first month is over', async () => {
    const filed = await fileRequest(h);
    await clockAt(new Date(Date.parse(filed.dueAt) + 60_000));
    const res = await dpo(`/v1/requests/${filed.id}/extension`, { months: 1, reason: 'too late' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'INVALID_TRANSITION',
      message: expect.stringContaining('within it (Art. 12(3))'),
    });
    expect(messagesOf(h, T('requestExtended'), filed.id)).toHaveLength(0);
  });
});

describe('refusal (Art. 12(4)) and rejection (Art. 12(5))', () => {
  it('a refusal closes the request and tells the reasons and the right to complain to the CNIL and to a judicial remedy', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, erasureBody(subject));
    const reasons = 'The account you name belongs to another customer.';
    expect((await dpo(`/v1/requests/${id}/refusal`, { reasons }, OPERATOR)).status).toBe(403);
    expect((await dpo(`/v1/requests/${id}/refusal`, { reasons: '' })).status).toBe(400);
    const res = await dpo(`/v1/requests/${id}/refusal`, { reasons });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, status: 'closed', outcome: 'refused' });

    expect(dataOf(await waitForMessage(h, T('requestRefused'), id))).toEqual({
      requestId: id,
      type: 'erasure',
      reasons,
      refusedBy: 'dev-dpo',
      refusedAt: expect.any(String),
    });
    expect(dataOf(await waitForMessage(h, T('requestClosed'), id))).toMatchObject({
      outcome: 'refused',
      type: 'erasure',
    });
    const mail = await waitForMessage(
      h,
      T('notificationRequested'),
      id,
      (m) => dataOf(m).template === 'request-refused',
    );
    expect(dataOf(mail)).toMatchObject({
      to: subject.email,
      variables: {
        reasons,
        outcome: 'refused',
        complaint: { authority: 'CNIL', url: 'https://www.cnil.fr/fr/adresser-une-plainte' },
        judicialRemedy: true,
      },
    });
    // Closed: nothing more can be decided.
    for (const [path, body] of [
      ['refusal', { reasons }],
      ['rejection', { ground: 'excessive', justification: 'x' }],
      ['extension', { months: 1, reason: 'x' }],
    ] as const) {
      expect((await dpo(`/v1/requests/${id}/${path}`, body)).status).toBe(409);
    }
    expect(await getRequest(h, id)).toMatchObject({
      status: 'closed',
      outcome: 'refused',
      decision: { outcome: 'refused', ground: null, decidedBy: 'dev-dpo', reasons },
    });
  });

  it("a rejection records the DPO's justification, closes the request and tells the subject; not once execution started", async () => {
    const { id } = await fileRequest(h, erasureBody());
    const justification = 'Fourth identical access request in six weeks; the last copy was sent on 3 March.';
    expect((await dpo(`/v1/requests/${id}/rejection`, { ground: 'annoying', justification })).status).toBe(400);
    expect((await dpo(`/v1/requests/${id}/rejection`, { ground: 'excessive', justification }, OPERATOR)).status).toBe(
      403,
    );
    const res = await dpo(`/v1/requests/${id}/rejection`, { ground: 'excessive', justification });
    expect(res.body).toEqual({ id, status: 'closed', outcome: 'rejected' });
    expect(dataOf(await waitForMessage(h, T('requestRejected'), id))).toEqual({
      requestId: id,
      type: 'erasure',
      ground: 'excessive',
      justification,
      rejectedBy: 'dev-dpo',
      rejectedAt: expect.any(String),
    });
    const mail = await waitForMessage(
      h,
      T('notificationRequested'),
      id,
      (m) => dataOf(m).template === 'request-rejected',
    );
    expect(dataOf(mail).variables).toMatchObject({
      ground: 'excessive',
      reasons: justification,
      complaint: { authority: 'CNIL' },
    });
    // The operator sees the decision, not the justification.
    expect((await getRequest(h, id, OPERATOR)).decision).toEqual({
      outcome: 'rejected',
      ground: 'excessive',
      decidedBy: 'dev-dpo',
    });

    const running = await fileRequest(h);
    await send(h, 'planBuilt', {
      requestId: running.id,
      requestType: 'erasure',
      subjectRef: 's1',
      subjectKeys: { email: ['x@example.test'] },
      items: [
        { systemId: 'crm', role: 'controller', categories: ['identification'], capabilities: ['erase'], records: 1 },
      ],
    });
    await waitForStatus(h, running.id, 'in-progress');
    const late = await dpo(`/v1/requests/${running.id}/rejection`, { ground: 'manifestly-unfounded', justification });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('INVALID_TRANSITION');
  });
});

describe('due soon and overdue', () => {
  it('publishes each event once per due date, and the API filters and gauges show them', async () => {
    const filed = await fileRequest(h);
    const due = new Date(filed.dueAt);
    const check = h.app.get(DeadlineCheck);

    await clockAt(new Date(due.getTime() - 86_400_000));
    const soon = await waitForMessage(h, T('requestDeadlineApproaching'), filed.id);
    expect(dataOf(soon)).toEqual({ requestId: filed.id, type: 'erasure', dueAt: filed.dueAt, within: 'P3D' });
    const listed = await api(h).get('/v1/requests?dueSoon=true&limit=100').set('Authorization', `Bearer ${OPERATOR}`);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(filed.id);
    expect((await getRequest(h, filed.id)).dueSoon).toBe(true);

    await clockAt(new Date(due.getTime() + 60_000));
    const overdue = await waitForMessage(h, T('requestOverdue'), filed.id);
    expect(dataOf(overdue)).toEqual({ requestId: filed.id, type: 'erasure', dueAt: filed.dueAt, status: 'received' });
    const late = await api(h).get('/v1/requests?overdue=true&limit=100').set('Authorization', `Bearer ${OPERATOR}`);
    expect(late.body.items.find((i: { id: string }) => i.id === filed.id)).toMatchObject({ overdue: true });
    expect(
      (
        await api(h).get('/v1/requests?dueSoon=true&limit=100').set('Authorization', `Bearer ${OPERATOR}`)
      ).body.items.map((i: { id: string }) => i.id),
    ).not.toContain(filed.id);

    // Once: the flags are stored with the due date; another run finds nothing for this request.
    await check.runOnce();
    const published = (type: string) =>
      countRows(h, 'outbox', `envelope->>'type' = $1 AND envelope->'data'->>'requestId' = $2`, [type, filed.id]);
    expect(await published(T('requestDeadlineApproaching'))).toBe(1);
    expect(await published(T('requestOverdue'))).toBe(1);
    const timeline = (await getRequest(h, filed.id)).timeline.map((t) => t.event);
    expect(timeline.filter((e) => e === T('requestOverdue'))).toHaveLength(1);
  });
});

describe('processor systems: forwarded to the controller, acknowledged by the DPO', () => {
  it("shows the forward awaiting acknowledgement; the DPO records it; the executor's answer completes it", async () => {
    const { id } = await fileRequest(h);
    await send(h, 'planBuilt', {
      requestId: id,
      requestType: 'erasure',
      subjectRef: 's1',
      subjectKeys: { email: ['x@example.test'] },
      items: [
        {
          systemId: 'hosting',
          role: 'processor',
          controller: 'ACME SAS',
          categories: ['identification'],
          capabilities: ['erase'],
          records: 1,
        },
      ],
    });
    const commandId = uuid();
    await send(h, 'actionForwarded', {
      requestId: id,
      commandId,
      systemId: 'hosting',
      categories: ['identification'],
      controller: 'ACME SAS',
      notificationId: uuid(),
    });
    const waiting = await waitForRequest(h, id, 'awaiting acknowledgement', (v) =>
      v.systems.some((s) => s.status === 'awaiting-acknowledgement'),
    );
    expect(waiting.systems).toEqual([
      expect.objectContaining({
        systemId: 'hosting',
        commandId,
        kind: 'forward',
        status: 'awaiting-acknowledgement',
        outcome: 'pending',
      }),
    ]);
    expect(waiting.attention).toEqual([
      'hosting: forwarded to the controller (processor system): awaiting its acknowledgement',
    ]);

    const path = `/v1/requests/${id}/actions/${commandId}/acknowledgement`;
    const note = 'ACME SAS confirmed on 12 May (their ref. DPO-2211).';
    expect((await dpo(path, { note }, OPERATOR)).status).toBe(403);
    expect((await dpo(`/v1/requests/${id}/actions/${uuid()}/acknowledgement`, { note })).status).toBe(404);
    expect((await dpo(path, { note })).status).toBe(202);
    expect(dataOf(await waitForMessage(h, T('actionAcknowledgementRecorded'), id))).toEqual({
      requestId: id,
      commandId,
      note,
      recordedBy: 'dev-dpo',
    });
    expect((await dpo(path, { note })).status).toBe(409);

    await send(h, 'actionAcknowledged', { requestId: id, commandId, systemId: 'hosting', acknowledgedBy: 'dev-dpo' });
    const done = await waitForRequest(h, id, 'acknowledged', (v) => v.systems[0]?.outcome === 'forwarded');
    expect(done.systems[0]).toMatchObject({ status: 'completed', outcome: 'forwarded' });
    expect(done.attention).toBeUndefined();
    expect((await dpo(path, { note })).status).toBe(409);
  });
});

describe('holds that end', () => {
  it('shows when a hold ended and the command that erased its data, after the request closed', async () => {
    const { id } = await fileRequest(h);
    const holdId = uuid();
    const hold = {
      requestId: id,
      holdId,
      systemId: 'billing',
      category: 'billing',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until: '2035-01-31T10:00:00.000Z',
    };
    await send(h, 'holdRecorded', hold);
    await send(h, 'executionCompleted', {
      requestId: id,
      systems: [{ systemId: 'billing', outcome: 'retained', affectedRecords: 0, categories: ['billing'] }],
      holds: [hold],
    });
    await waitForStatus(h, id, 'completed');
    const commandId = uuid();
    await send(h, 'holdExpired', { ...hold, expiredAt: '2035-01-31T10:00:05.000Z', commandId });
    await send(h, 'actionDispatched', {
      requestId: id,
      commandId,
      systemId: 'billing',
      kind: 'erase',
      categories: ['billing'],
      attempt: 1,
      respondBy: '2035-01-31T11:00:05.000Z',
    });
    await send(h, 'actionCompleted', {
      requestId: id,
      commandId,
      systemId: 'billing',
      kind: 'erase',
      outcome: 'done',
      affectedRecords: 4,
      retained: [],
    });
    const view = await waitForRequest(h, id, 'the hold erased', (v) =>
      v.systems.some((s) => s.commandId === commandId && s.status === 'completed'),
    );
    expect(view.status).toBe('completed');
    expect(view.holds).toEqual([
      expect.objectContaining({ holdId, expiredAt: '2035-01-31T10:00:05.000Z', eraseCommandId: commandId }),
    ]);
    expect(view.systems.find((s) => s.commandId === commandId)).toMatchObject({
      kind: 'erase',
      outcome: 'done',
      affectedRecords: 4,
    });
    expect(view.timeline.map((t) => t.event)).toContain(T('holdExpired'));
  });
});

describe('minimising closed requests after the proof period', () => {
  it('replaces the identifiers and notes with keyed hashes, drops the idempotency key, and keeps the rest', async () => {
    const subject = aSubject();
    const key = `min-${uuid()}`;
    const res = await api(h)
      .post('/v1/requests')
      .set('Authorization', `Bearer ${DPO}`)
      .set('Idempotency-Key', key)
      .send({ ...erasureBody(subject), note: `letter from ${subject.name}` });
    const id = res.body.id as string;
    expect(
      (await dpo(`/v1/requests/${id}/refusal`, { reasons: `${subject.name} is not the account holder` })).status,
    ).toBe(200);
    const closed = await getRequest(h, id);
    expect(closed.minimisedAt).toBeNull();

    // Just before the end of the proof period: nothing happens.
    const end = addDuration(new Date(closed.closedAt!), policy.deadlines.proofPeriod);
    await clockAt(new Date(end.getTime() - 3_600_000));
    expect(await h.app.get(Minimiser).runOnce()).toBe(0);
    expect((await getRequest(h, id)).subject.email).toBe(subject.email);

    await clockAt(new Date(end.getTime() + 60_000));
    const minimised = await waitForRequest(h, id, 'minimised', (v) => v.minimisedAt !== null);
    const text = JSON.stringify(minimised);
    for (const value of [subject.email, subject.phone, subject.customerId, subject.name])
      expect(text).not.toContain(value);
    expect(minimised.subject.email).toMatch(/^hmac-sha256:k1:[A-Za-z0-9_-]{43}$/);
    expect(minimised).toMatchObject({
      status: 'closed',
      outcome: 'refused',
      decision: { reasons: expect.stringMatching(/^hmac-sha256:/) },
      note: expect.stringMatching(/^hmac-sha256:/),
    });
    expect(await countRows(h, 'idempotency_keys', 'request_id = $1', [id])).toBe(0);
    expect(dataOf(await waitForMessage(h, T('requestMinimised'), id))).toEqual({
      requestId: id,
      closedAt: closed.closedAt,
      minimisedAt: expect.any(String),
    });

    // The same identifier gives the same hash (proof that a later request concerns the same person), and nothing is minimised twice.
    await waitFor(async () => (await h.app.get(Minimiser).runOnce()) === 0, 'nothing left to minimise');
    expect((await getRequest(h, id)).subject.email).toBe(minimised.subject.email);
  });
});

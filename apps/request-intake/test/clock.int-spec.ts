/**
 * The clock as the law counts it, through the API against real Kafka and PostgreSQL:
 * - the time limit runs from receipt by the controller (Art. 12(3)), which the DPO gives
 *   (`receivedAt`, with its evidence) when filing a request received earlier;
 * - due dates end with the last hour of the controller's local day, Europe/Paris
 *   (Regulation 1182/71 art. 3(2)(c));
 * - the DPO records that information was asked of the subject, and its arrival: the time
 *   limit stands still meanwhile (décret 2019-536 art. 77), and an extension keeps the
 *   suspended days.
 */
import { EVENTS } from '@datarights/contracts';
import { legalDueAt, loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { aSubject } from '@datarights/testing';
import { DeadlineCheck } from '../src/deadlines/deadline-check';
import {
  api,
  DPO,
  erasureBody,
  fileRequest,
  getRequest,
  messagesOf,
  OPERATOR,
  startHarness,
  stopHarness,
  waitForMessage,
  type Harness,
} from './harness';

jest.setTimeout(90_000);

let h: Harness;
const T = (name: keyof typeof EVENTS) => EVENTS[name].type;
const policy = loadPolicy(resolvePolicyPath());
const post = (path: string, body: object, token = DPO) =>
  api(h).post(path).set('Authorization', `Bearer ${token}`).send(body);
const setClock = async (offsetMs: number) => {
  const res = await api(h).put('/internal/clock').set('Authorization', `Bearer ${DPO}`).send({ offsetMs });
  expect(res.status).toBe(200);
};
const clockAt = (at: Date) => setClock(at.getTime() - Date.now());
const dataOf = (m: { envelope?: { data: unknown } }) => m.envelope!.data as Record<string, unknown>;
const DAY = 86_400_000;

beforeAll(async () => {
  process.env.DEADLINE_CHECK_MS = '100';
  h = await startHarness();
}, 120_000);

afterEach(async () => {
  if (h) await setClock(0);
});

afterAll(async () => {
  await stopHarness(h);
  delete process.env.DEADLINE_CHECK_MS;
});

describe('receipt (Art. 12(3): the time limit runs from receipt by the controller)', () => {
  it('a filing received three days earlier is due three days earlier, with its evidence recorded (Art. 12(3); Reg. 1182/71 art. 3)', async () => {
    await clockAt(new Date('2026-12-07T09:00:00.000Z'));
    const today = await fileRequest(h, erasureBody(aSubject()));
    // The clock runs on from where it was set.
    expect(today.receivedAt).toMatch(/^2026-12-07T09:0/);
    // 7 December, Paris → due at the end of 7 January, Paris time (UTC+1).
    expect(today.dueAt).toBe('2027-01-07T22:59:59.999Z');

    const evidence = 'e-mail Message-ID <CAF3x9=abc@mail.example.fr>';
    const earlier = await fileRequest(h, {
      ...erasureBody(aSubject()),
      receivedAt: '2026-12-04T18:40:00+01:00',
      receiptEvidence: evidence,
    });
    expect(earlier.receivedAt).toBe('2026-12-04T17:40:00.000Z');
    expect(earlier.dueAt).toBe('2027-01-04T22:59:59.999Z');
    expect(new Date(today.dueAt).getTime() - new Date(earlier.dueAt).getTime()).toBe(3 * DAY);

    const view = await getRequest(h, earlier.id);
    expect(view.receiptEvidence).toBe(evidence);
    expect(await getRequest(h, earlier.id, OPERATOR)).not.toHaveProperty('receiptEvidence');
    const submitted = await waitForMessage(h, T('requestSubmitted'), earlier.id);
    expect(dataOf(submitted)).toMatchObject({ receivedAt: earlier.receivedAt, dueAt: earlier.dueAt });
    // The evidence stays on the request: never in events.
    expect(JSON.stringify(submitted.envelope)).not.toContain('Message-ID');
  });

  it('refuses a receipt in the future, or without its evidence, and the self-service route refuses receivedAt', async () => {
    await clockAt(new Date('2026-12-07T09:00:00.000Z'));
    const body = erasureBody(aSubject());
    const future = await post('/v1/requests', {
      ...body,
      receivedAt: '2026-12-07T10:00:00.000Z',
      receiptEvidence: 'x',
    });
    expect(future.status).toBe(400);
    expect(JSON.stringify(future.body)).toContain('in the future');
    const noEvidence = await post('/v1/requests', { ...body, receivedAt: '2026-12-04T10:00:00.000Z' });
    expect(noEvidence.status).toBe(400);
    expect(JSON.stringify(noEvidence.body)).toContain('receiptEvidence');
    expect((await post('/v1/requests', { ...body, receiptEvidence: 'x' })).status).toBe(400);
    expect((await post('/v1/requests', { ...body, receivedAt: '2026-12-04', receiptEvidence: 'x' })).status).toBe(400);
    const self = await api(h)
      .post('/v1/self-service/requests')
      .send({ ...body, receivedAt: '2026-12-04T10:00:00.000Z', receiptEvidence: 'x' });
    expect(self.status).toBe(400);
  });

  it('31 January → due at the end of the last day of February, Paris time (Reg. 1182/71 art. 3(2)(c)), also when received after midnight Paris', async () => {
    await clockAt(new Date('2027-03-01T09:00:00.000Z'));
    const jan31 = await fileRequest(h, {
      ...erasureBody(aSubject()),
      receivedAt: '2027-01-31T10:00:00.000Z',
      receiptEvidence: 'letter registered 1A-2027-0131',
    });
    expect(jan31.dueAt).toBe('2027-02-28T22:59:59.999Z');
    // 23:30 UTC on 31 January is 00:30 on 1 February in Paris: due at the end of 1 March, Paris time.
    const feb1 = await fileRequest(h, {
      ...erasureBody(aSubject()),
      receivedAt: '2027-01-31T23:30:00.000Z',
      receiptEvidence: 'e-mail <late@mail.example.fr>',
    });
    expect(feb1.dueAt).toBe('2027-03-01T22:59:59.999Z');
  });
});

describe('information awaited from the subject (décret 2019-536 art. 77)', () => {
  it('stands the clock still while awaited, moves the due date by the suspended days, and an extension keeps them', async () => {
    await clockAt(new Date('2027-01-05T09:00:00.000Z'));
    const filed = await fileRequest(h, erasureBody(aSubject()));
    expect(filed.dueAt).toBe('2027-02-05T22:59:59.999Z');
    const path = `/v1/requests/${filed.id}/information-request`;
    const reason = 'Asked by e-mail which of the two customer accounts the request is about.';

    expect((await post(path, { reason }, OPERATOR)).status).toBe(403);
    expect((await post(path, {})).status).toBe(400);
    expect((await post(`${path}/received`, {})).status).toBe(409);
    const suspended = await post(path, { reason });
    expect(suspended.status).toBe(200);
    expect((await post(path, { reason })).status).toBe(409);
    const event = await waitForMessage(h, T('requestDeadlineSuspended'), filed.id);
    expect(dataOf(event)).toEqual({
      requestId: filed.id,
      reason,
      suspendedAt: expect.stringMatching(/^2027-01-05T09:0/),
      suspendedBy: 'dev-dpo',
    });
    const since = dataOf(event).suspendedAt as string;
    expect((await getRequest(h, filed.id)).informationAwaited).toEqual({
      since,
      requestedBy: 'dev-dpo',
      reason,
    });

    // Past the old due date while suspended: neither overdue nor due soon, no overdue event.
    await clockAt(new Date('2027-02-10T09:00:00.000Z'));
    await h.app.get(DeadlineCheck).runOnce();
    const waiting = await getRequest(h, filed.id);
    expect(waiting.overdue).toBe(false);
    expect(messagesOf(h, T('requestOverdue'), filed.id)).toHaveLength(0);
    const listed = await api(h).get('/v1/requests?overdue=true&limit=100').set('Authorization', `Bearer ${DPO}`);
    expect(listed.body.items.map((r: { id: string }) => r.id)).not.toContain(filed.id);

    // The answer came on 9 January (Paris): 4 days suspended → counted from 9 January → end of 9 February.
    const resumed = await post(`${path}/received`, { receivedAt: '2027-01-09T15:00:00.000Z' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.dueAt).toBe('2027-02-09T22:59:59.999Z');
    expect(dataOf(await waitForMessage(h, T('requestDeadlineResumed'), filed.id))).toEqual({
      requestId: filed.id,
      suspendedAt: since,
      resumedAt: '2027-01-09T15:00:00.000Z',
      suspendedDays: 4,
      previousDueAt: '2027-02-05T22:59:59.999Z',
      dueAt: '2027-02-09T22:59:59.999Z',
      cause: 'information-received',
    });
    const after = await getRequest(h, filed.id);
    expect(after.suspendedDays).toBe(4);
    expect(after).not.toHaveProperty('informationAwaited');

    // Extended by two months within the (moved) first month: the 4 days are kept → end of 9 April (CEST).
    await clockAt(new Date('2027-02-08T09:00:00.000Z'));
    const extended = await post(`/v1/requests/${filed.id}/extension`, { months: 2, reason: 'Four systems to search.' });
    expect(extended.status).toBe(200);
    expect(extended.body.dueAt).toBe('2027-04-09T21:59:59.999Z');
    expect(extended.body.dueAt).toBe(
      legalDueAt(
        { receivedAt: new Date(filed.receivedAt), suspendedDays: 4, extensionMonths: 2 },
        policy.deadlines.response,
        policy.deadlines.timeZone,
      ).toISOString(),
    );
  });
});

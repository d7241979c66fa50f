/**
 * Self-service filing and the suspended clock (issue 4) against real Kafka and PostgreSQL;
 * a plain Kafka client plays identity. Public filing with a strict per-address limit, the
 * deadline suspended while the subject's proof is awaited and moved on verification
 * (calendar months), closing as unverified after the policy's delay, repeated requests
 * flagged for the DPO (never rejected).
 */
import { EVENTS } from '@datarights/contracts';
import { addDuration, legalDueAt, loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { aSubject, waitFor } from '@datarights/testing';
import { UnverifiedCheck } from '../src/self-service/unverified-check';
import { resumedDueAt, suspendedDays } from '../src/requests/suspended-clock';
import {
  api,
  DPO,
  getRequest,
  messagesOf,
  send,
  startHarness,
  stopHarness,
  waitForMessage,
  waitForRequest,
  waitForStatus,
  type Harness,
} from './harness';

jest.setTimeout(90_000);

const LIMIT = 8;
let h: Harness;
const T = (name: keyof typeof EVENTS) => EVENTS[name].type;
const policy = loadPolicy(resolvePolicyPath());
const dataOf = (m: { envelope?: { data: unknown } }) => m.envelope!.data as Record<string, unknown>;
const setClock = (offsetMs: number) =>
  api(h).put('/internal/clock').set('Authorization', `Bearer ${DPO}`).send({ offsetMs }).expect(200);
const fileSelf = (body: object, ip = '203.0.113.7') =>
  api(h).post('/v1/self-service/requests').set('X-Forwarded-For', ip).send(body);
const erasure = (s = aSubject()) => ({
  type: 'erasure',
  subject: { email: s.email, customerId: s.customerId },
  channel: 'portal',
});

async function challengeSent(requestId: string, sentAt: Date) {
  await send(h, 'subjectResolved', { requestId, result: 'matched', subjectRef: `subj_${requestId}`, candidates: [] });
  await send(h, 'identityChallengeSent', {
    requestId,
    channel: 'email',
    issue: 1,
    sentAt: sentAt.toISOString(),
    expiresAt: new Date(sentAt.getTime() + 900_000).toISOString(),
  });
  await waitForRequest(h, requestId, 'challenge on the timeline', (v) =>
    v.timeline.some((t) => t.event === T('identityChallengeSent')),
  );
}

beforeAll(async () => {
  process.env.RATE_LIMIT_SELF_SERVICE_PER_MINUTE = String(LIMIT);
  process.env.DEADLINE_CHECK_MS = '100';
  h = await startHarness();
  // Behind the test's single address, X-Forwarded-For stands for distinct clients (production: the proxy sets it).
  h.app.set('trust proxy', true);
}, 120_000);

afterEach(async () => {
  if (h) await setClock(0);
});

afterAll(async () => {
  await stopHarness(h);
  delete process.env.RATE_LIMIT_SELF_SERVICE_PER_MINUTE;
  delete process.env.DEADLINE_CHECK_MS;
});

describe('self-service filing', () => {
  it('needs no token, files with filedBy subject and the same deadline, and says what happens next', async () => {
    const res = await fileSelf(erasure(), '203.0.113.1').expect(201);
    expect(res.body).toMatchObject({
      status: 'received',
      next: expect.stringContaining(`/v1/self-service/requests/${res.body.id}/verification`),
    });
    expect(res.body.dueAt).toBe(
      legalDueAt(
        { receivedAt: new Date(res.body.receivedAt) },
        policy.deadlines.response,
        policy.deadlines.timeZone,
      ).toISOString(),
    );
    const submitted = await waitForMessage(h, T('requestSubmitted'), res.body.id);
    expect(dataOf(submitted)).toMatchObject({ filedBy: 'subject', type: 'erasure', channel: 'portal' });
  });

  it('validates the body like the DPO route (400)', async () => {
    await fileSelf({ type: 'erasure', subject: { name: 'only a name' }, channel: 'portal' }, '203.0.113.2').expect(400);
    await fileSelf({ ...erasure(), isAdmin: true }, '203.0.113.2').expect(400);
  });

  it('a flood of public submissions from one address gets 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) statuses.push((await fileSelf(erasure(), '198.51.100.9')).status);
    expect(statuses.slice(0, LIMIT).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(LIMIT)).toEqual([429, 429, 429]);
    // Another address is not affected.
    await fileSelf(erasure(), '198.51.100.10').expect(201);
  });

  it('repeated requests of the same subject and type are flagged for the DPO, never rejected', async () => {
    const s = aSubject();
    const first = (await fileSelf(erasure(s), '203.0.113.3').expect(201)).body;
    const second = (await fileSelf(erasure(s), '203.0.113.3').expect(201)).body;
    const flag = await waitForMessage(h, T('requestRepeatFlagged'), second.id);
    expect(dataOf(flag)).toEqual({
      requestId: second.id,
      type: 'erasure',
      previousRequestIds: [first.id],
      window: policy.verification.repeatWindow,
    });
    expect(messagesOf(h, T('requestRepeatFlagged'), first.id)).toEqual([]);
    expect((await getRequest(h, second.id)).status).not.toBe('closed');
  });
});

describe('the suspended clock (décret 2019-536 art. 77)', () => {
  it('moves dueAt by the days the proof was awaited, in calendar months, and shows it on the timeline', async () => {
    const filed = (await fileSelf(erasure(), '203.0.113.4').expect(201)).body;
    const receivedAt = new Date(filed.receivedAt);
    await challengeSent(filed.id, receivedAt);
    const verifiedAt = new Date(receivedAt.getTime() + 12 * 86_400_000);
    await send(h, 'identityVerified', {
      requestId: filed.id,
      requestType: 'erasure',
      subjectRef: `subj_${filed.id}`,
      subjectKeys: { email: ['x@example.test'] },
      method: 'code',
      verifiedAt: verifiedAt.toISOString(),
    });
    const resumed = await waitForMessage(h, T('requestDeadlineResumed'), filed.id);
    const dueAt = resumedDueAt(
      { receivedAt, extensionMonths: null },
      policy.deadlines.response,
      suspendedDays(receivedAt, verifiedAt, policy.deadlines.timeZone),
    ).toISOString();
    expect(dataOf(resumed)).toEqual({
      requestId: filed.id,
      suspendedAt: filed.receivedAt,
      resumedAt: verifiedAt.toISOString(),
      suspendedDays: 12,
      previousDueAt: filed.dueAt,
      dueAt,
      cause: 'identity-verified',
    });
    const view = await waitForRequest(h, filed.id, 'dueAt moved', (v) => v.dueAt === dueAt);
    expect(view.status).toBe('verified');
    expect(view.timeline.map((t) => t.summary).join('\n')).toMatch(/deadline suspended[\s\S]*12 days suspended/);
  });

  it('closes as unverified after the policy delay, with a notice to the requester', async () => {
    const s = aSubject();
    const filed = (await fileSelf(erasure(s), '203.0.113.5').expect(201)).body;
    await challengeSent(filed.id, new Date(filed.receivedAt));
    await h.app.get(UnverifiedCheck).runOnce();
    expect((await getRequest(h, filed.id)).status).toBe('awaiting-verification');
    await setClock(addDuration(new Date(), policy.verification.unverifiedAfter).getTime() - Date.now() + 60_000);
    await waitForStatus(h, filed.id, 'closed');
    const closed = await waitForMessage(h, T('requestClosed'), filed.id);
    expect(dataOf(closed)).toMatchObject({ outcome: 'unverified' });
    const mail = await waitForMessage(
      h,
      T('notificationRequested'),
      filed.id,
      (m) => dataOf(m).template === 'request-unverified',
    );
    expect(dataOf(mail)).toMatchObject({ channel: 'email', to: s.email.toLowerCase() });
    await waitFor(async () => (await getRequest(h, filed.id)).outcome === 'unverified', 'outcome unverified');
  });
});

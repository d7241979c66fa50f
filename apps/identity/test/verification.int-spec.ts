/**
 * Self-service identity verification against real Kafka and PostgreSQL: a one-time code
 * sent to the contact on file (never to an address only the request gave), stored hashed,
 * limited attempts, expiry, single use, resend cooldown, proportionality per request type,
 * a strict rate limit, and nothing personal in the logs.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  EVENTS,
  TOPICS,
  type IdentityChallengeSent,
  type IdentityVerified,
  type NotificationRequested,
  type RequestSubmitted,
} from '@datarights/contracts';
import { Clock } from '@datarights/service-kit';
import { aSubject, waitFor } from '@datarights/testing';
import {
  eventsOf,
  fileRequest,
  sqlIn,
  startIdentityHarness,
  stopIdentityHarness,
  type IdentityHarness,
} from './harness';

jest.setTimeout(120_000);

const RATE_LIMIT = 40;
let h: IdentityHarness;

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  sqlIn<T>(h, query, params);
const of = <T>(type: string, requestId: string) => eventsOf<T>(h, type, requestId);
const file = async (type: RequestSubmitted['type'], subject: RequestSubmitted['subject']): Promise<string> =>
  (await fileRequest(h, { type, subject })).requestId;

/** The nth code sent for the request, as the mail gateway receives it. */
async function codeFor(requestId: string, nth = 1): Promise<NotificationRequested> {
  const sent = of<NotificationRequested>(EVENTS.notificationRequested.type, requestId);
  await waitFor(async () => sent().length >= nth, `code #${nth} for ${requestId}`);
  return sent()[nth - 1]!;
}

const answer = (requestId: string, code: string) =>
  request(h.app.getHttpServer())
    .post(`/v1/self-service/requests/${requestId}/verification`)
    .send({ method: 'code', code });
const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

const sam = aSubject();
const stranger = aSubject();
const tom = aSubject();

beforeAll(async () => {
  process.env.RATE_LIMIT_VERIFY_PER_MINUTE = String(RATE_LIMIT);
  h = await startIdentityHarness(sam, tom);
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_VERIFY_PER_MINUTE;
  await stopIdentityHarness(h);
});

afterEach(() => h.app.get(Clock).setOffset(0));

describe('self-service verification by one-time code', () => {
  let erasure: string;
  const codes: string[] = [];

  it('sends the code to the contact on file, never to an address only the request gave; stores only its hash', async () => {
    erasure = await file('erasure', { email: stranger.email, customerId: sam.customerId });
    const sent = await codeFor(erasure);
    expect(sent).toMatchObject({ channel: 'email', to: sam.email.toLowerCase(), template: 'identity-code' });
    expect(sent.to).not.toBe(stranger.email.toLowerCase());
    const code = String(sent.variables.code);
    codes.push(code);
    expect(code).toMatch(/^\d{6}$/);
    const challenge = of<IdentityChallengeSent>(EVENTS.identityChallengeSent.type, erasure)();
    expect(challenge).toEqual([expect.objectContaining({ requestId: erasure, channel: 'email', issue: 1 })]);
    expect(JSON.stringify(challenge)).not.toContain(code);
    const rows = await sql<{ code_hash: string }>(`SELECT code_hash FROM challenges WHERE request_id = $1`, [erasure]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.code_hash).not.toContain(code);
  });

  it('brute force: after the attempt limit even the right code is refused, and the answer says how to get a new one', async () => {
    for (let i = 1; i <= 4; i++) {
      const r = await answer(erasure, wrongOf(codes[0]!)).expect(403);
      // No attempts count: it would tell a challenge (a subject on file) from none.
      expect(r.body.error.details).toBeUndefined();
    }
    await answer(erasure, wrongOf(codes[0]!)).expect(403);
    const refused = await answer(erasure, codes[0]!).expect(403);
    expect(refused.body.error.message).toContain('POST /v1/self-service/requests/{id}/verification/code');
    expect(of(EVENTS.identityVerified.type, erasure)()).toEqual([]);
  });

  it('a new code waits for the cooldown, then works once; reusing it fails', async () => {
    const sent = of<NotificationRequested>(EVENTS.notificationRequested.type, erasure);
    const before = sent().length;
    // Within the cooldown: the same 202 as ever, and nothing sent.
    await request(h.app.getHttpServer()).post(`/v1/self-service/requests/${erasure}/verification/code`).expect(202);
    h.app.get(Clock).setOffset(61_000);
    await request(h.app.getHttpServer()).post(`/v1/self-service/requests/${erasure}/verification/code`).expect(202);
    await waitFor(async () => sent().length === before + 1, 'the one new code');
    const second = String((await codeFor(erasure, 2)).variables.code);
    // The first code died with its issue.
    if (second !== codes[0]) await answer(erasure, codes[0]!).expect(403);
    await answer(erasure, second).expect(200, { id: erasure, status: 'verified', method: 'code' });
    const verified = of<IdentityVerified>(EVENTS.identityVerified.type, erasure);
    await waitFor(async () => verified().length === 1, 'identityVerified');
    expect(verified()[0]).toMatchObject({ requestId: erasure, requestType: 'erasure', method: 'code' });
    expect(verified()[0]!.attestedBy).toBeUndefined();
    await answer(erasure, second).expect(403);
  });

  it('an expired code fails (controllable clock)', async () => {
    const access = await file('access', { email: sam.email });
    const code = String((await codeFor(access)).variables.code);
    h.app.get(Clock).setOffset(15 * 60_000 + 1000);
    const r = await answer(access, code).expect(403);
    expect(r.body.error.message).toContain('/verification/code');
  });

  it('proportionality: an erasure without a matching customer number gets no code (the DPO attests)', async () => {
    const bare = await file('erasure', { email: sam.email });
    expect(await sql(`SELECT 1 FROM challenges WHERE request_id = $1`, [bare])).toEqual([]);
    const wrongCustomer = await file('erasure', { email: sam.email, customerId: stranger.customerId });
    expect(await sql(`SELECT 1 FROM challenges WHERE request_id = $1`, [wrongCustomer])).toEqual([]);
    await answer(bare, '123456').expect(403);
  });

  it("several matches: once the DPO picks the subject, the code goes to that subject's contact on file", async () => {
    const both = await file('access', { email: sam.email, customerId: tom.customerId });
    const resolved = h.received.find(
      (r) =>
        r.envelope?.type === EVENTS.subjectResolved.type &&
        (r.envelope.data as { requestId: string }).requestId === both,
    )!.envelope!.data as { result: string; candidates: { subjectRef: string }[] };
    expect(resolved.result).toBe('several');
    const samRef = (
      await sql<{ subject_ref: string }>(`SELECT subject_ref FROM subject_keys WHERE kind = 'email' AND value = $1`, [
        sam.email.toLowerCase(),
      ])
    )[0]!.subject_ref;
    expect(resolved.candidates.map((c) => c.subjectRef)).toContain(samRef);
    await h.kafka.sendEvent(
      TOPICS.requests.name,
      both,
      EVENTS.subjectDecided.type,
      { requestId: both, decision: 'subject', subjectRef: samRef, decidedBy: 'dpo-user-7' },
      { correlationid: both },
    );
    const sent = await codeFor(both);
    expect(sent).toMatchObject({ channel: 'email', to: sam.email.toLowerCase(), template: 'identity-code' });
    codes.push(String(sent.variables.code));
  });

  it('no code, e-mail or phone appears in any log line', () => {
    const all = h.logged.join('\n');
    expect(h.logged.length).toBeGreaterThan(0);
    for (const secret of [
      ...codes,
      sam.email,
      sam.email.toLowerCase(),
      stranger.email.toLowerCase(),
      tom.email.toLowerCase(),
      sam.phone,
    ])
      expect(all).not.toContain(secret);
  });

  it('a refused code answers byte for byte the same, whether or not the subject is on file', async () => {
    const onFile = await file('access', { email: sam.email });
    const code = String((await codeFor(onFile)).variables.code);
    const notOnFile = await file('access', { email: aSubject().email });
    const resolved = of<{ result: string }>(EVENTS.subjectResolved.type, notOnFile);
    await waitFor(async () => resolved().length === 1, 'subjectResolved for the address not on file');
    expect(resolved()[0]!.result).toBe('none');
    expect(await sql(`SELECT 1 FROM challenges WHERE request_id = $1`, [notOnFile])).toEqual([]);

    const answers = [onFile, notOnFile, randomUUID()].map((id) => answer(id, wrongOf(code)));
    const [known, unknown, neverFiled] = await Promise.all(answers);
    // Everything but the headers that differ between any two responses (the time, the caller's rate-limit budget).
    const seen = (r: request.Response) => ({
      status: r.status,
      body: r.text,
      headers: Object.fromEntries(
        Object.entries(r.headers).filter(([name]) => name !== 'date' && !name.startsWith('x-ratelimit-')),
      ),
    });
    expect(known.status).toBe(403);
    expect(seen(unknown)).toEqual(seen(known));
    expect(seen(neverFiled)).toEqual(seen(known));
  });

  it('asking for a new code answers byte for byte the same, whether or not the subject is on file', async () => {
    const onFile = await file('access', { email: sam.email });
    await codeFor(onFile);
    const notOnFile = await file('access', { email: aSubject().email });
    const resolved = of<{ result: string }>(EVENTS.subjectResolved.type, notOnFile);
    await waitFor(async () => resolved().length === 1, 'subjectResolved for the address not on file');
    const resend = (id: string) =>
      request(h.app.getHttpServer()).post(`/v1/self-service/requests/${id}/verification/code`);
    // On file (cooldown running), not on file, never filed; then on file again once the cooldown is over (a code is sent).
    const [known, unknown, neverFiled] = await Promise.all([onFile, notOnFile, randomUUID()].map(resend));
    h.app.get(Clock).setOffset(61_000);
    const sent = await resend(onFile);
    await codeFor(onFile, 2);
    const seen = (r: request.Response) => ({
      status: r.status,
      // The request's own id is echoed (and so is its ETag): everything else is equal.
      body: r.text.replace(/"id":"[^"]+"/, ''),
      headers: Object.fromEntries(
        Object.entries(r.headers).filter(
          ([name]) => name !== 'date' && name !== 'etag' && !name.startsWith('x-ratelimit-'),
        ),
      ),
    });
    expect(known.status).toBe(202);
    for (const other of [unknown, neverFiled, sent]) expect(seen(other)).toEqual(seen(known));
  });

  it('limits wrong codes per subject across requests: filing again buys no guesses; the refusal is the same; the window slides', async () => {
    // 10 wrong codes a day per subject (deploy/policy/default.fr.yaml), 5 per code: two filings use them up.
    for (let filing = 0; filing < 2; filing++) {
      const id = await file('access', { email: tom.email });
      const code = String((await codeFor(id)).variables.code);
      for (let i = 0; i < 5; i++) await answer(id, wrongOf(code)).expect(403);
    }
    const third = await file('access', { email: tom.email });
    const code = String((await codeFor(third)).variables.code);
    // The right code of a new filing is refused, exactly as any code for a request without a subject on file.
    const [limited, unknown] = await Promise.all([answer(third, code), answer(randomUUID(), code)]);
    const seen = (r: request.Response) => ({
      status: r.status,
      body: r.text,
      headers: Object.fromEntries(
        Object.entries(r.headers).filter(([name]) => name !== 'date' && !name.startsWith('x-ratelimit-')),
      ),
    });
    expect(limited.status).toBe(403);
    expect(seen(limited)).toEqual(seen(unknown));
    expect(of(EVENTS.identityVerified.type, third)()).toEqual([]);
    // Refused before comparing: the third code's own attempts are untouched.
    expect(await sql(`SELECT attempts FROM challenges WHERE request_id = $1`, [third])).toEqual([{ attempts: 0 }]);

    // A day later the oldest wrong codes left the window: a new code for the same request works.
    h.app.get(Clock).setOffset(24 * 3600_000 + 60_000);
    await request(h.app.getHttpServer()).post(`/v1/self-service/requests/${third}/verification/code`).expect(202);
    const next = String((await codeFor(third, 2)).variables.code);
    await answer(third, next).expect(200, { id: third, status: 'verified', method: 'code' });
  });

  it('a flood of answers gets 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 5; i++) statuses.push((await answer(randomUUID(), '000000')).status);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(429);
  });
});

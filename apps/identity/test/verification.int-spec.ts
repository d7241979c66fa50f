/**
 * Self-service identity verification against real Kafka and PostgreSQL: a one-time code
 * sent to the contact on file (never to an address only the request gave), stored hashed,
 * limited attempts, expiry, single use, resend cooldown, proportionality per request type,
 * a strict rate limit, and nothing personal in the logs.
 */
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EVENTS, TOPICS, type IdentityChallengeSent, type IdentityVerified, type NotificationRequested, type RecordEvent, type RequestSubmitted } from '@datarights/contracts';
import { Clock } from '@datarights/service-kit';
import { aRecordEvent, aSubject, cleanup, isolate, RawKafka, startTestService, waitFor, withPg, type Isolation, type Received } from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';

jest.setTimeout(120_000);

const RATE_LIMIT = 40;
let iso: Isolation;
let app: NestExpressApplication;
let kafka: RawKafka;
let received: Received[];
const logged: string[] = [];

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  withPg(async (c) => {
    await c.query(`SET search_path TO "${iso.schema}"`);
    return (await c.query(query, params)).rows as T[];
  });

const of = <T>(type: string, requestId: string) => () => received.filter((r) => r.envelope?.type === type && (r.envelope.data as { requestId: string }).requestId === requestId).map((r) => r.envelope!.data as T);

async function file(type: RequestSubmitted['type'], subject: RequestSubmitted['subject']): Promise<string> {
  const requestId = randomUUID();
  const now = new Date();
  const data: RequestSubmitted = { requestId, type, subject, channel: 'portal', filedBy: 'subject', receivedAt: now.toISOString(), dueAt: new Date(now.getTime() + 30 * 86_400_000).toISOString() };
  await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.requestSubmitted.type, data, { correlationid: requestId });
  await waitFor(async () => received.some((r) => r.envelope?.type === EVENTS.subjectResolved.type && (r.envelope.data as { requestId: string }).requestId === requestId), `subjectResolved for ${requestId}`);
  return requestId;
}

/** The nth code sent for the request, as the mail gateway receives it. */
async function codeFor(requestId: string, nth = 1): Promise<NotificationRequested> {
  const sent = of<NotificationRequested>(EVENTS.notificationRequested.type, requestId);
  await waitFor(async () => sent().length >= nth, `code #${nth} for ${requestId}`);
  return sent()[nth - 1]!;
}

const answer = (requestId: string, code: string) => request(app.getHttpServer()).post(`/v1/self-service/requests/${requestId}/verification`).send({ method: 'code', code });
const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

const sam = aSubject();
const stranger = aSubject();
const tom = aSubject();

beforeAll(async () => {
  process.env.RATE_LIMIT_VERIFY_PER_MINUTE = String(RATE_LIMIT);
  for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
      logged.push(JSON.stringify(args));
    });
  }
  iso = isolate(SERVICE);
  app = await startTestService(AppModule, SERVICE, SCHEMA);
  kafka = new RawKafka(iso.topicPrefix);
  received = await kafka.collect([TOPICS.identity.name, TOPICS.notifications.name]);
  const events: RecordEvent[] = [aRecordEvent('crm', { email: sam.email, customerId: sam.customerId }), aRecordEvent('billing', { customerId: sam.customerId, phone: sam.phone }, { category: 'billing' }), aRecordEvent('crm', { email: tom.email, customerId: tom.customerId })];
  const ids: string[] = [];
  for (const e of events) ids.push((await kafka.sendEvent(TOPICS.dataEvents.name, `${e.systemId}:${e.recordRef}`, EVENTS.recordStored.type, e)).id);
  await waitFor(async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1)`, [ids]))[0]!.n === ids.length, 'data events applied');
});

afterAll(async () => {
  delete process.env.RATE_LIMIT_VERIFY_PER_MINUTE;
  jest.restoreAllMocks();
  await kafka?.close();
  await app?.close();
  if (iso) await cleanup(iso);
});

afterEach(() => app.get(Clock).setOffset(0));

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
      expect(r.body.error.details).toEqual({ attemptsLeft: 5 - i });
    }
    await answer(erasure, wrongOf(codes[0]!)).expect(403);
    const refused = await answer(erasure, codes[0]!).expect(403);
    expect(refused.body.error.message).toContain(`POST /v1/self-service/requests/${erasure}/verification/code`);
    expect(of(EVENTS.identityVerified.type, erasure)()).toEqual([]);
  });

  it('a new code waits for the cooldown, then works once; reusing it fails', async () => {
    await request(app.getHttpServer()).post(`/v1/self-service/requests/${erasure}/verification/code`).expect(429);
    app.get(Clock).setOffset(61_000);
    await request(app.getHttpServer()).post(`/v1/self-service/requests/${erasure}/verification/code`).expect(200);
    const second = String((await codeFor(erasure, 2)).variables.code);
    // The first code died with its issue.
    if (second !== codes[0]) await answer(erasure, codes[0]!).expect(403);
    await answer(erasure, second).expect(200, { id: erasure, status: 'verified', method: 'code' });
    const verified = of<IdentityVerified>(EVENTS.identityVerified.type, erasure);
    await waitFor(async () => verified().length === 1, 'identityVerified');
    expect(verified()[0]).toMatchObject({ requestId: erasure, requestType: 'erasure', method: 'code' });
    expect(verified()[0]!.attestedBy).toBeUndefined();
    await answer(erasure, second).expect(409);
  });

  it('an expired code fails (controllable clock)', async () => {
    const access = await file('access', { email: sam.email });
    const code = String((await codeFor(access)).variables.code);
    app.get(Clock).setOffset(15 * 60_000 + 1000);
    const r = await answer(access, code).expect(410);
    expect(r.body.error.message).toContain('/verification/code');
  });

  it('proportionality: an erasure without a matching customer number gets no code (the DPO attests)', async () => {
    const bare = await file('erasure', { email: sam.email });
    expect(await sql(`SELECT 1 FROM challenges WHERE request_id = $1`, [bare])).toEqual([]);
    const wrongCustomer = await file('erasure', { email: sam.email, customerId: stranger.customerId });
    expect(await sql(`SELECT 1 FROM challenges WHERE request_id = $1`, [wrongCustomer])).toEqual([]);
    await answer(bare, '123456').expect(404);
  });

  it('several matches: once the DPO picks the subject, the code goes to that subject\'s contact on file', async () => {
    const both = await file('access', { email: sam.email, customerId: tom.customerId });
    const resolved = received.find((r) => r.envelope?.type === EVENTS.subjectResolved.type && (r.envelope.data as { requestId: string }).requestId === both)!.envelope!.data as { result: string; candidates: { subjectRef: string }[] };
    expect(resolved.result).toBe('several');
    const samRef = (await sql<{ subject_ref: string }>(`SELECT subject_ref FROM subject_keys WHERE kind = 'email' AND value = $1`, [sam.email.toLowerCase()]))[0]!.subject_ref;
    expect(resolved.candidates.map((c) => c.subjectRef)).toContain(samRef);
    await kafka.sendEvent(TOPICS.requests.name, both, EVENTS.subjectDecided.type, { requestId: both, decision: 'subject', subjectRef: samRef, decidedBy: 'dpo-user-7' }, { correlationid: both });
    const sent = await codeFor(both);
    expect(sent).toMatchObject({ channel: 'email', to: sam.email.toLowerCase(), template: 'identity-code' });
    codes.push(String(sent.variables.code));
  });

  it('no code, e-mail or phone appears in any log line', () => {
    const all = logged.join('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [...codes, sam.email, sam.email.toLowerCase(), stranger.email.toLowerCase(), tom.email.toLowerCase(), sam.phone]) expect(all).not.toContain(secret);
  });

  it('a flood of answers gets 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 5; i++) statuses.push((await answer(randomUUID(), '000000')).status);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(429);
  });
});

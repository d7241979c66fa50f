/**
 * How identity proves a requester, against real Kafka and PostgreSQL (issue 4): a
 * representative's request gets no code and waits for the DPO's attestation (policy
 * `verification.representative`); a request filed from a signed-in customer-space session
 * whose customer number is the subject's is verified at once (`portal-session`), one whose
 * number is not falls back to a code. A plain kafkajs client plays request-intake and the
 * company systems.
 */
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { EVENTS, TOPICS, type IdentityVerified, type NotificationRequested, type RecordEvent, type RequestSubmitted, type SubjectResolved } from '@datarights/contracts';
import { aRecordEvent, aSubject, cleanup, isolate, RawKafka, startTestService, waitFor, withPg, type Isolation, type Received } from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';

jest.setTimeout(120_000);

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

async function file(over: Partial<RequestSubmitted> & Pick<RequestSubmitted, 'subject'>): Promise<{ requestId: string; resolved: SubjectResolved }> {
  const requestId = randomUUID();
  const now = new Date();
  const data: RequestSubmitted = { requestId, type: 'erasure', channel: 'portal', filedBy: 'subject', receivedAt: now.toISOString(), dueAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(), ...over };
  await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.requestSubmitted.type, data, { correlationid: requestId });
  const resolved = of<SubjectResolved>(EVENTS.subjectResolved.type, requestId);
  await waitFor(async () => resolved().length === 1, `subjectResolved for ${requestId}`);
  return { requestId, resolved: resolved()[0]! };
}

async function verifiedOnce(requestId: string): Promise<IdentityVerified> {
  const verified = of<IdentityVerified>(EVENTS.identityVerified.type, requestId);
  await waitFor(async () => verified().length === 1, `identityVerified for ${requestId}`);
  return verified()[0]!;
}

const challenges = (requestId: string) => sql(`SELECT 1 FROM challenges WHERE request_id = $1`, [requestId]);

const sam = aSubject();
const tom = aSubject();
const nobody = aSubject();

beforeAll(async () => {
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
  jest.restoreAllMocks();
  await kafka?.close();
  await app?.close();
  if (iso) await cleanup(iso);
});

describe("a representative's request", () => {
  it.each(['subject', 'dpo'] as const)('filed by %s: no code, waits for the DPO (dpo-attested), and is verified when the DPO attests', async (filedBy) => {
    // Sam's own customer number: the subject's own request would get a code; a representative's does not.
    const { requestId, resolved } = await file({ filedBy, subject: { email: sam.email, customerId: sam.customerId }, representative: { mandateReference: 'MAND-2026/0042' } });
    expect(resolved).toMatchObject({ result: 'matched', requiredProofs: ['dpo-attested'] });
    expect(await sql(`SELECT by_representative, status FROM requests WHERE request_id = $1`, [requestId])).toEqual([{ by_representative: true, status: 'matched' }]);
    expect(await challenges(requestId)).toEqual([]);

    await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.verificationAttested.type, { requestId, method: 'dpo-attested', attestedBy: 'dpo-user-7', attestedAt: new Date().toISOString() }, { correlationid: requestId });
    expect(await verifiedOnce(requestId)).toMatchObject({ requestId, method: 'dpo-attested', attestedBy: 'dpo-user-7' });
    // Same partition: a code would have been published before the verification.
    expect(of(EVENTS.identityChallengeSent.type, requestId)()).toEqual([]);
    expect(of<NotificationRequested>(EVENTS.notificationRequested.type, requestId)()).toEqual([]);
  });
});

describe('a request filed from a signed-in customer-space session', () => {
  it("is verified without a code when the session's customer number is the subject's (method portal-session), erasure included", async () => {
    const { requestId, resolved } = await file({ subject: { customerId: sam.customerId }, portalSession: true });
    expect(resolved).toMatchObject({ result: 'matched', requiredProofs: ['code+customer-number', 'portal-session', 'dpo-attested'] });
    const verified = await verifiedOnce(requestId);
    expect(verified).toMatchObject({ requestId, requestType: 'erasure', subjectRef: resolved.subjectRef, method: 'portal-session' });
    expect(verified.attestedBy).toBeUndefined();
    // Every key of the subject goes on, as for a code.
    expect(verified.subjectKeys).toEqual({ customerId: [sam.customerId], email: [sam.email.toLowerCase()], phone: [sam.phone] });
    expect(await challenges(requestId)).toEqual([]);
    expect(await sql(`SELECT status FROM requests WHERE request_id = $1`, [requestId])).toEqual([{ status: 'verified' }]);
  });

  it("gets a code, like an anonymous request, when the session's customer number is not the subject's", async () => {
    // The e-mail finds Sam; the session's customer number is held by no one.
    const { requestId, resolved } = await file({ type: 'access', subject: { email: sam.email, customerId: nobody.customerId }, portalSession: true });
    expect(resolved).toMatchObject({ result: 'matched' });
    const sent = of<NotificationRequested>(EVENTS.notificationRequested.type, requestId);
    await waitFor(async () => sent().length === 1, `code for ${requestId}`);
    expect(sent()[0]).toMatchObject({ template: 'identity-code', to: sam.email.toLowerCase() });
    expect(of(EVENTS.identityVerified.type, requestId)()).toEqual([]);
  });

  it("several matches: once the DPO picks the subject that holds the session's customer number, it is verified by the session", async () => {
    const { requestId, resolved } = await file({ type: 'access', subject: { email: tom.email, customerId: sam.customerId }, portalSession: true });
    expect(resolved.result).toBe('several');
    expect(of(EVENTS.identityVerified.type, requestId)()).toEqual([]);
    const samRef = (await sql<{ subject_ref: string }>(`SELECT subject_ref FROM subject_keys WHERE kind = 'customerId' AND value = $1`, [sam.customerId]))[0]!.subject_ref;
    await kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.subjectDecided.type, { requestId, decision: 'subject', subjectRef: samRef, decidedBy: 'dpo-user-7' }, { correlationid: requestId });
    expect(await verifiedOnce(requestId)).toMatchObject({ subjectRef: samRef, method: 'portal-session' });
    expect(await challenges(requestId)).toEqual([]);
  });

  it('no customer number, e-mail, phone or mandate reference appears in any log line', () => {
    const all = logged.join('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [sam.email, sam.email.toLowerCase(), sam.customerId, sam.phone, tom.email.toLowerCase(), nobody.customerId, 'MAND-2026/0042']) expect(all).not.toContain(secret);
  });
});

/**
 * audit against real Kafka and PostgreSQL: a plain kafkajs client writes one request's
 * events on every kind of topic (requests, identity, plans, actions, a system's command
 * topic, replies, notifications, systems), the way the services and systems would; the
 * evidence API serves them in order, the tables hold no personal data, and the chain
 * verifies until a row is altered behind the trigger's back.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { commandTopic, EVENTS, topicOf, type EventEnvelope, type EventName } from '@datarights/contracts';
import { openApiDocument } from '@datarights/service-kit';
import {
  aSubject,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  withPg,
  type Isolation,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';
import { subjectKeyHash } from '../src/audit-log/subject-hashes';
import { sampleEvents, sampleIds } from './fixtures/sample-events';

jest.setTimeout(180_000);

const TOKENS = {
  dpo: 'audit-test-dpo-token',
  operator: 'audit-test-operator-token',
  auditor: 'audit-test-auditor-token',
};
const HMAC_KEY = 'audit-int-test-hmac-key-of-at-least-32-chars';

let iso: Isolation;
let app: NestExpressApplication;
let kafka: RawKafka;

const person = aSubject();
const ids = sampleIds({ systemId: `billing-${Date.now().toString(36)}` });
const events = sampleEvents(person, ids);

/** The journey of one erasure request, in the order the services would emit it. */
const JOURNEY: EventName[] = [
  'requestSubmitted',
  'subjectResolved',
  'verificationAttested',
  'identityVerified',
  'planBuilt',
  'actionDispatched',
  'eraseCommand',
  'commandCompleted',
  'actionCompleted',
  'holdRecorded',
  'notificationRequested',
  'executionCompleted',
  'requestClosed',
];
const sent = new Map<EventName, EventEnvelope>();

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  withPg(async (c) => {
    await c.query(`SET search_path TO "${iso.schema}"`);
    return (await c.query(query, params)).rows as T[];
  });

const recorded = async (eventId: string) =>
  (await sql(`SELECT 1 FROM audit_entries WHERE event_id = $1`, [eventId])).length === 1;
const entryCount = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entries`))[0]!.n;

async function send(name: EventName, data: object = events[name]): Promise<EventEnvelope> {
  const def = EVENTS[name];
  const key = (def.key as (d: object) => string)(data);
  const envelope = await kafka.sendEvent(
    topicOf(def as never, data as never),
    key,
    def.type,
    data,
    'requestId' in data ? { correlationid: ids.requestId } : {},
  );
  await waitFor(() => recorded(envelope.id), `${name} in the audit log`);
  return envelope;
}

const api = () => request(app.getHttpServer());
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  process.env.DPO_TOKEN = TOKENS.dpo;
  process.env.OPERATOR_TOKEN = TOKENS.operator;
  process.env.AUDITOR_TOKEN = TOKENS.auditor;
  process.env.AUDIT_HMAC_KEY = HMAC_KEY;
  process.env.AUDIT_HMAC_KEY_ID = 'k-test';
  iso = isolate(SERVICE);
  kafka = new RawKafka(iso.topicPrefix);
  // A command topic is subscribed to when the service starts: the system registered before.
  await kafka.ensureTopics([commandTopic(ids.systemId)]);
  app = await startTestService(AppModule, SERVICE, SCHEMA);
  sent.set('systemRegistered', await send('systemRegistered'));
  // One at a time: Kafka orders per partition only, and the test asserts the log's order.
  for (const name of JOURNEY) sent.set(name, await send(name));
});

afterAll(async () => {
  await kafka?.close();
  await app?.close();
  if (iso) await cleanup(iso);
});

describe('the evidence of a request', () => {
  it("serves the request's entries in order, each minimised and chained", async () => {
    const res = await api().get(`/v1/audit/requests/${ids.requestId}`).set(bearer(TOKENS.auditor)).expect(200);
    expect(res.body.requestId).toBe(ids.requestId);
    const entries = res.body.entries as {
      seq: number;
      eventId: string;
      type: string;
      source: string;
      occurredAt: string;
      payload: Record<string, unknown>;
      hash: string;
    }[];
    expect(entries.map((e) => e.type)).toEqual(JOURNEY.map((n) => EVENTS[n].type));
    expect(entries.map((e) => e.eventId)).toEqual(JOURNEY.map((n) => sent.get(n)!.id));
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
    expect(entries[0]).toMatchObject({
      source: 'request-intake',
      occurredAt: sent.get('requestSubmitted')!.time,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const byType = Object.fromEntries(entries.map((e) => [e.type, e.payload]));
    expect(byType[EVENTS.identityVerified.type]).toEqual({
      requestId: ids.requestId,
      requestType: 'erasure',
      subjectRef: ids.subjectRef,
      method: 'dpo-attested',
      attestedBy: 'dpo-user-7',
      verifiedAt: '2026-11-02T11:00:00.000Z',
      subjectKeysCount: 4,
    });
    expect(byType[EVENTS.commandCompleted.type]).toMatchObject({
      outcome: 'partial',
      errorGiven: true,
      export: { recordsCount: 1, part: 1, parts: 2 },
    });
    expect(byType[EVENTS.requestSubmitted.type]).toMatchObject({
      subjectGiven: ['customerId', 'email', 'name', 'phone'],
    });
  });

  it('names the subject only by keyed hashes, the same in every event that carries their keys', async () => {
    const rows = await sql<{ type: string; subject_hashes: string[]; key_id: string }>(
      `SELECT type, subject_hashes, key_id FROM audit_entries WHERE request_id = $1`,
      [ids.requestId],
    );
    const emailHash = subjectKeyHash(HMAC_KEY, 'email', person.email);
    const carrying = rows
      .filter((r) => r.subject_hashes.includes(emailHash))
      .map((r) => r.type)
      .sort();
    expect(carrying).toEqual(
      [
        EVENTS.eraseCommand.type,
        EVENTS.identityVerified.type,
        EVENTS.notificationRequested.type,
        EVENTS.planBuilt.type,
        EVENTS.requestSubmitted.type,
      ].sort(),
    );
    expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set(['k-test']));
  });

  it("holds none of the subject's e-mail, phone, customer id or name anywhere in the service's tables", async () => {
    const tables = await sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
      [iso.schema],
    );
    expect(tables.map((t) => t.table_name)).toContain('audit_entries');
    let dump = '';
    for (const { table_name } of tables)
      dump += (await sql<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`)).map((r) => r.row).join('\n');
    expect(dump).toContain(ids.requestId);
    const lower = dump.toLowerCase();
    for (const value of [
      person.email,
      person.phone,
      person.phone.slice(1),
      person.customerId,
      person.name,
      person.name.split(' ').pop()!,
    ]) {
      expect(lower).not.toContain(value.toLowerCase());
    }
  });

  it('verifies the whole chain', async () => {
    const res = await api().get('/v1/audit/verify').set(bearer(TOKENS.dpo)).expect(200);
    expect(res.body).toEqual({ valid: true, entries: JOURNEY.length + 1 });
  });

  it('appends a redelivered event once', async () => {
    const before = await entryCount();
    const again = sent.get('requestClosed')!;
    await kafka.send(topicOf(EVENTS.requestClosed as never, again.data as never), ids.requestId, again);
    // A later event on the same partition: once it is in the log, the redelivery was handled.
    await send('actionCloseRequested');
    expect(await entryCount()).toBe(before + 1);
    expect(await sql(`SELECT seq FROM audit_entries WHERE event_id = $1`, [again.id])).toHaveLength(1);
  });

  it('refuses to update or delete an entry', async () => {
    await expect(sql(`UPDATE audit_entries SET type = 'x' WHERE seq = 1`)).rejects.toThrow('append-only');
    await expect(sql(`DELETE FROM audit_entries WHERE seq = 1`)).rejects.toThrow('append-only');
    await expect(sql(`TRUNCATE audit_entries`)).rejects.toThrow('append-only');
  });
});

describe('access to the evidence', () => {
  it('needs a token (401) with the dpo or auditor role (403)', async () => {
    await api().get(`/v1/audit/requests/${ids.requestId}`).expect(401);
    await api().get('/v1/audit/verify').expect(401);
    await api().get('/v1/audit/verify').set(bearer('not-a-token')).expect(401);
    await api().get(`/v1/audit/requests/${ids.requestId}`).set(bearer(TOKENS.operator)).expect(403);
    const res = await api().get('/v1/audit/verify').set(bearer(TOKENS.operator)).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('answers 400 for an id that is not a UUID and 404 for a request it never saw', async () => {
    await api().get('/v1/audit/requests/not-a-uuid').set(bearer(TOKENS.dpo)).expect(400);
    await api().get('/v1/audit/requests/6a1f9d4e-1111-4aaa-8bbb-123456789abc').set(bearer(TOKENS.dpo)).expect(404);
  });

  it('documents both routes and their response shapes in OpenAPI', () => {
    const doc = openApiDocument(app, { title: 'datarights audit', description: 'evidence' });
    expect(doc.paths['/v1/audit/requests/{id}']?.get?.responses).toHaveProperty('200');
    expect(doc.paths['/v1/audit/verify']?.get?.responses).toHaveProperty('200');
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['RequestEvidenceDto', 'AuditEntryDto', 'ChainVerificationDto', 'BrokenLinkDto']),
    );
  });

  it('leaves the health probe open', async () => {
    await api().get('/health/live').expect(200);
  });
});

describe('tampering', () => {
  it('names the altered entry', async () => {
    const target = (
      await sql<{ seq: string }>(`SELECT seq::text FROM audit_entries WHERE event_id = $1`, [
        sent.get('identityVerified')!.id,
      ])
    )[0]!;
    await sql(`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`);
    try {
      await sql(
        `UPDATE audit_entries SET payload = jsonb_set(payload, '{attestedBy}', '"someone-else"') WHERE seq = $1`,
        [target.seq],
      );
    } finally {
      await sql(`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`);
    }
    const res = await api().get('/v1/audit/verify').set(bearer(TOKENS.auditor)).expect(200);
    expect(res.body).toEqual({
      valid: false,
      entries: await entryCount(),
      firstBroken: {
        seq: Number(target.seq),
        eventId: sent.get('identityVerified')!.id,
        reason: expect.stringContaining('hash does not match'),
      },
    });
  });
});

/**
 * audit against real Kafka and PostgreSQL: a plain kafkajs client writes one request's
 * events on every kind of topic (requests, identity, plans, actions, a system's command
 * topic, replies, notifications, systems), the way the services and systems would; the
 * evidence API serves them in order, the tables hold no personal data, and the chain
 * verifies. The schema's owner runs the migrations; the service runs as a login holding
 * only the runtime role. Then someone who can write the database (the owner) rewrites an
 * entry and recomputes the whole chain, or cuts its tail: the signatures and the signed
 * checkpoints (Kafka, files) show it, in the service and offline with the public key only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  commandTopic,
  dlqTopic,
  EVENTS,
  topicOf,
  TOPICS,
  type EventEnvelope,
  type EventName,
} from '@datarights/contracts';
import {
  databaseSettingsFromEnv,
  resolveSchema,
  runMigrations,
  serviceDataSourceOptions,
} from '@datarights/persistence';
import { openApiDocument } from '@datarights/service-kit';
import {
  aSubject,
  cleanup,
  DATABASE_URL,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  withPg,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { main as auditCli, entryOfRow, exportLog, type EntryRow } from '../src/offline/audit-cli';
import { APPEND_ONLY_TABLES, AppModule, SCHEMA, SERVICE } from '../src/app.module';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import { entryHash, type ChainedContent } from '../src/audit-log/canonical-hash';
import { ChainVerifier } from '../src/evidence/chain-verifier';
import { AuditEntryEntity } from '../src/audit-log/entities/audit-entry.entity';
import { legacySubjectKeyHash, subjectHashesToFind } from '../src/audit-log/subject-hashes';
import { AuditConfig, pseudonymiserOf } from '../src/config/app.config';
import { MIGRATIONS } from '../src/migrations';
import { signingKeyFromPem, signText } from '../src/signing/signing-keys';
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
let checkpointTopic: Received[];
const work = mkdtempSync(join(tmpdir(), 'audit-int-'));
const checkpointDir = join(work, 'checkpoints');
const publicKeyFile = join(work, 'audit-signing.pub.pem');
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signingKey = signingKeyFromPem(SIGNING_KEY);
/** The login the service runs as: holds the runtime role, owns nothing. */
let appLogin: string;

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

/** As the schema's owner (postgres here): what a database administrator can do. */
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  withPg(async (c) => {
    await c.query(`SET search_path TO "${iso.schema}"`);
    return (await c.query(query, params)).rows as T[];
  });
/** As the service's own login (the runtime role). */
const asRuntime = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  withPg(
    async (c) => {
      await c.query(`SET search_path TO "${iso.schema}"`);
      return (await c.query(query, params)).rows as T[];
    },
    DATABASE_URL.replace('postgres@', `${appLogin}@`),
  );

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
  process.env.AUDIT_SIGNING_KEY = SIGNING_KEY;
  process.env.AUDIT_CHECKPOINT_DIR = checkpointDir;
  writeFileSync(publicKeyFile, signingKey.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  iso = isolate(SERVICE);
  kafka = new RawKafka(iso.topicPrefix);
  // A command topic is subscribed to when the service starts: the system registered before.
  await kafka.ensureTopics([commandTopic(ids.systemId)]);
  // The owner migrates and grants the runtime role its rights, as main.ts does with
  // DATABASE_RUNTIME_ROLE; the service then runs as that role, which owns nothing.
  appLogin = `${iso.schema}_app`;
  await withPg((c) => c.query(`CREATE ROLE "${appLogin}" LOGIN`));
  const owner = new DataSource(
    serviceDataSourceOptions({
      schema: resolveSchema(SCHEMA, process.env),
      settings: databaseSettingsFromEnv(process.env),
      entities: [AuditEntryEntity],
      migrations: MIGRATIONS,
    }),
  );
  await owner.initialize();
  await runMigrations(owner, iso.schema, { runtimeRole: appLogin, appendOnlyTables: APPEND_ONLY_TABLES });
  await owner.destroy();
  app = await startTestService(AppModule, SERVICE, SCHEMA, {
    DATABASE_URL: DATABASE_URL.replace('postgres@', `${appLogin}@`),
    RUN_MIGRATIONS: 'false',
  });
  checkpointTopic = await kafka.collect([TOPICS.auditCheckpoints.name]);
  sent.set('systemRegistered', await send('systemRegistered'));
  // One at a time: Kafka orders per partition only, and the test asserts the log's order.
  for (const name of JOURNEY) sent.set(name, await send(name));
});

afterAll(async () => {
  await kafka?.close();
  await app?.close();
  if (iso) await cleanup(iso);
  if (appLogin)
    await withPg(async (c) => {
      await c.query(`DROP OWNED BY "${appLogin}"`).catch(() => undefined);
      await c.query(`DROP ROLE IF EXISTS "${appLogin}"`);
    });
  rmSync(work, { recursive: true, force: true });
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
    const pseudonyms = pseudonymiserOf(app.get(AuditConfig));
    const emailHash = pseudonyms.hash('email', person.email);
    expect(emailHash).toMatch(/^hmac-sha256:k-test:/);
    expect(subjectHashesToFind(pseudonyms, 'email', person.email)).toContain(emailHash);
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

  it('verifies the whole chain and returns its head', async () => {
    const res = await api().get('/v1/audit/verify').set(bearer(TOKENS.dpo)).expect(200);
    const [last] = await sql<{ seq: string; hash: string }>(
      `SELECT e.seq::text AS seq, e.hash FROM audit_entries e ORDER BY e.seq DESC LIMIT 1`,
    );
    expect(res.body).toMatchObject({
      valid: true,
      entries: JOURNEY.length + 1,
      head: { seq: Number(last!.seq), hash: last!.hash },
    });
  });

  it('finds a subject for the DPO in entries of both hash formats, and verifies an entry written before key ids', async () => {
    // An entry as audit wrote them before issue 16 (hex HMAC-SHA256 of kind:normalised
    // value), chained and signed: such entries are never rewritten.
    const [last] = await sql<{ seq: string; hash: string }>(
      `SELECT e.seq::text AS seq, e.hash FROM audit_entries e ORDER BY e.seq DESC LIMIT 1`,
    );
    const old: ChainedContent = {
      seq: Number(last!.seq) + 1,
      eventId: randomUUID(),
      type: EVENTS.identityVerified.type,
      source: 'identity',
      occurredAt: new Date().toISOString(),
      requestId: null,
      subjectHashes: [legacySubjectKeyHash(HMAC_KEY, 'email', person.email)],
      payload: {},
      keyId: 'k-test',
    };
    const hash = entryHash(last!.hash, old);
    // Through the service's own append path (as the runtime role, under the chain's lock).
    await app.get(DataSource).transaction(async (tx) => {
      await app.get(AuditLogRepository).lockChain(tx);
      await app.get(AuditLogRepository).insert(tx, {
        ...old,
        prevHash: last!.hash,
        hash,
        signature: signText(signingKey, hash),
        sigKeyId: signingKey.id,
      });
    });
    expect((await api().get('/v1/audit/verify').set(bearer(TOKENS.dpo)).expect(200)).body).toMatchObject({
      valid: true,
      head: { seq: old.seq, hash },
    });

    const out: string[] = [];
    // The identifier comes on standard input, written another way: it is normalised.
    expect(
      await auditCli(
        ['find', '--kind', 'email'],
        (l) => out.push(l),
        async () => ` ${person.email.toUpperCase()}\n`,
      ),
    ).toBe(0);
    const found = JSON.parse(out.join('\n')) as { found: { seq: number; type: string; keyId: string }[] };
    expect(found.found.map((e) => e.type).sort()).toEqual(
      [
        EVENTS.eraseCommand.type,
        EVENTS.identityVerified.type,
        EVENTS.identityVerified.type,
        EVENTS.notificationRequested.type,
        EVENTS.planBuilt.type,
        EVENTS.requestSubmitted.type,
      ].sort(),
    );
    expect(found.found.at(-1)).toMatchObject({ seq: old.seq, keyId: 'k-test' });
    expect(out.join('\n')).not.toContain(person.email);
  });

  it('signs every entry with the signing key, named by its id', async () => {
    const rows = await sql<{ sig_key_id: string; signature: string }>(
      `SELECT sig_key_id, signature FROM audit_entries`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.sig_key_id))).toEqual(new Set([signingKey.id]));
    expect(rows.every((r) => /^[A-Za-z0-9+/]{86}==$/.test(r.signature))).toBe(true);
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

describe('replies', () => {
  it('records no reply to a command that was not sent to its system, and dead-letters it', async () => {
    const dlq = await kafka.collect([dlqTopic(TOPICS.replies.name)]);
    const command = events.commandCompleted as { commandId: string; requestId: string };
    // Another system's real command, answered by a system it was not sent to; and a command never sent.
    const intruder = `intruder-${Date.now().toString(36)}`;
    const wrongSystem = await kafka.sendEvent(TOPICS.replies.name, ids.requestId, EVENTS.commandCompleted.type, {
      ...events.commandCompleted,
      systemId: intruder,
    });
    const neverSent = await kafka.sendEvent(TOPICS.replies.name, ids.requestId, EVENTS.commandCompleted.type, {
      ...events.commandCompleted,
      commandId: randomUUID(),
    });
    for (const [envelope, why] of [
      [wrongSystem, `reply to command ${command.commandId}, which was not sent to ${intruder}`],
      [neverSent, 'which was not sent to'],
    ] as const) {
      const dead = await kafka.waitForMessage(
        dlq,
        (r) => r.envelope?.id === envelope.id,
        'the unsolicited reply dead-lettered',
        60_000,
      );
      expect(dead.headers['x-dlq-reason']).toContain(why);
      expect(await recorded(envelope.id)).toBe(false);
    }
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

describe('the runtime role', () => {
  it('may read and append, and nothing else: no update, delete, truncate, trigger or table change', async () => {
    expect(await asRuntime(`SELECT count(*)::int AS n FROM audit_entries`)).toEqual([{ n: await entryCount() }]);
    for (const statement of [
      `UPDATE audit_entries SET type = 'x' WHERE seq = 1`,
      `DELETE FROM audit_entries WHERE seq = 1`,
      `TRUNCATE audit_entries`,
      `UPDATE audit_checkpoints SET entries = 0`,
      `DELETE FROM audit_checkpoints`,
    ])
      await expect(asRuntime(statement)).rejects.toThrow('permission denied');
    for (const statement of [
      `ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`,
      `DROP TRIGGER audit_entries_append_only ON audit_entries`,
      `ALTER TABLE audit_entries ADD COLUMN x int`,
      `DROP TABLE audit_entries`,
    ])
      await expect(asRuntime(statement)).rejects.toThrow('must be owner');
    expect(await asRuntime(`SELECT current_user AS who`)).toEqual([{ who: appLogin }]);
  });
});

describe('signed checkpoints', () => {
  it('signs one on demand, publishes it on the compacted topic and in the checkpoint directory', async () => {
    const entries = await entryCount();
    const res = await api().post('/v1/audit/checkpoints').set(bearer(TOKENS.auditor)).expect(201);
    const [last] = await sql<{ seq: string; hash: string }>(
      `SELECT e.seq::text AS seq, e.hash FROM audit_entries e ORDER BY e.seq DESC LIMIT 1`,
    );
    expect(res.body).toMatchObject({
      log: iso.schema,
      entries,
      headSeq: Number(last!.seq),
      headHash: last!.hash,
      keyId: signingKey.id,
    });
    const onKafka = await kafka.waitForMessage(
      checkpointTopic,
      (m) =>
        m.envelope?.type === EVENTS.auditCheckpoint.type &&
        (m.envelope.data as { entries: number }).entries === entries,
      'the checkpoint on Kafka',
    );
    expect(onKafka.key).toBe(iso.schema);
    expect(onKafka.envelope!.data).toEqual(res.body);
    expect(readdirSync(checkpointDir)).toContain(
      `${iso.schema}-${String(res.body.headSeq).padStart(15, '0')}-${String(entries).padStart(15, '0')}.json`,
    );
    const verified = await api().get('/v1/audit/verify').set(bearer(TOKENS.auditor)).expect(200);
    expect(verified.body).toMatchObject({ valid: true, checkpoint: { ...res.body, source: 'memory' } });
  });

  it('lets an auditor verify an export offline with nothing but the public key', async () => {
    const file = join(work, 'export-intact.jsonl');
    expect(await exportLog(file, { ...process.env, DATABASE_SCHEMA: iso.schema })).toBe(await entryCount());
    const out: string[] = [];
    const code = await auditCli(['verify', file, '--checkpoints', checkpointDir, '--public-key', publicKeyFile], (l) =>
      out.push(l),
    );
    expect(JSON.parse(out.join('\n'))).toMatchObject({ valid: true, entries: await entryCount(), checkpoints: 1 });
    expect(code).toBe(0);
  });
});

describe('tampering by whoever can write the database', () => {
  let removed: { seq: string; event_id: string }[];

  it('detects entries deleted from the end, with the checkpoint table cut back too', async () => {
    removed = await sql(`SELECT e.seq::text AS seq, e.event_id FROM audit_entries e ORDER BY e.seq DESC LIMIT 3`);
    await sql(`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`);
    await sql(`ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only`);
    try {
      await sql(`DELETE FROM audit_entries WHERE seq >= $1`, [removed[2]!.seq]);
      await sql(`DELETE FROM audit_checkpoints`);
    } finally {
      await sql(`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`);
      await sql(`ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_append_only`);
    }
    const res = await api().get('/v1/audit/verify').set(bearer(TOKENS.auditor)).expect(200);
    expect(res.body).toMatchObject({
      valid: false,
      entries: await entryCount(),
      truncated: expect.stringContaining('entries were removed from its end'),
    });
    expect(res.body.firstBroken).toBeUndefined();
    expect(res.body.checkpoint.headSeq).toBe(Number(removed[0]!.seq));

    // Offline, with the checkpoint as dumped from Kafka (the envelope as it is on the topic).
    const file = join(work, 'export-cut.jsonl');
    await exportLog(file, { ...process.env, DATABASE_SCHEMA: iso.schema });
    const dumped = join(work, 'checkpoints-from-kafka.jsonl');
    writeFileSync(
      dumped,
      checkpointTopic
        .filter((m) => m.envelope?.type === EVENTS.auditCheckpoint.type)
        .map((m) => m.value)
        .join('\n'),
    );
    const out: string[] = [];
    const code = await auditCli(['verify', file, '--checkpoints', dumped, '--public-key', publicKeyFile], (l) =>
      out.push(l),
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join('\n')).truncated).toContain('entries were removed from its end');
  });

  it('names the rewritten entry when every hash after it was recomputed', async () => {
    const target = sent.get('identityVerified')!.id;
    const rows = (await sql<EntryRow>(`SELECT * FROM audit_entries ORDER BY seq`)).map(entryOfRow);
    const from = rows.findIndex((r) => r.eventId === target);
    expect(from).toBeGreaterThan(0);
    // The attacker's edit, then every hash from there to the end recomputed, exactly as the service would.
    rows[from]!.payload = { ...rows[from]!.payload, attestedBy: 'someone-else' };
    let prev = rows[from - 1]!.hash;
    await sql(`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`);
    try {
      for (const r of rows.slice(from)) {
        const hash = entryHash(prev, r);
        await sql(`UPDATE audit_entries SET payload = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, [
          r.seq,
          JSON.stringify(r.payload),
          prev,
          hash,
        ]);
        prev = hash;
      }
    } finally {
      await sql(`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`);
    }
    const tampered = rows.length - from;
    expect(tampered).toBeGreaterThan(1);
    // The recomputed chain holds on its own: only the signatures show the rewrite.
    const plain = new ChainVerifier();
    for (const r of (await sql<EntryRow>(`SELECT * FROM audit_entries ORDER BY seq`)).map(entryOfRow)) plain.check(r);
    expect(plain.firstBroken).toBeUndefined();
    const res = await api().get('/v1/audit/verify').set(bearer(TOKENS.auditor)).expect(200);
    expect(res.body).toMatchObject({
      valid: false,
      entries: await entryCount(),
      firstBroken: {
        seq: Number(rows[from]!.seq),
        eventId: target,
        reason: expect.stringContaining('signature does not verify'),
      },
    });

    const file = join(work, 'export-rewritten.jsonl');
    await exportLog(file, { ...process.env, DATABASE_SCHEMA: iso.schema });
    const out: string[] = [];
    const code = await auditCli(['verify', file, '--checkpoints', checkpointDir, '--public-key', publicKeyFile], (l) =>
      out.push(l),
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join('\n')).firstBroken).toMatchObject({ seq: Number(rows[from]!.seq), eventId: target });
  });
});

/**
 * The connector against a real Kafka broker and a real PostgreSQL. A plain kafkajs client
 * plays the DSR side and writes the documented envelope by hand, so this checks the
 * public contract, not just the SDK talking to itself.
 */
import {
  EXPORT_PART_MAX_BYTES,
  parseEnvelope,
  systemTopic,
  TOPICS,
  type EraseCommand,
  type EventEnvelope,
  type ExportCommand,
  type SystemRegistered,
} from '@datarights/contracts';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  assembleExportParts,
  Connector,
  PostgresCommandStore,
  silentLogger,
  type CommandResult,
  type ReplyPayload,
} from './index';

jest.setTimeout(120_000);

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/datarights';
const RUN = randomBytes(4).toString('hex');
const SYSTEM_ID = `sdk-test-${RUN}`;
// Every topic of this run is prefixed (as KAFKA_TOPIC_PREFIX does for the services), so the
// run neither sees nor leaves registrations and replies on a shared broker's real topics.
const PREFIX = `sdk-test-${RUN}.`;
// The topics the system writes: its own (what its Kafka user may write, and nothing else).
const T = {
  systems: PREFIX + systemTopic(TOPICS.systems, SYSTEM_ID),
  events: PREFIX + systemTopic(TOPICS.dataEvents, SYSTEM_ID),
  replies: PREFIX + systemTopic(TOPICS.replies, SYSTEM_ID),
};
const COMMAND_TOPIC = `${PREFIX}pdata.commands.${SYSTEM_ID}.v1`;
const CUSTOMERS = `sdk_test_${RUN}_customers`;
const HANDLED = `sdk_test_${RUN}_commands`;

interface Seen {
  topic: string;
  key: string;
  headers: Record<string, string>;
  envelope: EventEnvelope<Record<string, unknown>>;
  bytes: number;
}

const registration: SystemRegistered = {
  systemId: SYSTEM_ID,
  name: 'SDK test CRM',
  owner: 'connector-sdk tests',
  role: 'controller',
  purposes: ['customer-relationship'],
  legalBasis: 'contract',
  categories: ['identification', 'relationship'],
  location: 'FR',
  transfers: [{ country: 'US', mechanism: 'scc', recipient: 'Mailer Inc.' }],
  recipients: [{ name: 'Mailer Inc.', kind: 'sub-processor', categories: ['identification'], country: 'US' }],
  capabilities: ['export', 'erase'],
};

const kafka = new Kafka({ clientId: `sdk-test-dsr-${RUN}`, brokers: BROKERS, logLevel: logLevel.NOTHING });
let admin: Admin;
let dsrProducer: Producer;
let dsrConsumer: Consumer;
let dlqConsumer: Consumer;
let pool: Pool;
const connectors: Connector[] = [];
const seen: Seen[] = [];
let eraseRuns = 0;

const headersOf = (h: IHeaders | undefined) =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(v)]));

async function collect(consumer: Consumer, topics: string[], fromBeginning: boolean): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const parsed = parseEnvelope(message.value);
      const envelope = (parsed.ok ? parsed.envelope : { raw: String(message.value) }) as EventEnvelope<
        Record<string, unknown>
      >;
      seen.push({
        topic,
        key: String(message.key),
        headers: headersOf(message.headers),
        envelope,
        bytes: message.value?.length ?? 0,
      });
    },
  });
  await joined;
}

async function waitFor<T>(what: string, find: () => T[], count = 1, timeoutMs = 30_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} × ${what} (saw ${found.length})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const repliesTo = (commandId: string) => () =>
  seen.filter((s) => s.topic === T.replies && s.envelope.data?.commandId === commandId);

/** The DSR side: a command written by hand in the documented envelope. */
async function sendCommand(
  kind: 'erase' | 'export',
  data: Omit<EraseCommand | ExportCommand, 'subjectKeys'> & { subjectKeys: Record<string, string[]> },
  id = randomUUID(),
) {
  const envelope = {
    specversion: '1.0',
    id,
    source: 'erasure-executor',
    type: `pdata.command.${kind}.v1`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: data.requestId,
    data,
  };
  await dsrProducer.send({
    topic: COMMAND_TOPIC,
    messages: [
      {
        key: data.requestId,
        value: JSON.stringify(envelope),
        headers: { 'content-type': 'application/cloudevents+json' },
      },
    ],
  });
  return envelope;
}

function aCommand(subjectKeys: Record<string, string[]>) {
  return {
    commandId: randomUUID(),
    requestId: randomUUID(),
    systemId: SYSTEM_ID,
    subjectKeys,
    categories: ['identification'],
    respondBy: '2031-01-01T00:00:00Z',
  };
}

/** The tiny company system: a customers table, erase and export handlers. */
function aSystem(store: PostgresCommandStore): Connector {
  const connector = new Connector({
    brokers: BROKERS,
    clientId: SYSTEM_ID,
    topicPrefix: PREFIX,
    registration,
    store,
    logger: silentLogger,
    respondRetries: 1,
    retryBackoffMs: 50,
  });
  connector.onCommand('erase', async (cmd): Promise<CommandResult> => {
    eraseRuns++;
    const { rowCount } = await pool.query(`DELETE FROM ${CUSTOMERS} WHERE email = ANY($1) OR customer_id = ANY($2)`, [
      cmd.subjectKeys.email ?? [],
      cmd.subjectKeys.customerId ?? [],
    ]);
    return { outcome: rowCount ? 'done' : 'not-found', affectedRecords: rowCount ?? 0 };
  });
  connector.onCommand('export', async (cmd): Promise<CommandResult> => {
    const { rows } = await pool.query(
      `SELECT customer_id, email, note FROM ${CUSTOMERS} WHERE email = ANY($1) ORDER BY id`,
      [cmd.subjectKeys.email ?? []],
    );
    return { outcome: rows.length ? 'done' : 'not-found', affectedRecords: rows.length, records: rows };
  });
  connectors.push(connector);
  return connector;
}

beforeAll(async () => {
  pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
  await pool.query('SELECT 1').catch((err: Error) => {
    throw new Error(
      `PostgreSQL at ${DATABASE_URL} does not answer (${err.message}); start it with: node tools/infra/cli.mjs up`,
    );
  });
  await pool.query(
    `CREATE TABLE ${CUSTOMERS} (id serial PRIMARY KEY, customer_id text NOT NULL, email text NOT NULL, note text NOT NULL)`,
  );
  await pool.query(
    `INSERT INTO ${CUSTOMERS} (customer_id, email, note) VALUES ('C-1', 'jane@example.org', 'vip'), ('C-1', 'jane.doe@example.org', 'old address'), ('C-2', 'joe@example.org', 'new')`,
  );
  // The export subject: 3000 rows of ~1 KB, over 2 MiB in all.
  await pool.query(
    `INSERT INTO ${CUSTOMERS} (customer_id, email, note) SELECT 'C-9', 'big@example.org', repeat('é', 300) || repeat('n', 400) || g FROM generate_series(1, 3000) g`,
  );

  admin = kafka.admin();
  await admin.connect().catch((err: Error) => {
    throw new Error(
      `Kafka at ${BROKERS.join(',')} does not answer (${err.message}); start it with: node tools/infra/cli.mjs up`,
    );
  });
  await admin.createTopics({ waitForLeaders: true, topics: Object.values(T).map((topic) => ({ topic })) });
  dsrProducer = kafka.producer();
  await dsrProducer.connect();
  dsrConsumer = kafka.consumer({ groupId: `sdk-test-dsr-${RUN}`, maxWaitTimeInMs: 100 });
  // The run's topics are new: reading from the beginning misses nothing.
  await collect(dsrConsumer, Object.values(T), true);
});

afterAll(async () => {
  // Every client is disconnected even if an earlier step failed: a member left behind
  // holds its partitions for the session timeout.
  for (const c of connectors) await c.stop();
  for (const client of [dsrConsumer, dlqConsumer, dsrProducer]) await client?.disconnect().catch(() => undefined);
  if (admin) {
    const mine = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.startsWith(PREFIX));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    await admin.disconnect();
  }
  if (pool) {
    await pool.query(`DROP TABLE IF EXISTS ${CUSTOMERS}, ${HANDLED}`).catch(() => undefined);
    await pool.end();
  }
});

describe('Connector against real Kafka and PostgreSQL', () => {
  let store: PostgresCommandStore;
  let connector: Connector;

  it('registers on its own pdata.systems.<id>.v1, keyed by systemId, once started', async () => {
    store = new PostgresCommandStore(pool, HANDLED);
    connector = aSystem(store);
    await connector.start();
    const [registered] = await waitFor('registration', () =>
      seen.filter((s) => s.topic === T.systems && s.key === SYSTEM_ID),
    );
    expect(registered.headers['content-type']).toBe('application/cloudevents+json');
    expect(registered.envelope).toMatchObject({
      type: 'pdata.system.registered.v1',
      source: SYSTEM_ID,
      data: { systemId: SYSTEM_ID, capabilities: ['export', 'erase'] },
    });

    dlqConsumer = kafka.consumer({ groupId: `sdk-test-dlq-${RUN}`, maxWaitTimeInMs: 100 });
    await collect(dlqConsumer, [`${COMMAND_TOPIC}.dlq`], true);
  });

  it('publishes a stored event per row, keyed systemId:recordRef, and sends nothing for an invalid batch', async () => {
    const { rows } = await pool.query(`SELECT id, customer_id, email FROM ${CUSTOMERS} WHERE customer_id <> 'C-9'`);
    const records = rows.map((r) => ({
      recordRef: String(r.id),
      category: 'identification',
      subjectKeys: { email: r.email, customerId: r.customer_id },
    }));
    await expect(
      connector.publishRecords('updated', [records[0], { ...records[1], subjectKeys: { email: 'nope' } }]),
    ).rejects.toThrow(/record #1: subjectKeys\.email/);
    await connector.publishRecords('stored', records);

    const events = await waitFor(
      'stored events',
      () => seen.filter((s) => s.topic === T.events && s.envelope.source === SYSTEM_ID),
      rows.length,
    );
    expect(events.map((e) => e.key).sort()).toEqual(records.map((r) => `${SYSTEM_ID}:${r.recordRef}`).sort());
    // The invalid batch sent nothing, not even its valid first record.
    expect(events.every((e) => e.envelope.type === 'pdata.record.stored.v1')).toBe(true);
  });

  it('erases and replies; a repeated command is answered again without running again', async () => {
    const data = aCommand({ email: ['jane@example.org', 'jane.doe@example.org'], customerId: ['C-1'] });
    const first = await sendCommand('erase', data);
    const [reply] = await waitFor('erase reply', repliesTo(data.commandId));
    expect(reply.key).toBe(data.requestId);
    expect(reply.headers['content-type']).toBe('application/cloudevents+json');
    expect(reply.envelope).toMatchObject({
      type: 'pdata.command.completed.v1',
      source: SYSTEM_ID,
      correlationid: data.requestId,
      causationid: first.id,
      data: {
        commandId: data.commandId,
        requestId: data.requestId,
        systemId: SYSTEM_ID,
        outcome: 'done',
        affectedRecords: 2,
      },
    });
    expect((await pool.query(`SELECT 1 FROM ${CUSTOMERS} WHERE customer_id = 'C-1'`)).rowCount).toBe(0);

    await sendCommand('erase', data);
    const replies = await waitFor('second erase reply', repliesTo(data.commandId), 2);
    expect(replies[1].envelope.data).toEqual(replies[0].envelope.data);
    expect(eraseRuns).toBe(1);
  });

  it('skips a message it cannot answer (no valid commandId), writing nothing, and handles the next one on the same partition', async () => {
    const valid = aCommand({ customerId: ['C-2'] });
    const key = valid.requestId;
    await dsrProducer.send({
      topic: COMMAND_TOPIC,
      messages: [
        {
          key,
          value: JSON.stringify({
            specversion: '1.0',
            id: randomUUID(),
            type: 'pdata.command.erase.v1',
            source: 'x',
            time: new Date().toISOString(),
            data: { commandId: 'not-a-uuid' },
          }),
        },
      ],
    });
    await sendCommand('erase', valid);

    const [reply] = await waitFor('reply after the skipped message', repliesTo(valid.commandId));
    expect(reply.envelope.data).toMatchObject({ outcome: 'done', affectedRecords: 1 });
    // Nothing on its replies for the skipped one, nor on any topic its Kafka user may not write.
    expect(seen.filter((x) => x.topic === T.replies && x.key === key)).toHaveLength(1);
    expect(seen.filter((x) => x.topic === `${COMMAND_TOPIC}.dlq`)).toHaveLength(0);
  });

  it('answers failed an invalid command of its own and one it has no handler for, and goes on', async () => {
    // One request id for all three: one partition, so the last is handled only if neither blocked it.
    const requestId = randomUUID();
    const invalid = { ...aCommand({}), requestId };
    const unhandled = { ...aCommand({ customerId: ['C-2'] }), requestId, purposes: ['prospection'] };
    const next = { ...aCommand({ customerId: ['C-404'] }), requestId };
    await sendCommand('erase', invalid);
    await dsrProducer.send({
      topic: COMMAND_TOPIC,
      messages: [
        {
          key: requestId,
          value: JSON.stringify({
            specversion: '1.0',
            id: randomUUID(),
            source: 'erasure-executor',
            type: 'pdata.command.suppress.v1',
            time: new Date().toISOString(),
            datacontenttype: 'application/json',
            correlationid: requestId,
            data: unhandled,
          }),
          headers: { 'content-type': 'application/cloudevents+json' },
        },
      ],
    });
    await sendCommand('erase', next);

    const [nextReply] = await waitFor('reply to the command after them', repliesTo(next.commandId));
    expect(nextReply.envelope.data).toMatchObject({ outcome: 'not-found' });
    const [invalidReply] = await waitFor('failed reply to the invalid command', repliesTo(invalid.commandId));
    expect(invalidReply.key).toBe(requestId);
    expect(invalidReply.envelope).toMatchObject({
      type: 'pdata.command.failed.v1',
      source: SYSTEM_ID,
      data: { commandId: invalid.commandId, requestId, systemId: SYSTEM_ID, outcome: 'failed' },
    });
    expect(invalidReply.envelope.data.error).toMatch(/^invalid pdata\.command\.erase\.v1: subjectKeys/);
    const [unhandledReply] = await waitFor('failed reply to the unhandled command', repliesTo(unhandled.commandId));
    expect(unhandledReply.envelope).toMatchObject({
      type: 'pdata.command.failed.v1',
      data: { outcome: 'failed', error: `system ${SYSTEM_ID} has no handler for suppress commands` },
    });
    expect(connector.status()).toBe('running');
  });

  it('splits an export of more than 2 MiB into parts that reassemble whole', async () => {
    const data = aCommand({ email: ['big@example.org'] });
    await sendCommand('export', data);
    const firstPart = (await waitFor('first export part', repliesTo(data.commandId)))[0];
    const total = (firstPart.envelope.data.export as { parts: number }).parts;
    expect(total).toBeGreaterThanOrEqual(5);
    const parts = await waitFor('every export part', repliesTo(data.commandId), total);
    for (const p of parts) expect(p.bytes).toBeLessThan(EXPORT_PART_MAX_BYTES);
    const records = assembleExportParts(parts.map((p) => p.envelope.data as unknown as ReplyPayload));
    const { rows } = await pool.query(
      `SELECT customer_id, email, note FROM ${CUSTOMERS} WHERE email = 'big@example.org' ORDER BY id`,
    );
    expect(Buffer.byteLength(JSON.stringify(rows))).toBeGreaterThan(2 * 1024 * 1024);
    expect(records).toEqual(rows);
    expect(parts.every((p) => p.envelope.data.affectedRecords === 3000)).toBe(true);
  });

  it('keeps deduplicating across a restart with PostgresCommandStore', async () => {
    const data = aCommand({ email: ['joe@example.org'] });
    await pool.query(`INSERT INTO ${CUSTOMERS} (customer_id, email, note) VALUES ('C-3', 'joe@example.org', 'again')`);
    await sendCommand('erase', data);
    await waitFor('reply before restart', repliesTo(data.commandId));
    const runsBefore = eraseRuns;
    await connector.stop();

    // A new process: new connector, new store object, same table and consumer group.
    const restarted = aSystem(new PostgresCommandStore(pool, HANDLED));
    await restarted.start();
    await sendCommand('erase', data);
    const replies = await waitFor('reply after restart', repliesTo(data.commandId), 2);
    expect(replies[1].envelope.data).toEqual(replies[0].envelope.data);
    expect(eraseRuns).toBe(runsBefore);
  });
});

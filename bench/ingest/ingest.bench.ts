/**
 * Ingest benchmark: how fast data-locator indexes a system's `pdata.events.<systemId>.v1`, next to a bare
 * kafkajs consumer doing the least possible with the same events, in the same run.
 *
 *   TS_NODE_PROJECT=tsconfig.json npx ts-node --transpile-only -r tsconfig-paths/register bench/ingest/ingest.bench.ts
 *
 * BENCH_EVENTS (default 50000) events are produced once to an isolated, prefixed topic.
 * (a) locator: the data-locator app, started in-process with startTestService on its own
 *     schema, consumes them on its real path (envelope and payload validation, inbox,
 *     dedupe, normalised keys, one `INSERT ... ON CONFLICT` per batch into pdata_index
 *     and its three key indexes).
 * (b) baseline: a bare kafkajs `eachBatch` consumer (same partition concurrency) parsing
 *     the JSON and writing the same rows into a plain table (no key, no index), one
 *     multi-row INSERT per batch.
 * The rate is measured from the first committed row to the last (start-up, group join and
 * the first fetch are printed apart), by polling the row count. Results go to stdout, and
 * to bench/results/ (git-ignored) when BENCH_JSON=1. Schemas, topics and groups are removed.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Producer } from 'kafkajs';
import { Pool } from 'pg';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  createEnvelope,
  EVENTS,
  normaliseKey,
  systemTopic,
  TOPICS,
  type RecordEvent,
} from '@datarights/contracts';
import {
  cleanup,
  DATABASE_URL,
  isolate,
  RawKafka,
  startTestService,
  testKafka,
  type Isolation,
} from '@datarights/testing';

process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const N = Number(process.env.BENCH_EVENTS ?? 50_000);
const PARTITIONS = Number(process.env.KAFKA_PARTITIONS ?? 3);
const POLL_MS = 25;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);
// One system: each system writes its own topic (pdata.events.<id>.v1), and the bench
// measures one topic's throughput.
const SYSTEM_ID = 'crm';
const SYSTEMS = [SYSTEM_ID];
const CATEGORIES = ['identification', 'billing', 'usage', 'relationship'];

interface Run {
  rows: number;
  /** From start (app creation / consumer connect) to the first committed row. */
  startupMs: number;
  /** From the first committed row seen to the last. */
  ingestMs: number;
  /** Rows written in `ingestMs` (those after the first poll that saw rows). */
  measuredRows: number;
  eventsPerSecond: number;
  /** N over the whole time, start-up included. */
  endToEndEventsPerSecond: number;
}

function events(n: number): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const subject = Math.floor(i / 3);
    const data: RecordEvent = {
      systemId: SYSTEMS[i % SYSTEMS.length],
      recordRef: `rec-${i}`,
      category: CATEGORIES[i % CATEGORIES.length],
      subjectKeys: {
        email: `Subject.${subject}@Bench.test`,
        customerId: `C-${subject}`,
        ...(i % 2 ? { phone: `+336${String(subject).padStart(8, '0')}` } : {}),
      },
      occurredAt: new Date(base + i * 1000).toISOString(),
    } as RecordEvent;
    // One record in twenty is reported erased: a distinct record each time, so N rows in the end.
    const type = i % 20 === 19 ? EVENTS.recordErased.type : EVENTS.recordStored.type;
    out.push({
      key: `${data.systemId}:${data.recordRef}`,
      value: JSON.stringify(createEnvelope({ type, source: 'bench', data })),
    });
  }
  return out;
}

async function produce(producer: Producer, topic: string, messages: { key: string; value: string }[]): Promise<number> {
  const started = performance.now();
  const headers = { 'content-type': CLOUDEVENTS_CONTENT_TYPE };
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000).map((m) => ({ ...m, headers })) });
  }
  return performance.now() - started;
}

/** Polls a row count until it reaches `n`; times the first row seen and the last. */
async function watch(pool: Pool, countSql: string, n: number, startedAt: number): Promise<Run> {
  let first: { at: number; rows: number } | undefined;
  for (;;) {
    const rows = await pool.query<{ n: number }>(countSql).then(
      (r) => r.rows[0].n,
      () => 0,
    );
    const now = performance.now();
    if (rows > 0 && !first) first = { at: now, rows };
    if (rows >= n) {
      const f = first!;
      const ingestMs = now - f.at;
      const measuredRows = rows - f.rows;
      return {
        rows,
        startupMs: f.at - startedAt,
        ingestMs,
        measuredRows,
        eventsPerSecond: ingestMs > 0 ? (measuredRows / ingestMs) * 1000 : Number.POSITIVE_INFINITY,
        endToEndEventsPerSecond: (n / (now - startedAt)) * 1000,
      };
    }
    if (now - startedAt > TIMEOUT_MS) throw new Error(`timed out with ${rows} of ${n} rows`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function runLocator(iso: Isolation, pool: Pool): Promise<{ run: Run; app: INestApplication }> {
  // Imported here, after isolate() set the schema, prefix and group the app reads when created.
  const { AppModule, SCHEMA, SERVICE } = await import('../../apps/data-locator/src/app.module');
  const startedAt = performance.now();
  const watching = watch(pool, `SELECT count(*)::int AS n FROM "${iso.schema}".pdata_index`, N, startedAt);
  const app = await startTestService(AppModule, SERVICE, SCHEMA);
  return { run: await watching, app };
}

async function runBaseline(
  iso: Isolation,
  pool: Pool,
  topic: string,
  groupId: string,
): Promise<{ run: Run; consumer: Consumer }> {
  const schema = `${iso.schema}_baseline`;
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".pdata_plain (system_id text, record_ref text, category text, email text,
                    customer_id text, phone text, erased boolean, occurred_at timestamptz)`);
  const insert = `INSERT INTO "${schema}".pdata_plain SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::timestamptz[])`;
  const startedAt = performance.now();
  const watching = watch(pool, `SELECT count(*)::int AS n FROM "${schema}".pdata_plain`, N, startedAt);
  const consumer = testKafka('bench-baseline').consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 2,
    eachBatch: async ({ batch }) => {
      const cols: unknown[][] = [[], [], [], [], [], [], [], []];
      for (const m of batch.messages) {
        const e = JSON.parse(m.value!.toString()) as { type: string; data: RecordEvent };
        const d = e.data;
        const k = d.subjectKeys;
        cols[0].push(d.systemId);
        cols[1].push(d.recordRef);
        cols[2].push(d.category);
        cols[3].push(k.email ? normaliseKey('email', k.email) : null);
        cols[4].push(k.customerId ? normaliseKey('customerId', k.customerId) : null);
        cols[5].push(k.phone ? normaliseKey('phone', k.phone) : null);
        cols[6].push(e.type === EVENTS.recordErased.type);
        cols[7].push(d.occurredAt);
      }
      await pool.query(insert, cols);
    },
  });
  return { run: await watching, consumer };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const iso = isolate('data-locator');
  const topic = iso.topicPrefix + systemTopic(TOPICS.dataEvents, SYSTEM_ID);
  const baselineGroup = `bench.baseline.${iso.id}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
  const raw = new RawKafka(iso.topicPrefix, 'bench-producer');
  const producer = raw.kafka.producer({ allowAutoTopicCreation: false });
  let app: INestApplication | undefined;
  let consumer: Consumer | undefined;
  try {
    await raw.ensureTopics([systemTopic(TOPICS.dataEvents, SYSTEM_ID)], PARTITIONS);
    await producer.connect();
    const messages = events(N);
    const produceMs = await produce(producer, topic, messages);
    await producer.disconnect();

    const locator = await runLocator(iso, pool);
    app = locator.app;
    await app.close();
    app = undefined;
    const baseline = await runBaseline(iso, pool, topic, baselineGroup);
    consumer = baseline.consumer;

    const ratio = locator.run.eventsPerSecond / baseline.run.eventsPerSecond;
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    const line = (name: string, r: Run) =>
      `  ${name.padEnd(9)} ${fmt(r.eventsPerSecond).padStart(8)} events/s  (${fmt(r.measuredRows)} rows in ${secs(r.ingestMs)} after the first; ` +
      `start-up to first row ${secs(r.startupMs)}; end to end ${fmt(r.endToEndEventsPerSecond)} events/s)`;
    console.log(
      `Ingest: ${fmt(N)} data events, ${PARTITIONS} partitions, ${cores} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), node ${process.version}`,
    );
    console.log(
      `  produced  ${fmt((N / produceMs) * 1000).padStart(8)} events/s  (${secs(produceMs)}, acks=all, 1000 per request)`,
    );
    console.log(line('locator', locator.run));
    console.log(line('baseline', baseline.run));
    console.log(`  ratio locator / baseline: ${ratio.toFixed(2)}`);

    if (process.env.BENCH_JSON === '1') {
      const dir = join(__dirname, '..', 'results');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(
        file,
        JSON.stringify(
          {
            events: N,
            partitions: PARTITIONS,
            cores,
            node: process.version,
            produceMs,
            locator: locator.run,
            baseline: baseline.run,
            ratio,
          },
          null,
          2,
        ),
      );
      console.log(`  results written to ${file}`);
    }
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await raw.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${iso.schema}_baseline" CASCADE`).catch(() => undefined);
    await pool.end();
    await cleanup(iso);
    const admin = testKafka('bench-cleanup').admin();
    await admin.connect();
    await admin.deleteGroups([iso.groupId, baselineGroup]).catch(() => undefined);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);

/**
 * Ingest benchmark: how fast data-locator indexes a system's `pdata.events.<systemId>.v1`, next to
 * two bare kafkajs consumers of the same events, in the same run.
 *
 *   TS_NODE_PROJECT=tsconfig.json npx ts-node --transpile-only -r tsconfig-paths/register bench/ingest/ingest.bench.ts
 *
 * BENCH_EVENTS (default 50000) events are produced once to an isolated, prefixed topic.
 * (a) locator: the data-locator app, started in-process with startTestService on its own
 *     schema, consumes them on its real path (envelope and payload validation, inbox,
 *     dedupe, normalised keys, one `INSERT ... ON CONFLICT` per batch into pdata_index
 *     and its three key indexes).
 * (b) unindexed baseline (the floor): a bare kafkajs `eachBatch` consumer (same partition
 *     concurrency) parsing the JSON and writing the same rows into a plain table (no key,
 *     no index), one multi-row INSERT per batch.
 * (c) indexed baseline (the fair one): the same bare consumer writing the same rows into a
 *     copy of the locator's pdata_index (`LIKE ... INCLUDING ALL`: same key and indexes)
 *     with the locator's own upsert (PdataIndexRepository.upsertBatch): what is left is
 *     what the locator adds on top of the write (validation, inbox, transaction).
 * The rate is measured from the first committed row to the last (start-up, group join and
 * the first fetch are printed apart), by polling the row count. Results go to stdout, and
 * to bench/results/ (git-ignored) when BENCH_JSON=1. Schemas, topics and groups are removed.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Producer } from 'kafkajs';
import { Pool } from 'pg';
import type { EntityManager } from 'typeorm';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  createEnvelope,
  EVENTS,
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
import { toIndexRows, type IndexedEvent, type IndexRow } from '../../apps/data-locator/src/pdata-index/index-rows';
import { indexColumns, PdataIndexRepository } from '../../apps/data-locator/src/pdata-index/pdata-index.repository';
import { machine, ratio, writeResults } from '../support/results';

// As jest does: the services default to production, which refuses their development keys and tokens.
process.env.NODE_ENV ??= 'test';
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
    // The source is the system whose topic it is (a system may only write its own).
    // One record in twenty is reported erased: a distinct record each time, so N rows in the end.
    const type = i % 20 === 19 ? EVENTS.recordErased.type : EVENTS.recordStored.type;
    out.push({
      key: `${data.systemId}:${data.recordRef}`,
      value: JSON.stringify(createEnvelope({ type, source: data.systemId, data })),
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

/** Where a bare consumer writes a batch's rows, and the table it counts them in. */
interface Sink {
  table: string;
  write(rows: IndexRow[]): Promise<void>;
  close?(): Promise<void>;
}

/** The floor: a plain table (no key, no index), one multi-row INSERT per batch. */
async function unindexedSink(pool: Pool, schema: string): Promise<Sink> {
  await pool.query(`CREATE TABLE "${schema}".pdata_plain (system_id text, record_ref text, category text, email text,
                    customer_id text, phone text, erased boolean, occurred_at timestamptz)`);
  const insert = `INSERT INTO "${schema}".pdata_plain SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::timestamptz[])`;
  return {
    table: `"${schema}".pdata_plain`,
    write: async (rows) => {
      await pool.query(insert, indexColumns(rows));
    },
  };
}

/**
 * The fair one: a table with pdata_index's very definition (copied from the locator's
 * schema, which its migrations made: same primary key and indexes), written with the
 * locator's own upsert statement, one statement (one implicit transaction) per batch.
 */
async function indexedSink(pool: Pool, schema: string, locatorSchema: string): Promise<Sink> {
  await pool.query(`CREATE TABLE "${schema}".pdata_index (LIKE "${locatorSchema}".pdata_index INCLUDING ALL)`);
  // The repository's statement names the table unqualified: the connections resolve it in the baseline's schema.
  const scoped = new Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path="${schema}"` });
  const repository = new PdataIndexRepository(undefined as never);
  // upsertBatch only calls `query` on the transaction it is given.
  const tx = { query: (sql: string, params: unknown[]) => scoped.query(sql, params).then((r) => r.rows) };
  return {
    table: `"${schema}".pdata_index`,
    write: (rows) => repository.upsertBatch(tx as unknown as EntityManager, rows),
    close: () => scoped.end(),
  };
}

/** A bare kafkajs `eachBatch` consumer (the locator's partition concurrency): JSON.parse, the same rows, the sink. */
async function runBaseline(
  pool: Pool,
  topic: string,
  groupId: string,
  sink: Sink,
): Promise<{ run: Run; consumer: Consumer }> {
  const startedAt = performance.now();
  const watching = watch(pool, `SELECT count(*)::int AS n FROM ${sink.table}`, N, startedAt);
  const consumer = testKafka('bench-baseline').consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 2,
    eachBatch: async ({ batch }) => {
      const events = batch.messages.map((m) => JSON.parse(m.value!.toString()) as IndexedEvent);
      await sink.write(toIndexRows(events));
    },
  });
  return { run: await watching, consumer };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const iso = isolate('data-locator');
  const baselineSchema = `${iso.schema}_baseline`;
  const topic = iso.topicPrefix + systemTopic(TOPICS.dataEvents, SYSTEM_ID);
  const groups = { unindexed: `bench.unindexed.${iso.id}`, indexed: `bench.indexed.${iso.id}` };
  const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
  const raw = new RawKafka(iso.topicPrefix, 'bench-producer');
  const producer = raw.kafka.producer({ allowAutoTopicCreation: false });
  let app: INestApplication | undefined;
  let consumer: Consumer | undefined;
  let indexed: Sink | undefined;
  try {
    await raw.ensureTopics([systemTopic(TOPICS.dataEvents, SYSTEM_ID)], PARTITIONS);
    await producer.connect();
    const messages = events(N);
    const produceMs = await produce(producer, topic, messages);
    await producer.disconnect();

    // One after the other, so that they do not compete for the CPU.
    const locator = await runLocator(iso, pool);
    app = locator.app;
    await app.close();
    app = undefined;
    await pool.query(`CREATE SCHEMA "${baselineSchema}"`);
    const unindexed = await runBaseline(pool, topic, groups.unindexed, await unindexedSink(pool, baselineSchema));
    await unindexed.consumer.disconnect();
    indexed = await indexedSink(pool, baselineSchema, iso.schema);
    const fair = await runBaseline(pool, topic, groups.indexed, indexed);
    consumer = fair.consumer;

    const ratioUnindexed = ratio(locator.run.eventsPerSecond, unindexed.run.eventsPerSecond);
    const ratioIndexed = ratio(locator.run.eventsPerSecond, fair.run.eventsPerSecond);
    const m = machine();
    const line = (name: string, r: Run) =>
      `  ${name.padEnd(9)} ${fmt(r.eventsPerSecond).padStart(8)} events/s  (${fmt(r.measuredRows)} rows in ${secs(r.ingestMs)} after the first; ` +
      `start-up to first row ${secs(r.startupMs)}; end to end ${fmt(r.endToEndEventsPerSecond)} events/s)`;
    console.log(`Ingest: ${fmt(N)} data events, ${PARTITIONS} partitions, ${m.cores} cores (${m.cpu}), node ${m.node}`);
    console.log(
      `  produced  ${fmt((N / produceMs) * 1000).padStart(8)} events/s  (${secs(produceMs)}, acks=all, 1000 per request)`,
    );
    console.log(line('locator', locator.run));
    console.log(line('unindexed', unindexed.run) + '  bare consumer, plain table');
    console.log(line('indexed', fair.run) + '  bare consumer, pdata_index copy, same upsert');
    console.log(`  ratio locator / unindexed baseline: ${ratioUnindexed.toFixed(2)}`);
    console.log(`  ratio locator / indexed baseline:   ${ratioIndexed.toFixed(2)}`);

    const eps = (label: string, r: Run) => ({ label, value: r.eventsPerSecond });
    writeResults(
      'ingest',
      [
        {
          id: 'ingest.locator',
          label: 'locator events/s',
          value: locator.run.eventsPerSecond,
          unit: 'events/s',
          baseline: eps('indexed bare consumer', fair.run),
          size: N,
        },
        {
          id: 'ingest.ratio.indexed',
          label: 'locator / indexed baseline',
          value: ratioIndexed,
          unit: 'x',
          baseline: eps('indexed bare consumer events/s', fair.run),
          size: N,
        },
        {
          id: 'ingest.ratio.unindexed',
          label: 'locator / unindexed baseline',
          value: ratioUnindexed,
          unit: 'x',
          baseline: eps('unindexed bare consumer events/s', unindexed.run),
          size: N,
        },
      ],
      {
        events: N,
        partitions: PARTITIONS,
        produceMs,
        locator: locator.run,
        unindexed: unindexed.run,
        indexed: fair.run,
      },
    );
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await indexed?.close?.().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await raw.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${baselineSchema}" CASCADE`).catch(() => undefined);
    await pool.end();
    await cleanup(iso);
    const admin = testKafka('bench-cleanup').admin();
    await admin.connect();
    await admin.deleteGroups([iso.groupId, groups.unindexed, groups.indexed]).catch(() => undefined);
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

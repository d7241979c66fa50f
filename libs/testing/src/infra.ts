/**
 * Real infrastructure for tests: Kafka and PostgreSQL from KAFKA_BROKERS / DATABASE_URL
 * (what `npm test` and `.ci/run` export after `tools/infra` started them), or the local
 * defaults. Nothing here fakes them: if they are missing, tests fail and say how to start them.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/datarights';

export const HOW_TO_START =
  'start them with `npm run infra:up` (or set KAFKA_BROKERS and DATABASE_URL to running ones)';

export function testKafka(clientId = 'datarights-test'): Kafka {
  return new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

export async function withPg<T>(fn: (c: Client) => Promise<T>, url = DATABASE_URL): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function runId(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface Isolation {
  id: string;
  schema: string;
  topicPrefix: string;
  groupId: string;
}

/**
 * Gives a test file its own schema, topic prefix and consumer group (docs/conventions.md:
 * unique topics/groups/schemas per run), through the variables the services read when
 * their app is created. Call it in beforeAll, before creating the app.
 */
export function isolate(service: string, shared?: { id: string; topicPrefix: string }): Isolation {
  const id = shared?.id ?? runId();
  const iso: Isolation = {
    id,
    schema: `${service.replace(/-/g, '_')}_${id}`,
    topicPrefix: shared?.topicPrefix ?? `${id}.`,
    groupId: `datarights.${service}.${id}`,
  };
  process.env.DATABASE_SCHEMA = iso.schema;
  process.env.KAFKA_TOPIC_PREFIX = iso.topicPrefix;
  process.env.KAFKA_GROUP_ID = iso.groupId;
  return iso;
}

/** Drops a test schema and deletes the topics of its prefix (teardown). */
export async function cleanup(iso: Isolation): Promise<void> {
  await dropSchema(iso.schema);
  await deleteTopicsWithPrefix(iso.topicPrefix);
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop schema ${schema}`);
  await withPg((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

export async function deleteTopicsWithPrefix(prefix: string): Promise<void> {
  // An empty prefix would be every topic of the broker.
  if (!prefix) throw new Error('refusing to delete topics without a prefix');
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A policy file of the test's own: written to a temporary directory, with POLICY_FILE
 * pointing at it (read when the app starts). The returned function puts POLICY_FILE back
 * and removes the file.
 */
export function usePolicy(yaml: string): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, yaml);
  const before = process.env.POLICY_FILE;
  process.env.POLICY_FILE = file;
  return () => {
    if (before === undefined) delete process.env.POLICY_FILE;
    else process.env.POLICY_FILE = before;
    rmSync(dir, { recursive: true, force: true });
  };
}

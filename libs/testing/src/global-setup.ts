/**
 * Integration-test global setup: checks that real Kafka and PostgreSQL answer and creates
 * the database if needed. It never skips: without them the run fails and says how to start them.
 */
import { Client } from 'pg';
import { DATABASE_URL, HOW_TO_START, testKafka } from './infra';

export default async function globalSetup(): Promise<void> {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const admin = testKafka('datarights-test-setup').admin();
  try {
    await Promise.race([
      admin.connect().then(() => admin.describeCluster()),
      new Promise((_, r) => setTimeout(() => r(new Error('timeout')), 10_000).unref()),
    ]);
  } catch (err) {
    throw new Error(
      `Kafka is not reachable at ${process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'} (${(err as Error).message}): ${HOW_TO_START}`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const url = new URL(DATABASE_URL);
  const dbName = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${url.host} (${(err as Error).message}): ${HOW_TO_START}`);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`).catch(() => undefined);
  } finally {
    await client.end();
  }
}

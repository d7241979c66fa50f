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
  await ensureDatabase(DATABASE_URL);
}

/**
 * Connects to DATABASE_URL as given (user, password, database); only when the database
 * does not exist yet (3D000) goes through the server's `postgres` database to create it.
 * A role that may connect only to its own database (password auth, no superuser) works.
 */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const direct = new Client({ connectionString: databaseUrl });
  try {
    await direct.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000')
      throw new Error(`PostgreSQL is not reachable at ${url.host} (${(err as Error).message}): ${HOW_TO_START}`);
  } finally {
    await direct.end().catch(() => undefined);
  }
  const dbName = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`).catch(() => undefined);
  } catch (err) {
    throw new Error(`cannot create the database ${dbName} at ${url.host} (${(err as Error).message}): ${HOW_TO_START}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

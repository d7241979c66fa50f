/**
 * For migrations that rewrite stored data: run a service's migrations up to (not
 * including) the one under test into an isolated schema, write rows as they were stored
 * before it, then run it and read them back.
 */
import { createHmac } from 'node:crypto';
import { DataSource, type MigrationInterface } from 'typeorm';
import { normaliseIdentifier } from '@datarights/contracts';
import { Pseudonymiser } from '@datarights/pseudonym';
import { databaseSettingsFromEnv, runMigrations, serviceDataSourceOptions } from '@datarights/persistence';
import { isolate, withPg, type Isolation } from './infra';

export type Sql = <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;

/** Queries in one schema, as the owner. */
function sqlIn(schema: string): Sql {
  return <T>(query: string, params: unknown[] = []) =>
    withPg(async (c) => {
      await c.query(`SET search_path TO "${schema}"`);
      return (await c.query(query, params)).rows as T[];
    });
}

/** Runs `migrations` into `schema` (the isolated one); returns the names of those it ran. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
async function migrate(schema: string, migrations: Function[]): Promise<string[]> {
  const ds = new DataSource(
    serviceDataSourceOptions({ schema, settings: databaseSettingsFromEnv(process.env), entities: [], migrations }),
  );
  await ds.initialize();
  try {
    return await runMigrations(ds, schema);
  } finally {
    await ds.destroy();
  }
}

/** Runs one migration's `up` again in `schema`, outside TypeORM's bookkeeping: its idempotence. */
async function runUpAgain(schema: string, migration: MigrationInterface): Promise<void> {
  const ds = new DataSource(
    serviceDataSourceOptions({ schema, settings: databaseSettingsFromEnv(process.env), entities: [], migrations: [] }),
  );
  await ds.initialize();
  const q = ds.createQueryRunner();
  try {
    await q.query(`SET search_path TO "${schema}"`);
    await migration.up(q);
  } finally {
    await q.release();
    await ds.destroy();
  }
}

/**
 * Runs every migration but the last into `schema`, lets `seed` write rows as they were
 * stored before it, then runs the last; returns the names of those the second run ran.
 */
async function migrateAcrossLast(
  schema: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[],
  seed: (sql: Sql) => Promise<void>,
): Promise<string[]> {
  await migrate(schema, migrations.slice(0, -1));
  await seed(sqlIn(schema));
  return migrate(schema, migrations);
}

/** The one key of the pseudonym migration tests, with id `k1` (the id given to hashes stored before key ids). */
export const K1_PSEUDONYMS = new Pseudonymiser(
  { current: { id: 'k1', secret: 'migration-test-subject-hash-key-0123456789' }, previous: [] },
  normaliseIdentifier,
);

/** A hash as request-intake and erasure-executor stored it before issue 16 (no key id), under K1_PSEUDONYMS' key. */
export function hashWithoutKeyId(kind: string, value: string): string {
  const digest = createHmac('sha256', K1_PSEUDONYMS.keyring.current.secret)
    .update(`${kind}\u0000${value}`)
    .digest('base64url');
  return `hmac-sha256:${digest}`;
}

export interface MigrationTest {
  iso: Isolation;
  /** Queries in the test's schema. */
  sql: Sql;
  /** Runs the migration under test's `up` again: its idempotence. */
  runAgain(): Promise<void>;
}

/**
 * A test of a service's last migration in its own schema: every migration before it,
 * `seed`'s rows as they were stored then, then the migration (checked to be the only one run).
 */
export async function migrationTest(
  service: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[],
  seed: (sql: Sql) => Promise<void>,
): Promise<MigrationTest> {
  const iso = isolate(service);
  const Last = migrations.at(-1) as new () => MigrationInterface;
  const ran = await migrateAcrossLast(iso.schema, migrations, seed);
  if (ran.length !== 1 || ran[0] !== new Last().name)
    throw new Error(`expected to run ${new Last().name} alone, ran ${ran.join(', ') || 'nothing'}`);
  return { iso, sql: sqlIn(iso.schema), runAgain: () => runUpAgain(iso.schema, new Last()) };
}

/**
 * Runs a service's migrations at start-up, under a PostgreSQL advisory lock so that two
 * replicas starting together never migrate at once (the second waits, then finds
 * nothing to do). `synchronize` is never used.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { assertSchemaName } from './database.config';

export interface MigrationOptions {
  /**
   * The role the service runs as, when it is not the role that migrates (DATABASE_RUNTIME_ROLE):
   * after the migrations it gets USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on
   * every table (and USAGE on every sequence) of it, and nothing else: no DDL, no other schema.
   */
  runtimeRole?: string;
  /**
   * Tables the runtime role may only read and append to (SELECT, INSERT): audit's evidence
   * log, which not even the service itself may rewrite.
   */
  appendOnlyTables?: readonly string[];
}

/** A role name we interpolate into SQL: the same strict pattern as schemas. */
export function assertRoleName(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`invalid role name: ${role}`);
  return role;
}

export async function runMigrations(
  dataSource: DataSource,
  schema: string,
  options: MigrationOptions = {},
): Promise<string[]> {
  assertSchemaName(schema);
  if (options.runtimeRole) assertRoleName(options.runtimeRole);
  for (const t of options.appendOnlyTables ?? []) assertRoleName(t);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`datarights.migrations.${schema}`]);
    try {
      // Only when missing: CREATE SCHEMA checks the CREATE right on the database even with
      // IF NOT EXISTS, and a migration owner whose schema was made for it (CloudNativePG's
      // Database resource, deploy/postgres) has no such right.
      const [{ present }] = await runner.query(
        `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present`,
        [schema],
      );
      if (!present) await runner.query(`CREATE SCHEMA "${schema}"`);
      const done = await dataSource.runMigrations({ transaction: 'each' });
      if (options.runtimeRole) await grantRuntime(runner, schema, options.runtimeRole, options.appendOnlyTables ?? []);
      return done.map((m) => m.name);
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`datarights.migrations.${schema}`]);
    }
  } finally {
    await runner.release();
  }
}

/** Idempotent: run after every migration run, so tables added by a migration are covered. */
async function grantRuntime(
  runner: QueryRunner,
  schema: string,
  role: string,
  appendOnly: readonly string[],
): Promise<void> {
  await runner.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`);
  await runner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`);
  await runner.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "${schema}" TO "${role}"`);
  for (const t of appendOnly)
    await runner.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "${schema}"."${t}" FROM "${role}"`);
}

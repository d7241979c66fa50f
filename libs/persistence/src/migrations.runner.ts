/**
 * Runs a service's migrations at start-up, under a PostgreSQL advisory lock so that two
 * replicas starting together never migrate at once (the second waits, then finds
 * nothing to do). `synchronize` is never used.
 */
import type { DataSource } from 'typeorm';
import { assertSchemaName } from './database.config';

export async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  assertSchemaName(schema);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`datarights.migrations.${schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const done = await dataSource.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`datarights.migrations.${schema}`]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * One migration owner and one runtime role per service (deploy/postgres): the owner, with
 * no right on the database, migrates a schema made for it; the runtime role can then read
 * and write every table and sequence of that schema, and change none of its structure.
 * Needs a DATABASE_URL role that may create roles (superuser, or CREATEROLE: README).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DATABASE_URL, runId, withPg } from '@datarights/testing';
import { databaseSettingsFromEnv } from './database.config';
import { serviceDataSourceOptions } from './data-source.options';
import { runMigrations } from './migrations.runner';

const id = runId();
const schema = `mig_${id}`;
const owner = { name: `mig_owner_${id}`, password: `o:${randomBytes(9).toString('base64')}@/` };
const runtime = { name: `mig_rt_${id}`, password: `r:${randomBytes(9).toString('base64')}@/` };

/** DATABASE_URL's server and database, as the given role (what the pods' DATABASE_USER/PASSWORD do). */
const urlAs = (role: { name: string; password: string }) =>
  databaseSettingsFromEnv({ DATABASE_URL, DATABASE_USER: role.name, DATABASE_PASSWORD: role.password }).url;

async function asRole<T>(role: { name: string; password: string }, fn: (c: Client) => Promise<T>): Promise<T> {
  return withPg(fn, urlAs(role));
}

let ds: DataSource;

beforeAll(async () => {
  await withPg(async (c) => {
    const { rows } = await c.query(
      `SELECT rolsuper OR rolcreaterole AS can FROM pg_roles WHERE rolname = current_user`,
    );
    if (!rows[0]?.can)
      throw new Error('this test creates two roles: give the DATABASE_URL role CREATEROLE (README, PostgreSQL)');
    for (const r of [owner, runtime])
      await c.query(`CREATE ROLE "${r.name}" LOGIN PASSWORD '${r.password.replace(/'/g, "''")}'`);
    // What CloudNativePG's Database resource does: the schema exists, owned by the owner role,
    // who has no CREATE right on the database itself.
    await c.query(`GRANT "${owner.name}" TO current_user`);
    await c.query(`CREATE SCHEMA "${schema}" AUTHORIZATION "${owner.name}"`);
  });
  ds = new DataSource(
    serviceDataSourceOptions({
      schema,
      entities: [],
      migrations: [],
      settings: { url: urlAs(owner), ssl: false, poolSize: 2 },
    }),
  );
  await ds.initialize();
});

afterAll(async () => {
  await ds?.destroy();
  await withPg(async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const r of [runtime, owner]) {
      await c.query(`DROP OWNED BY "${r.name}"`).catch(() => undefined);
      await c.query(`DROP ROLE IF EXISTS "${r.name}"`);
    }
  });
});

it('migrates as the owner without CREATE on the database, and grants the runtime role data rights only', async () => {
  const done = await runMigrations(ds, schema, { runtimeRole: runtime.name });
  expect(done).toEqual([
    'MessagingTables1732800000000',
    'OutboxRetries1796600000000',
    'AwaitingMessages1796700000000',
    'InboxReceivedAt1796800000000',
  ]);
  // Again: nothing to do, and the grants are idempotent.
  expect(await runMigrations(ds, schema, { runtimeRole: runtime.name })).toEqual([]);

  await asRole(runtime, async (c) => {
    await c.query(
      `INSERT INTO "${schema}".outbox (id, topic, key, envelope) VALUES (gen_random_uuid(), 't', 'k', '{}')`,
    );
    await c.query(`UPDATE "${schema}".outbox SET attempts = 1, parked_at = now(), park_reason = 'r'`);
    await c.query(`UPDATE "${schema}".outbox SET sent_at = now()`);
    await c.query(`INSERT INTO "${schema}".inbox (consumer, event_id, topic, type) VALUES ('c', 'e', 't', 'x')`);
    expect((await c.query(`SELECT count(*)::int AS n FROM "${schema}".outbox`)).rows[0].n).toBe(1);
    await c.query(`DELETE FROM "${schema}".inbox`);
    await expect(c.query(`CREATE TABLE "${schema}".intruder (a int)`)).rejects.toMatchObject({ code: '42501' });
    await expect(c.query(`DROP TABLE "${schema}".outbox`)).rejects.toMatchObject({ code: '42501' });
    await expect(c.query(`CREATE SCHEMA "${schema}_x"`)).rejects.toMatchObject({ code: '42501' });
  });
});

it('refuses a role name that is not a plain identifier', async () => {
  await expect(runMigrations(ds, schema, { runtimeRole: 'x"; DROP TABLE outbox; --' })).rejects.toThrow(
    /invalid role name/,
  );
});

/**
 * Issue 16: the suppression list's keyed hashes and a request's minimised subject keys,
 * stored as `hmac-sha256:<digest>`, become `hmac-sha256:k1:<digest>`: the suppression
 * check (Art. 21(3)) still finds them under key `k1`; keys not yet minimised are left
 * alone, and running the migration again changes nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  cleanup,
  hashWithoutKeyId as oldHash,
  K1_PSEUDONYMS as pseudonyms,
  migrationTest,
  type MigrationTest,
} from '@datarights/testing';
import { SERVICE } from '../src/app.module';
import { MIGRATIONS } from '../src/migrations';

const objection = randomUUID();
const running = randomUUID();
let t: MigrationTest;

beforeAll(async () => {
  t = await migrationTest(SERVICE, MIGRATIONS, async (sql) => {
    const insert = `INSERT INTO request_execution (request_id, request_type, subject_keys, requested_at) VALUES ($1, 'objection', $2, now())`;
    await sql(insert, [
      objection,
      { email: [oldHash('email', 'jeanne@example.fr')], phone: [oldHash('phone', '+33612345678')], customerId: [] },
    ]);
    await sql(insert, [running, { email: ['marie@example.fr'] }]);
    await sql(
      `INSERT INTO suppression (key_hash, purpose, request_id) VALUES ($1, 'prospection', $2), ($3, 'prospection', $2)`,
      [oldHash('email', 'jeanne@example.fr'), objection, oldHash('phone', '+33612345678')],
    );
  });
}, 60_000);

afterAll(() => cleanup(t.iso));

const state = async () => ({
  keys: await t.sql(`SELECT request_id, subject_keys FROM request_execution ORDER BY request_id`),
  list: await t.sql(`SELECT key_hash, purpose FROM suppression ORDER BY key_hash`),
});

it('rewrites the suppression list and minimised keys with key id k1, so the suppression check still finds them', async () => {
  const list = (await t.sql<{ key_hash: string }>(`SELECT key_hash FROM suppression`)).map((r) => r.key_hash);
  // What SuppressionService looks up for a new record of the subject.
  const lookup = pseudonyms.lookupHashes({ email: 'Jeanne@example.fr', phone: '+33 6 12 34 56 78' });
  expect(list.sort()).toEqual(lookup.sort());
  const [row] = await t.sql<{ subject_keys: Record<string, string[]> }>(
    `SELECT subject_keys FROM request_execution WHERE request_id = $1`,
    [objection],
  );
  expect(row!.subject_keys).toEqual({
    email: [pseudonyms.hash('email', 'jeanne@example.fr')],
    phone: [pseudonyms.hash('phone', '+33612345678')],
    customerId: [],
  });
  const [other] = await t.sql<{ subject_keys: unknown }>(
    `SELECT subject_keys FROM request_execution WHERE request_id = $1`,
    [running],
  );
  expect(other!.subject_keys).toEqual({ email: ['marie@example.fr'] });
});

it('changes nothing when run again', async () => {
  const before = await state();
  await t.runAgain();
  expect(await state()).toEqual(before);
});

/**
 * Issue 16: the keyed hashes of a request minimised before key ids existed
 * (`hmac-sha256:<digest>`) become `hmac-sha256:k1:<digest>` and still match the
 * identifier under key `k1`; what is not a hash of that shape is left alone, and running
 * the migration again changes nothing.
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

const minimised = randomUUID();
const open = randomUUID();
let t: MigrationTest;

beforeAll(async () => {
  t = await migrationTest(SERVICE, MIGRATIONS, async (sql) => {
    const insert = `INSERT INTO requests (id, type, status, channel, subject_email, subject_phone, subject_name, note,
      verified_emails, filed_by, filed_by_principal, received_at, due_at, minimised_at)
    VALUES ($1, 'erasure', 'closed', 'web', $2, $3, $4, $5, $6, 'dpo', 'dpo', now(), now(), $7)`;
    await sql(insert, [
      minimised,
      oldHash('email', 'jeanne@example.fr'),
      null,
      oldHash('name', 'Jeanne Martin'),
      oldHash('note', 'letter from Jeanne'),
      JSON.stringify([oldHash('email', 'jeanne@example.fr'), oldHash('email', 'j.martin@example.fr')]),
      new Date(),
    ]);
    // Not minimised: an identifier that merely looks like a hash is not touched.
    await sql(insert, [open, 'marie@example.fr', null, null, oldHash('note', 'x'), null, null]);
    await sql(
      `INSERT INTO request_actions (request_id, system_id, status, outcome, acknowledgement_note) VALUES ($1, 'crm', 'done', 'done', $2)`,
      [minimised, oldHash('note', 'acknowledged by phone')],
    );
  });
}, 60_000);

afterAll(() => cleanup(t.iso));

type Row = { subject_email: string; subject_name: string; note: string; verified_emails: string[] };
const read = async (id: string) =>
  (await t.sql<Row>(`SELECT subject_email, subject_name, note, verified_emails FROM requests WHERE id = $1`, [id]))[0]!;

it("rewrites a minimised request's hashes with key id k1, the digest unchanged, so they still match", async () => {
  const r = await read(minimised);
  expect(r.subject_email).toBe(oldHash('email', 'jeanne@example.fr').replace('hmac-sha256:', 'hmac-sha256:k1:'));
  expect(pseudonyms.hashesUnderEveryKey('email', 'Jeanne@example.fr')).toContain(r.subject_email);
  expect(pseudonyms.hashesUnderEveryKey('name', 'Jeanne Martin')).toContain(r.subject_name);
  expect(pseudonyms.hashesUnderEveryKey('note', 'letter from Jeanne')).toContain(r.note);
  expect(r.verified_emails).toEqual([
    pseudonyms.hash('email', 'jeanne@example.fr'),
    pseudonyms.hash('email', 'j.martin@example.fr'),
  ]);
  const [action] = await t.sql<{ acknowledgement_note: string }>(
    `SELECT acknowledgement_note FROM request_actions WHERE request_id = $1`,
    [minimised],
  );
  expect(action!.acknowledgement_note).toBe(pseudonyms.hash('note', 'acknowledged by phone'));
  expect((await read(open)).note).toBe(oldHash('note', 'x'));
});

it('changes nothing when run again', async () => {
  const before = await t.sql(
    `SELECT r.*, a.acknowledgement_note FROM requests r LEFT JOIN request_actions a ON a.request_id = r.id ORDER BY r.id`,
  );
  await t.runAgain();
  expect(
    await t.sql(
      `SELECT r.*, a.acknowledgement_note FROM requests r LEFT JOIN request_actions a ON a.request_id = r.id ORDER BY r.id`,
    ),
  ).toEqual(before);
});

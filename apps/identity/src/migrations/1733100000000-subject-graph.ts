import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subject-key graph (records and the keys they link), the aliases left by merges, and
 * the requests identity resolves. Unqualified names: the search_path is the service schema.
 */
export class SubjectGraph1733100000000 implements MigrationInterface {
  name = 'SubjectGraph1733100000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per record a system reported; `keys` are the record's latest keys, encoded `kind:value`.
    await q.query(`
      CREATE TABLE records (
        system_id text NOT NULL,
        record_ref text NOT NULL,
        keys text[] NOT NULL,
        category text NOT NULL,
        erased boolean NOT NULL DEFAULT false,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (system_id, record_ref)
      )`);
    // Live records of a subject: `keys && <the subject's keys>` (GIN supports the overlap).
    await q.query(`CREATE INDEX records_live_keys ON records USING gin (keys) WHERE NOT erased`);
    await q.query(`
      CREATE TABLE subject_keys (
        kind text NOT NULL CHECK (kind IN ('email', 'customerId', 'phone')),
        value text NOT NULL,
        subject_ref text NOT NULL,
        PRIMARY KEY (kind, value)
      )`);
    await q.query(`CREATE INDEX subject_keys_subject ON subject_keys (subject_ref)`);
    // A subject absorbed by a merge still answers to its old ref (a DPO may pick a candidate that has merged since).
    await q.query(`
      CREATE TABLE subject_aliases (
        old_ref text PRIMARY KEY,
        subject_ref text NOT NULL,
        merged_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX subject_aliases_subject ON subject_aliases (subject_ref)`);
    await q.query(`
      CREATE TABLE requests (
        request_id uuid PRIMARY KEY,
        type text NOT NULL,
        given_keys text[],
        subject_ref text,
        status text NOT NULL CHECK (status IN ('matched', 'none', 'several', 'verified', 'closed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE requests`);
    await q.query(`DROP TABLE subject_aliases`);
    await q.query(`DROP TABLE subject_keys`);
    await q.query(`DROP TABLE records`);
  }
}

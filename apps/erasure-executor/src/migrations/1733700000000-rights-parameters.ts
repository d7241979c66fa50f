import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7 in erasure-executor: what a rectification, objection or restriction request asks
 * (from `requestSubmitted`, kept until its plan is executed and then minimised), and the
 * suppression list (Art. 21(3)): keyed hashes of the subject keys that objected to a
 * purpose, never the keys themselves, kept after an erasure so that the opt-out lasts.
 */
export class RightsParameters1733700000000 implements MigrationInterface {
  name = 'RightsParameters1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE request_parameters (
        request_id uuid PRIMARY KEY,
        request_type text NOT NULL,
        -- Art. 16: field -> corrected value (personal data: removed once executed).
        changes jsonb,
        -- Art. 21: purposes objected to.
        purposes text[],
        -- Art. 18(1): the ground of a restriction.
        ground text,
        -- Art. 18(3): the subject was told the restriction is about to be lifted, then it was.
        lift_notified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE suppression (
        -- HMAC-SHA256 of '<kind>\\0<value>' with SUBJECT_HASH_KEY: never the key itself.
        key_hash text NOT NULL,
        purpose text NOT NULL,
        request_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key_hash, purpose)
      )`);
    // What each system registered it does (purposes) and can do (capabilities): an
    // objection to a purpose goes to every system pursuing it (Art. 21).
    await q.query(`
      CREATE TABLE system_registration (
        system_id text PRIMARY KEY,
        purposes text[] NOT NULL,
        capabilities text[] NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE system_registration`);
    await q.query(`DROP TABLE suppression`);
    await q.query(`DROP TABLE request_parameters`);
  }
}

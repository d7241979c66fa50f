import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-time code challenges of self-service requests: the code's keyed hash only (never the
 * code, never the address it went to), its issue number, attempts, expiry and use.
 */
export class Challenges1733400000000 implements MigrationInterface {
  name = 'Challenges1733400000000';

  async up(q: QueryRunner): Promise<void> {
    // Who filed the request: a subject's own request is challenged with a code (also after the DPO picks the subject).
    await q.query(`ALTER TABLE requests ADD COLUMN filed_by text`);
    await q.query(`
      CREATE TABLE challenges (
        request_id uuid PRIMARY KEY REFERENCES requests (request_id),
        channel text NOT NULL CHECK (channel IN ('email', 'sms')),
        code_hash text NOT NULL,
        issue integer NOT NULL CHECK (issue >= 1),
        attempts integer NOT NULL DEFAULT 0,
        sent_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE challenges`);
    await q.query(`ALTER TABLE requests DROP COLUMN filed_by`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13 item 4: the wrong codes each subject sent, over all their requests, for the
 * per-subject limit (policy `verification.code.maxWrongPerSubject` per `wrongWindow`). Only
 * the internal subject reference and the time; rows leave once past the window.
 */
export class WrongCodesPerSubject1734300000000 implements MigrationInterface {
  name = 'WrongCodesPerSubject1734300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wrong_codes (
        id bigserial PRIMARY KEY,
        subject_ref text NOT NULL,
        request_id uuid NOT NULL,
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX wrong_codes_subject ON wrong_codes (subject_ref, at)`);
    await q.query(`CREATE INDEX wrong_codes_at ON wrong_codes (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wrong_codes`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The suspended clock of requests awaiting the subject's proof of identity (décret
 * 2019-536 art. 77): when the wait began, when it ended, the days it moved the due date.
 */
export class VerificationClock1733400000000 implements MigrationInterface {
  name = 'VerificationClock1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verification_clock (
        request_id uuid PRIMARY KEY REFERENCES requests (id),
        suspended_at timestamptz NOT NULL,
        resumed_at timestamptz,
        suspended_days integer
      )`);
    await q.query(
      `CREATE INDEX verification_clock_waiting ON verification_clock (suspended_at) WHERE resumed_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE verification_clock`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The clock as the law counts it (Art. 12(3); Regulation 1182/71 art. 3; décret 2019-536
 * art. 77): the evidence of the day of receipt when the DPO files a request received
 * earlier, the calendar days the time limit stood still (every suspension together, kept
 * through an extension), and the running wait for information asked of the subject.
 */
export class ReceiptAndInformationWait1734100000000 implements MigrationInterface {
  name = 'ReceiptAndInformationWait1734100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE requests
        ADD COLUMN receipt_evidence text,
        ADD COLUMN suspended_days integer NOT NULL DEFAULT 0,
        ADD COLUMN info_requested_at timestamptz,
        ADD COLUMN info_request_reason text,
        ADD COLUMN info_requested_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE requests
        DROP COLUMN receipt_evidence,
        DROP COLUMN suspended_days,
        DROP COLUMN info_requested_at,
        DROP COLUMN info_request_reason,
        DROP COLUMN info_requested_by`);
  }
}

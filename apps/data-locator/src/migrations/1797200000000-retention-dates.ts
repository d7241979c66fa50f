import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each record's retention dates, as its system reported them in its data events (issue 14:
 * a period runs from the record's own start, e.g. the end of an invoice's financial year,
 * Code de commerce L123-22): kept with the record in the index, put into the plan per
 * record, and read by the purge of records past the policy's limits.
 */
export class RetentionDates1797200000000 implements MigrationInterface {
  name = 'RetentionDates1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pdata_index ADD COLUMN retention_dates jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pdata_index DROP COLUMN retention_dates`);
  }
}

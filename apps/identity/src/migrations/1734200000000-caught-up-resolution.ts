import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: "no subject" is concluded only on a caught-up index. A request whose keys match
 * no one while the data-event topics still hold unread events waits as `indexing`, with the
 * end offsets to reach (`index_targets`) and the end of the wait (`resolve_by`). A request
 * concluded "none" is looked at again when data with one of its keys arrives later
 * (`requests_none_keys`).
 */
export class CaughtUpResolution1734200000000 implements MigrationInterface {
  name = 'CaughtUpResolution1734200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests DROP CONSTRAINT requests_status_check`);
    await q.query(
      `ALTER TABLE requests ADD CONSTRAINT requests_status_check CHECK (status IN ('indexing', 'matched', 'none', 'several', 'verified', 'closed')),
         ADD COLUMN index_targets jsonb, ADD COLUMN resolve_by timestamptz`,
    );
    await q.query(`CREATE INDEX requests_indexing ON requests (resolve_by) WHERE status = 'indexing'`);
    await q.query(`CREATE INDEX requests_none_keys ON requests USING gin (given_keys) WHERE status = 'none'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX requests_none_keys`);
    await q.query(`DROP INDEX requests_indexing`);
    await q.query(`UPDATE requests SET status = 'none' WHERE status = 'indexing'`);
    await q.query(`ALTER TABLE requests DROP CONSTRAINT requests_status_check`);
    await q.query(
      `ALTER TABLE requests ADD CONSTRAINT requests_status_check CHECK (status IN ('matched', 'none', 'several', 'verified', 'closed')),
         DROP COLUMN index_targets, DROP COLUMN resolve_by`,
    );
  }
}

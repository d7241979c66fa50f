import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holds per record (issue 14): a category's records are held each to its own end (one
 * hold per end date, naming its records), or wait for a start that has not happened yet
 * (the contract still runs: `waiting`, with the anchor it waits for). So a system and
 * category may have several holds per request.
 */
export class RecordHolds1797210000000 implements MigrationInterface {
  name = 'RecordHolds1797210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hold DROP CONSTRAINT hold_request_id_system_id_category_key`);
    await q.query(`CREATE INDEX hold_request ON hold (request_id, system_id, category)`);
    await q.query(`ALTER TABLE hold DROP CONSTRAINT hold_status_check`);
    await q.query(
      `ALTER TABLE hold ADD CONSTRAINT hold_status_check CHECK (status IN ('active', 'expired', 'waiting'))`,
    );
    await q.query(`ALTER TABLE hold ADD COLUMN record_refs text[], ADD COLUMN start_pending text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hold DROP COLUMN record_refs, DROP COLUMN start_pending`);
    await q.query(`DELETE FROM hold WHERE status = 'waiting'`);
    await q.query(`ALTER TABLE hold DROP CONSTRAINT hold_status_check`);
    await q.query(`ALTER TABLE hold ADD CONSTRAINT hold_status_check CHECK (status IN ('active', 'expired'))`);
    await q.query(`DROP INDEX hold_request`);
    await q.query(
      `ALTER TABLE hold ADD CONSTRAINT hold_request_id_system_id_category_key UNIQUE (request_id, system_id, category)`,
    );
  }
}

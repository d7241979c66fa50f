import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The purge (storage limitation, Art. 5(1)(e); issue 14): the erase commands it sent, one
 * row per record, so that a record is asked once (again only after PURGE_RESEND_MS, should
 * the system not have erased it), whatever the number of replicas.
 */
export class Purge1797220000000 implements MigrationInterface {
  name = 'Purge1797220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE purge_commands (
        system_id text NOT NULL,
        record_ref text NOT NULL,
        category text NOT NULL,
        command_id uuid NOT NULL,
        sent_at timestamptz NOT NULL,
        PRIMARY KEY (system_id, record_ref)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE purge_commands`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The purge (storage limitation, Art. 5(1)(e); issue 14): the erase commands it sent, one
 * row per record, so that a record is asked once (again only after PURGE_RESEND_MS, should
 * the system not have erased it), whatever the number of replicas; and the records an
 * erasure request holds until a start that has not happened yet (`erasure_watch`).
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
    // Records an erasure request could not erase yet because a period's start had not
    // happened (the contract still ran): the purge erases each once its system reports the
    // start and the period from it is over (LCEN art. 6: five years after the contract ends).
    await q.query(`
      CREATE TABLE erasure_watch (
        system_id text NOT NULL,
        record_ref text NOT NULL,
        request_id uuid NOT NULL,
        category text NOT NULL,
        requested_at timestamptz NOT NULL,
        PRIMARY KEY (system_id, record_ref, request_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE erasure_watch`);
    await q.query(`DROP TABLE purge_commands`);
  }
}

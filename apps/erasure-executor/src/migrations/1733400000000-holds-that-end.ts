import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 6 in erasure-executor: holds that end (the durable schedule of their erasure),
 * forwards to the controllers of processor systems (awaiting their acknowledgement), the
 * controllers' contacts, closed requests (a later plan for them is ignored), and the
 * minimisation of stored subject keys.
 */
export class HoldsThatEnd1733400000000 implements MigrationInterface {
  name = 'HoldsThatEnd1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE hold
        -- active until its period ends; then expired, with the erase action it started.
        ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired')),
        -- Whether the system could erase when the hold was placed (else the expiry is escalated).
        ADD COLUMN can_erase boolean NOT NULL DEFAULT true,
        ADD COLUMN expired_at timestamptz,
        ADD COLUMN erase_command_id uuid`);
    await q.query(`DROP INDEX hold_until`);
    // The schedule: what the expiry loop scans.
    await q.query(`CREATE INDEX hold_active_until ON hold (until) WHERE status = 'active'`);

    await q.query(`ALTER TABLE action DROP CONSTRAINT action_status_check`);
    await q.query(`
      ALTER TABLE action ADD CONSTRAINT action_status_check
        CHECK (status IN ('sent', 'retry-pending', 'completed', 'escalated', 'closed-manually', 'awaiting-acknowledgement'))`);
    // The hold whose end started this action (null for the plan's own actions).
    await q.query(`ALTER TABLE action ADD COLUMN hold_id uuid`);

    await q.query(`ALTER TABLE request_execution ADD COLUMN minimised_at timestamptz`);
    await q.query(
      `CREATE INDEX request_execution_to_minimise ON request_execution (request_id) WHERE completed AND minimised_at IS NULL`,
    );

    // Processor systems (Art. 28) and where to forward requests about their data: from pdata.systems.v1.
    await q.query(`
      CREATE TABLE processor_system (
        system_id text PRIMARY KEY,
        controller text,
        -- The controller's contact address: personal data of the controller's staff, never logged.
        controller_contact text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Requests closed without execution (refused, rejected, ...): a plan arriving later is not executed.
    await q.query(`
      CREATE TABLE closed_request (
        request_id uuid PRIMARY KEY,
        outcome text NOT NULL,
        closed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE closed_request`);
    await q.query(`DROP TABLE processor_system`);
    await q.query(`DROP INDEX request_execution_to_minimise`);
    await q.query(`ALTER TABLE request_execution DROP COLUMN minimised_at`);
    await q.query(`ALTER TABLE action DROP COLUMN hold_id`);
    await q.query(`ALTER TABLE action DROP CONSTRAINT action_status_check`);
    await q.query(
      `ALTER TABLE action ADD CONSTRAINT action_status_check CHECK (status IN ('sent', 'retry-pending', 'completed', 'escalated', 'closed-manually'))`,
    );
    await q.query(`DROP INDEX hold_active_until`);
    await q.query(`CREATE INDEX hold_until ON hold (until)`);
    await q.query(
      `ALTER TABLE hold DROP COLUMN status, DROP COLUMN can_erase, DROP COLUMN expired_at, DROP COLUMN erase_command_id`,
    );
  }
}

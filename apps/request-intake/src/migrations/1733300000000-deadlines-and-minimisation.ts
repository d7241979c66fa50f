import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 6: the deadline engine (extension, refusal, rejection, due-soon and overdue flags),
 * legal holds that end, forwarded actions' acknowledgements, and the minimisation of
 * closed requests after the proof period.
 */
export class DeadlinesAndMinimisation1733300000000 implements MigrationInterface {
  name = 'DeadlinesAndMinimisation1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE requests
        -- Art. 12(3): one extension, told within the first month; the first due date is kept.
        ADD COLUMN original_due_at timestamptz,
        ADD COLUMN extended_at timestamptz,
        ADD COLUMN extension_months int CHECK (extension_months IN (1, 2)),
        ADD COLUMN extension_reason text,
        ADD COLUMN extended_by text,
        -- Art. 12(4) reasons or Art. 12(5) justification (the burden of proof is the controller's).
        ADD COLUMN decision_reason text,
        ADD COLUMN rejection_ground text CHECK (rejection_ground IN ('manifestly-unfounded', 'excessive')),
        ADD COLUMN decided_by text,
        -- The due date each event was published for: once per due date (an extension re-arms them).
        ADD COLUMN due_soon_notified_for timestamptz,
        ADD COLUMN overdue_notified_for timestamptz,
        -- closed_at + the policy's proofPeriod; then the identifiers become keyed hashes.
        ADD COLUMN minimise_after timestamptz,
        ADD COLUMN minimised_at timestamptz`);
    await q.query(`CREATE INDEX requests_minimise_after ON requests (minimise_after) WHERE minimised_at IS NULL`);
    await q.query(`
      ALTER TABLE request_holds
        ADD COLUMN expired_at timestamptz,
        ADD COLUMN erase_command_id uuid`);
    await q.query(`
      ALTER TABLE request_actions
        ADD COLUMN acknowledgement_requested_at timestamptz,
        ADD COLUMN acknowledgement_note text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE request_actions DROP COLUMN acknowledgement_requested_at, DROP COLUMN acknowledgement_note`,
    );
    await q.query(`ALTER TABLE request_holds DROP COLUMN expired_at, DROP COLUMN erase_command_id`);
    await q.query(`DROP INDEX requests_minimise_after`);
    await q.query(`
      ALTER TABLE requests
        DROP COLUMN original_due_at, DROP COLUMN extended_at, DROP COLUMN extension_months, DROP COLUMN extension_reason, DROP COLUMN extended_by,
        DROP COLUMN decision_reason, DROP COLUMN rejection_ground, DROP COLUMN decided_by,
        DROP COLUMN due_soon_notified_for, DROP COLUMN overdue_notified_for, DROP COLUMN minimise_after, DROP COLUMN minimised_at`);
  }
}

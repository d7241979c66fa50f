import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: a registration that redirects personal data waits for the DPO (GDPR Art. 28,
 * 30, 5(1)(f), 32). `systems` stays the register in force, with the approved registration
 * as received (`registration`: what the next one is compared with, the controller's
 * contact included); `system_registrations` holds the ones that waited, and the DPO's
 * decision on each. The systems already registered stay approved: their registration is
 * rebuilt from the register's columns (data-locator never stored a processor's controller
 * contact, so a processor's next registration that gives one waits for the DPO once).
 */
export class RegistrationApprovals1734600000000 implements MigrationInterface {
  name = 'RegistrationApprovals1734600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE systems ADD COLUMN registration jsonb`);
    await q.query(`
      UPDATE systems SET registration = jsonb_strip_nulls(jsonb_build_object(
        'systemId', system_id, 'name', name, 'owner', owner, 'role', role, 'controller', controller,
        'purposes', to_jsonb(purposes), 'legalBasis', legal_basis, 'categories', to_jsonb(categories),
        'location', location, 'transfers', transfers, 'recipients', recipients,
        'capabilities', to_jsonb(capabilities), 'source', source, 'automatedDecisions', automated_decisions))`);
    await q.query(`ALTER TABLE systems ALTER COLUMN registration SET NOT NULL`);
    await q.query(`
      CREATE TABLE system_registrations (
        registration_id uuid PRIMARY KEY,
        system_id text NOT NULL,
        registration jsonb NOT NULL,
        registered_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        changes jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
        decided_by text,
        decided_at timestamptz,
        reason text
      )`);
    // At most one registration of a system waits: a newer one supersedes it.
    await q.query(
      `CREATE UNIQUE INDEX system_registrations_one_pending ON system_registrations (system_id) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX system_registrations_by_system ON system_registrations (system_id, registered_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE system_registrations`);
    await q.query(`ALTER TABLE systems DROP COLUMN registration`);
  }
}

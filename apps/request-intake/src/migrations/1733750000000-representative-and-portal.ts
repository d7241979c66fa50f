import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4, identity: a request filed by a representative keeps the mandate's reference and
 * the representative's name (personal data: minimised with the subject's identifiers after
 * the proof period); a self-service request filed from a signed-in customer-space session
 * is marked so (the proof `portal-session`).
 */
export class RepresentativeAndPortal1733750000000 implements MigrationInterface {
  name = 'RepresentativeAndPortal1733750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE requests ADD COLUMN representative_mandate_ref text, ADD COLUMN representative_name text`,
    );
    await q.query(`ALTER TABLE requests ADD COLUMN portal_session boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE requests DROP COLUMN portal_session, DROP COLUMN representative_name, DROP COLUMN representative_mandate_ref`,
    );
  }
}

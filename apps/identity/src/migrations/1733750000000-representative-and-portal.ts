import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4: how a request's requester is to be proven. A representative's request (with a
 * mandate reference) gets no code — the DPO attests (policy `verification.representative`);
 * a request filed from a signed-in customer-space session carries the proof `portal-session`
 * once its customer number belongs to the subject. Facts only: never the mandate's
 * reference, never the session.
 */
export class RepresentativeAndPortal1733750000000 implements MigrationInterface {
  name = 'RepresentativeAndPortal1733750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE requests ADD COLUMN by_representative boolean NOT NULL DEFAULT false, ADD COLUMN portal_session boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests DROP COLUMN portal_session, DROP COLUMN by_representative`);
  }
}

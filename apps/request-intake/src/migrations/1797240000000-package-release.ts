import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR Art. 15(4): an access package holding records a system flagged as other people's
 * data does not leave automatically. The request keeps what completing it needs
 * (`release_pending`: the execution's outcome) until the DPO releases the package; who
 * released it, and when, is recorded.
 */
export class PackageRelease1797240000000 implements MigrationInterface {
  name = 'PackageRelease1797240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE requests
        ADD COLUMN release_pending jsonb,
        ADD COLUMN release_pending_since timestamptz,
        ADD COLUMN released_at timestamptz,
        ADD COLUMN released_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE requests
        DROP COLUMN release_pending, DROP COLUMN release_pending_since, DROP COLUMN released_at, DROP COLUMN released_by`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A packaged access or portability request sends no export command again: the subject's
 * keys it kept for them are dropped (issue 13; Art. 5(1)(c), (e)). `markPackaged` now does
 * it; this does it once for the requests packaged before. Irreversible: `down` changes nothing.
 */
export class PackagedExportsForgetKeys1734400000000 implements MigrationInterface {
  name = 'PackagedExportsForgetKeys1734400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE export_requests SET subject_keys = '{}'::jsonb WHERE status = 'packaged' AND subject_keys <> '{}'::jsonb`,
    );
  }

  async down(): Promise<void> {
    // The keys are gone for good: nothing to restore.
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR Art. 15(4): the copy "shall not adversely affect the rights and freedoms of others".
 * A package holding records a system flagged as containing other people's data
 * (`containsThirdPartyData`) says so to request-intake, where it waits for the DPO's release.
 */
export class ThirdPartyPackages1797230000000 implements MigrationInterface {
  name = 'ThirdPartyPackages1797230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE export_packages ADD COLUMN third_party_data boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE export_packages DROP COLUMN third_party_data`);
  }
}

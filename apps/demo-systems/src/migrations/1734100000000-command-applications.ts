import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many times each mutating command's effect was applied (committed) and how many
 * deliveries of it were answered from its record instead: the fault-injection run
 * (tools/chaos) asserts no command was ever applied twice, and shows redeliveries happened.
 */
export class CommandApplications1734100000000 implements MigrationInterface {
  name = 'CommandApplications1734100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE command_effects ADD COLUMN applications int NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE command_effects ADD COLUMN redeliveries int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE command_effects DROP COLUMN redeliveries`);
    await q.query(`ALTER TABLE command_effects DROP COLUMN applications`);
  }
}

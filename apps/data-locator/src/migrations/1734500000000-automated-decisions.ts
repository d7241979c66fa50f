import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: a system declares the decisions based solely on automated processing it takes
 * (GDPR Art. 15(1)(h), 22) in its registration; the register keeps it for the access answer.
 */
export class AutomatedDecisions1734500000000 implements MigrationInterface {
  name = 'AutomatedDecisions1734500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE systems ADD COLUMN automated_decisions jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE systems DROP COLUMN automated_decisions`);
  }
}

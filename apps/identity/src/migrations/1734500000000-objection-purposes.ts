import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An objection's purposes: one to direct marketing only may need no proof (policy `directMarketing`, Art. 21(3)). */
export class ObjectionPurposes1734500000000 implements MigrationInterface {
  name = 'ObjectionPurposes1734500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests ADD COLUMN purposes text[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests DROP COLUMN purposes`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createThrottlerHitsTable, dropThrottlerHitsTable } from '@datarights/service-kit';

/**
 * The rate limits' counters, shared by every replica (issue 13; service-kit's
 * PostgresThrottlerStorage): one row per client key and throttler, its window and block.
 */
export class ThrottlerHits1797100000002 implements MigrationInterface {
  name = 'ThrottlerHits1797100000002';

  async up(q: QueryRunner): Promise<void> {
    await createThrottlerHitsTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropThrottlerHitsTable(q);
  }
}

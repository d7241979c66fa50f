import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: a hold may run from a start that has not happened yet (the civil identity is
 * kept 5 years after the contract ends, LCEN art. 6 / décret 2021-1362, while the contract
 * still runs). Its `until` is then only the earliest end; `start_pending` names the start
 * (the policy's `from`), so the request's view and the subject's notice say "5 years after
 * the end of the contract" rather than a date that is not the end.
 */
export class HoldStartPending1797300000000 implements MigrationInterface {
  name = 'HoldStartPending1797300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE request_holds ADD COLUMN start_pending text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE request_holds DROP COLUMN start_pending`);
  }
}

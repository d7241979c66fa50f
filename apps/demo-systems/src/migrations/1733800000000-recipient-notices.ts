import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The demo's recipient system (helpscale, Art. 19): its connector's command store, and
 * what it was told — ids, action and categories, never the subject's keys.
 */
export class RecipientNotices1733800000000 implements MigrationInterface {
  name = 'RecipientNotices1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE helpscale_commands (
        command_id uuid PRIMARY KEY,
        reply jsonb NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE recipient_notices (
        command_id uuid PRIMARY KEY,
        system_id text NOT NULL,
        request_id uuid NOT NULL,
        action text NOT NULL,
        from_system_id text NOT NULL,
        categories text[] NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recipient_notices`);
    await q.query(`DROP TABLE helpscale_commands`);
  }
}

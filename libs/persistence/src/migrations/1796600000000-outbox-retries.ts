import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay isolates a row Kafka refuses (issue 15): per-row attempts, the time of the
 * next one and the last error, and a parked state for a row given up on. The partial
 * indexes the relay's select uses leave parked rows out, and a (key, seq) one lets it hold
 * a key's later rows behind a row that waits for its retry.
 */
export class OutboxRetries1796600000000 implements MigrationInterface {
  name = 'OutboxRetries1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN last_error text,
        ADD COLUMN parked_at timestamptz,
        ADD COLUMN park_reason text`);
    await q.query(`DROP INDEX outbox_unsent`);
    await q.query(`CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL AND parked_at IS NULL`);
    await q.query(`CREATE INDEX outbox_unsent_key ON outbox (key, seq) WHERE sent_at IS NULL AND parked_at IS NULL`);
    await q.query(`CREATE INDEX outbox_parked ON outbox (parked_at) WHERE parked_at IS NOT NULL AND sent_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_parked`);
    await q.query(`DROP INDEX outbox_unsent_key`);
    await q.query(`DROP INDEX outbox_unsent`);
    await q.query(`CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL`);
    await q.query(`
      ALTER TABLE outbox
        DROP COLUMN park_reason,
        DROP COLUMN parked_at,
        DROP COLUMN last_error,
        DROP COLUMN next_attempt_at,
        DROP COLUMN attempts`);
  }
}

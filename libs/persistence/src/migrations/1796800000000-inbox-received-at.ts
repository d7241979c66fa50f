import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a consumer took an event from Kafka (issue 19): with the outbox's `created_at` and
 * `sent_at`, the broker's append time and the inbox's `handled_at` (the handler's start), it
 * splits one hop of a request into relay wait, send, fetch, queue and handler time
 * (bench/erasure/hops.ts). Nullable: rows written before it have none.
 */
export class InboxReceivedAt1796800000000 implements MigrationInterface {
  name = 'InboxReceivedAt1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inbox ADD COLUMN received_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inbox DROP COLUMN received_at`);
  }
}

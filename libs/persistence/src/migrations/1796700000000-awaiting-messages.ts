import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages set aside until another event has been read (issue 15): a reply read before its
 * command, a plan before its request's parameters, a plan before the index has read what
 * existed. The raw Kafka message is kept (value, key, headers) so that it is handled later
 * exactly as it came; `targets` are the end offsets the consumer group must have committed
 * first. A row is deleted in the transaction that finally handles or dead-letters it.
 */
export class AwaitingMessages1796700000000 implements MigrationInterface {
  name = 'AwaitingMessages1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE awaiting_messages (
        consumer text NOT NULL,
        event_id text NOT NULL,
        topic text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset text NOT NULL,
        kafka_key bytea,
        kafka_value bytea NOT NULL,
        kafka_headers jsonb NOT NULL DEFAULT '{}',
        awaited_topic text NOT NULL,
        targets jsonb,
        reason text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        since timestamptz NOT NULL DEFAULT now(),
        give_up_at timestamptz NOT NULL,
        next_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(`CREATE INDEX awaiting_messages_next ON awaiting_messages (consumer, next_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE awaiting_messages`);
  }
}

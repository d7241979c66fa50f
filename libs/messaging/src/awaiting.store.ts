/**
 * The messages a consumer set aside until another event is read (`AwaitingEvent`), in the
 * service's own `awaiting_messages` table: the raw Kafka message as it came, what it waits
 * for, and when to look again. Rows are taken `FOR UPDATE SKIP LOCKED`, one transaction
 * each, so replicas share them and none is handled twice.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import type { OffsetTargets } from './consumer-progress';

export interface AwaitingRow {
  eventId: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
  awaitedTopic: string;
  targets: OffsetTargets | null;
  reason: string;
  attempts: number;
  since: Date;
  giveUpAt: Date;
}

/** A message to set aside: what the table keeps of it, for this consumer, looked at first at `nextAt`. */
export type SetAside = Omit<AwaitingRow, 'attempts' | 'since'> & { consumer: string; nextAt: Date };

type StoredHeaders = Record<string, string | string[]>;

/** Header values as base64 (they are bytes on the wire). */
export function storedHeaders(headers: IHeaders | undefined): StoredHeaders {
  const out: StoredHeaders = {};
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const b64 = (x: Buffer | string) => Buffer.from(x).toString('base64');
    out[name] = Array.isArray(v) ? v.map(b64) : b64(v);
  }
  return out;
}

export function kafkaHeaders(stored: StoredHeaders): IHeaders {
  const out: IHeaders = {};
  for (const [name, v] of Object.entries(stored))
    out[name] = Array.isArray(v) ? v.map((x) => Buffer.from(x, 'base64')) : Buffer.from(v, 'base64');
  return out;
}

export class AwaitingStore {
  /** Sets a message aside; one already set aside (a redelivery after a crash) stays as it was. */
  async setAside(m: EntityManager, a: SetAside): Promise<void> {
    await m.query(
      `INSERT INTO awaiting_messages (consumer, event_id, topic, kafka_partition, kafka_offset, kafka_key, kafka_value,
         kafka_headers, awaited_topic, targets, reason, give_up_at, next_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (consumer, event_id) DO NOTHING`,
      [
        a.consumer,
        a.eventId,
        a.topic,
        a.partition,
        a.message.offset,
        a.message.key ?? null,
        a.message.value ?? Buffer.alloc(0),
        JSON.stringify(storedHeaders(a.message.headers)),
        a.awaitedTopic,
        a.targets ? JSON.stringify(a.targets) : null,
        a.reason,
        a.giveUpAt,
        a.nextAt,
      ],
    );
  }

  /** The messages due for another look (not locked: `lock` takes each). */
  async due(
    m: EntityManager,
    consumer: string,
    limit: number,
  ): Promise<{ eventId: string; targets: OffsetTargets | null; giveUpAt: Date }[]> {
    const rows: { event_id: string; targets: OffsetTargets | null; give_up_at: Date }[] = await m.query(
      `SELECT event_id, targets, give_up_at FROM awaiting_messages WHERE consumer = $1 AND next_at <= now() ORDER BY next_at LIMIT $2`,
      [consumer, limit],
    );
    return rows.map((r) => ({ eventId: r.event_id, targets: r.targets, giveUpAt: new Date(r.give_up_at) }));
  }

  /**
   * Looks at these again (still waiting: one statement for all of them) after as long as
   * each has waited so far, between `minMs` and `maxMs`: the waits double.
   */
  async allLater(m: EntityManager, consumer: string, eventIds: string[], minMs: number, maxMs: number): Promise<void> {
    if (eventIds.length === 0) return;
    await m.query(
      `UPDATE awaiting_messages
          SET next_at = now() + LEAST($4 * interval '1 millisecond', GREATEST($3 * interval '1 millisecond', now() - since))
        WHERE consumer = $1 AND event_id = ANY($2::text[])`,
      [consumer, eventIds, minMs, maxMs],
    );
  }

  /** When the next of this consumer's messages set aside is due; undefined when there is none. */
  async nextDueAt(m: EntityManager, consumer: string): Promise<Date | undefined> {
    const rows: { next_at: Date | null }[] = await m.query(
      `SELECT min(next_at) AS next_at FROM awaiting_messages WHERE consumer = $1`,
      [consumer],
    );
    return rows[0]?.next_at ? new Date(rows[0].next_at) : undefined;
  }

  /** One message set aside, locked for the caller's transaction; none if another replica holds it or it is gone. */
  async lock(m: EntityManager, consumer: string, eventId: string): Promise<AwaitingRow | undefined> {
    const rows: {
      event_id: string;
      topic: string;
      kafka_partition: number;
      kafka_offset: string;
      kafka_key: Buffer | null;
      kafka_value: Buffer;
      kafka_headers: StoredHeaders;
      awaited_topic: string;
      targets: OffsetTargets | null;
      reason: string;
      attempts: number;
      since: Date;
      give_up_at: Date;
    }[] = await m.query(
      `SELECT * FROM awaiting_messages WHERE consumer = $1 AND event_id = $2 AND next_at <= now() FOR UPDATE SKIP LOCKED`,
      [consumer, eventId],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      eventId: r.event_id,
      topic: r.topic,
      partition: r.kafka_partition,
      message: {
        key: r.kafka_key,
        value: r.kafka_value,
        headers: kafkaHeaders(r.kafka_headers),
        offset: r.kafka_offset,
        timestamp: String(new Date(r.since).getTime()),
        attributes: 0,
      } as KafkaMessage,
      awaitedTopic: r.awaited_topic,
      targets: r.targets,
      reason: r.reason,
      attempts: r.attempts,
      since: new Date(r.since),
      giveUpAt: new Date(r.give_up_at),
    };
  }

  async later(
    m: EntityManager,
    consumer: string,
    eventId: string,
    nextAt: Date,
    patch: { targets?: OffsetTargets; attempt?: boolean; reason?: string } = {},
  ): Promise<void> {
    await m.query(
      `UPDATE awaiting_messages
          SET next_at = $3, targets = COALESCE($4::jsonb, targets), attempts = attempts + $5, reason = COALESCE($6, reason)
        WHERE consumer = $1 AND event_id = $2`,
      [
        consumer,
        eventId,
        nextAt,
        patch.targets ? JSON.stringify(patch.targets) : null,
        patch.attempt ? 1 : 0,
        patch.reason ?? null,
      ],
    );
  }

  async done(m: EntityManager, consumer: string, eventId: string): Promise<void> {
    await m.query(`DELETE FROM awaiting_messages WHERE consumer = $1 AND event_id = $2`, [consumer, eventId]);
  }

  /** How many messages wait, per topic (the gauge). */
  async counts(m: EntityManager, consumer: string): Promise<{ topic: string; n: number }[]> {
    return m.query(`SELECT topic, count(*)::int AS n FROM awaiting_messages WHERE consumer = $1 GROUP BY topic`, [
      consumer,
    ]);
  }
}

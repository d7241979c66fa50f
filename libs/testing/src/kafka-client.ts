/**
 * A plain kafkajs client playing a company system or reading what services wrote: tests of
 * the public contract use it instead of the SDK or Nest (docs/kafka-contract.md).
 */
import type { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  createEnvelope,
  eventByType,
  SYSTEMS_PRODUCER,
  type EventEnvelope,
} from '@datarights/contracts';
import { testKafka, waitFor } from './infra';

export interface Received {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  envelope?: EventEnvelope;
}

export class RawKafka {
  readonly kafka: Kafka;
  private producer?: Producer;
  private consumers: Consumer[] = [];

  constructor(
    readonly topicPrefix = '',
    clientId = 'raw-test-client',
  ) {
    this.kafka = testKafka(clientId);
  }

  topic(name: string): string {
    return this.topicPrefix + name;
  }

  async ensureTopics(names: string[], partitions = 3): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = names.map((n) => this.topic(n)).filter((t) => !existing.has(t));
      if (missing.length)
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        });
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until a topic exists (e.g. a command topic the services create on registration). */
  async waitForTopic(name: string, timeoutMs = 20_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitFor(async () => (await admin.listTopics()).includes(this.topic(name)), `topic ${name}`, timeoutMs, 250);
    } finally {
      await admin.disconnect();
    }
  }

  async send(
    topic: string,
    key: string,
    value: unknown,
    headers: IHeaders = { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
  ): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    await this.producer.send({
      topic: this.topic(topic),
      acks: -1,
      messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value), headers }],
    });
  }

  /**
   * Sends an event in the documented envelope, built by hand like any other language would.
   * The source is the type's producer (the system named in the data, for a system's
   * event), as the services only accept an event from its producers; `extra` overrides it.
   */
  async sendEvent(
    topic: string,
    key: string,
    type: string,
    data: object,
    extra: Partial<EventEnvelope> = {},
  ): Promise<EventEnvelope> {
    const envelope = { ...createEnvelope({ type, source: producerOf(type, data), data }), ...extra };
    await this.send(topic, key, envelope);
    return envelope as EventEnvelope;
  }

  /** Collects every message of the topics from the beginning, into `received`. */
  async collect(
    topics: string[],
    groupId = `raw-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  ): Promise<Received[]> {
    const received: Received[] = [];
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    this.consumers.push(consumer);
    await consumer.connect();
    for (const t of topics) await consumer.subscribe({ topic: this.topic(t), fromBeginning: true });
    const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
        const value = message.value?.toString() ?? null;
        let envelope: EventEnvelope | undefined;
        try {
          envelope = value ? (JSON.parse(value) as EventEnvelope) : undefined;
        } catch {
          envelope = undefined;
        }
        received.push({
          topic: topic.slice(this.topicPrefix.length),
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value,
          headers,
          envelope,
        });
      },
    });
    await joined;
    return received;
  }

  async waitForMessage(
    received: Received[],
    predicate: (r: Received) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<Received> {
    return waitFor(async () => received.find(predicate), what, timeoutMs);
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
  }
}

/** The source a legitimate writer of this type uses: its first producer, or the system the data names. */
export function producerOf(type: string, data: object): string {
  const producer = eventByType(type)?.producers[0];
  if (!producer) return 'raw-test-client';
  if (producer !== SYSTEMS_PRODUCER) return producer;
  const systemId = (data as { systemId?: unknown }).systemId;
  return typeof systemId === 'string' ? systemId : 'raw-test-client';
}

/**
 * A plain kafkajs client playing a company system or reading what services wrote: tests of
 * the public contract use it instead of the SDK or Nest (docs/kafka-contract.md).
 */
import type { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  createEnvelope,
  dlqTopic,
  eventByType,
  SYSTEM_ID_PLACEHOLDER,
  systemOfTopic,
  SYSTEMS_PRODUCER,
  topicPattern,
  type EventEnvelope,
} from '@datarights/contracts';
import { testKafka, waitFor } from './infra';

export interface Received {
  /** The topic as collected: for a per-system family (`pdata.replies.{systemId}.v1`), the family's name. */
  topic: string;
  /** The topic it was read from (`pdata.replies.crm.v1`), without the test prefix. */
  actualTopic: string;
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
  private watchers: NodeJS.Timeout[] = [];
  private readonly created = new Set<string>();

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
      // kafkajs's wait for the leaders sometimes fails on a KRaft broker while the topic is
      // being created (UNKNOWN_TOPIC_OR_PARTITION): try again until every topic is there.
      for (let attempt = 1; ; attempt++) {
        const existing = new Set(await admin.listTopics());
        const missing = names.map((n) => this.topic(n)).filter((t) => !existing.has(t));
        if (missing.length === 0) break;
        try {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
          });
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
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

  /**
   * Sends a message as is. A per-system family name (`{systemId}`) is resolved from the
   * message's `data.systemId`; a system's own topic is created (with its dead-letter
   * topic) if missing, as the platform does when a system arrives.
   */
  async send(
    topic: string,
    key: string,
    value: unknown,
    headers: IHeaders = { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
  ): Promise<void> {
    const resolved = resolveTopic(topic, value);
    if (systemOfTopic(resolved) !== undefined && !this.created.has(resolved)) {
      await this.ensureTopics([resolved, dlqTopic(resolved)]);
      this.created.add(resolved);
    }
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    const message = { key, value: typeof value === 'string' ? value : JSON.stringify(value), headers };
    // A topic created a moment ago may not be known to every broker's metadata yet.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer.send({ topic: this.topic(resolved), acks: -1, messages: [message] });
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
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

  /**
   * Sends these events to one fixed topic under one key in a single produce request, so
   * that a consumer gets them in one batch (`sendEvent` for each alone).
   */
  async sendEvents(topic: string, key: string, events: { type: string; data: object }[]): Promise<EventEnvelope[]> {
    const envelopes = events.map(({ type, data }) => createEnvelope({ type, source: producerOf(type, data), data }));
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    await this.producer.send({
      topic: this.topic(topic),
      acks: -1,
      messages: envelopes.map((e) => ({
        key,
        value: JSON.stringify(e),
        headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
      })),
    });
    return envelopes as EventEnvelope[];
  }

  /**
   * Collects every message of the topics from the beginning, into `received`. A family
   * name (`{systemId}`, e.g. `dlqTopic(TOPICS.replies.name)`) collects every topic of the
   * family, those created later included.
   */
  async collect(
    topics: string[],
    groupId = `raw-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  ): Promise<Received[]> {
    const received: Received[] = [];
    const fixed = topics.filter((t) => !t.includes(SYSTEM_ID_PLACEHOLDER));
    const families = topics.filter((t) => t.includes(SYSTEM_ID_PLACEHOLDER));
    if (fixed.length > 0) await this.consume(fixed, received, groupId, (t) => t);
    for (const family of families) {
      const pattern = new RegExp(topicPattern(family));
      const reading = new Set<string>();
      const look = async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          const logical = (await admin.listTopics())
            .filter((t) => t.startsWith(this.topicPrefix))
            .map((t) => t.slice(this.topicPrefix.length));
          for (const t of logical.filter((x) => pattern.test(x) && !reading.has(x))) {
            reading.add(t);
            await this.consume([t], received, `${groupId}-${t}`, () => family);
          }
        } finally {
          await admin.disconnect();
        }
      };
      await look();
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        look()
          .catch(() => undefined)
          .finally(() => (busy = false));
      }, 500);
      timer.unref();
      this.watchers.push(timer);
    }
    return received;
  }

  private async consume(
    topics: string[],
    received: Received[],
    groupId: string,
    collectedAs: (topic: string) => string,
  ): Promise<void> {
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
        const actualTopic = topic.slice(this.topicPrefix.length);
        received.push({
          topic: collectedAs(actualTopic),
          actualTopic,
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
    this.watchers.forEach(clearInterval);
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

/** A family name resolved for the system the message's data names (`pdata.replies.{systemId}.v1` → `pdata.replies.crm.v1`). */
export function resolveTopic(topic: string, value: unknown): string {
  if (!topic.includes(SYSTEM_ID_PLACEHOLDER)) return topic;
  let parsed: unknown = value;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      parsed = JSON.parse(value.toString());
    } catch {
      parsed = undefined;
    }
  }
  const systemId = (parsed as { data?: { systemId?: unknown } } | undefined)?.data?.systemId;
  if (typeof systemId !== 'string')
    throw new Error(`${topic} is one topic per system: say which (no data.systemId in the message)`);
  return topic.replace(SYSTEM_ID_PLACEHOLDER, systemId);
}

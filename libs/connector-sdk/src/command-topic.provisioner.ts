/**
 * Makes sure one of a system's own topics (its command topic, or a topic it writes:
 * registration, data events, replies) and its dead-letter topic exist before the
 * consumer subscribes or the producer sends: kafkajs fails subscribing to a missing topic on KRaft brokers
 * (docs/conventions.md, "Messaging"). Where the system's credentials may not create topics (production
 * ACLs limit each system to its own commands, docs/kafka-contract.md), the platform creates them and
 * this waits for them to appear, up to a deadline.
 */
import { dlqTopic } from '@datarights/contracts';
import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from './console.logger';
import type { ConnectorLogger } from './connector.types';
import { isAuthorisationError } from './kafka-errors.util';

export interface ProvisionOptions {
  topic: string;
  timeoutMs: number;
  numPartitions?: number;
  replicationFactor?: number;
  logger: ConnectorLogger;
  pollMs?: number;
  /** A table topic (the registration): keeps the latest value per key. */
  compacted?: boolean;
}

export async function ensureCommandTopic(
  admin: Pick<Admin, 'createTopics' | 'fetchTopicMetadata'>,
  o: ProvisionOptions,
): Promise<void> {
  const spec = (topic: string) => ({
    topic,
    ...(o.compacted && topic === o.topic ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
    ...(o.numPartitions ? { numPartitions: o.numPartitions } : {}),
    ...(o.replicationFactor ? { replicationFactor: o.replicationFactor } : {}),
  });
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [spec(o.topic), spec(dlqTopic(o.topic))],
    });
    o.logger.info(created ? 'topic created' : 'topic already exists', { topic: o.topic });
    return;
  } catch (err) {
    if (!isAuthorisationError(err)) throw err;
    o.logger.info('not allowed to create the topic: waiting for it to exist', {
      topic: o.topic,
      error: describeError(err),
    });
  }
  await waitForTopic(admin, o);
}

async function waitForTopic(admin: Pick<Admin, 'fetchTopicMetadata'>, o: ProvisionOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [o.topic] });
      const t = topics.find((x) => x.name === o.topic);
      if (t && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) return;
    } catch {
      // UNKNOWN_TOPIC_OR_PARTITION until it is created: keep waiting.
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `topic ${o.topic} does not exist and these credentials may not create it; ` +
          `ask the Kafka administrators to apply the system's topics (deploy/kafka/templates/system-topic.yaml) (waited ${o.timeoutMs} ms)`,
      );
    }
    await sleep(o.pollMs ?? 1000);
  }
}

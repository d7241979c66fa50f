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
import { brokerErrorTypes, isAuthorisationError } from './kafka-errors.util';

/** The answers of a broker that has the topic but does not serve it yet. */
const NOT_SERVED_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);
const isUnhostedYet = (err: unknown) => brokerErrorTypes(err).some((type) => NOT_SERVED_YET.has(type));

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
    if (isAuthorisationError(err)) {
      o.logger.info('not allowed to create the topic: waiting for it to exist', {
        topic: o.topic,
        error: describeError(err),
      });
    } else if (isUnhostedYet(err)) {
      // Created, but the broker does not serve it yet: kafkajs's wait for leaders gives up
      // on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers for a moment after
      // creating a topic (more than a moment under load). Wait for it as for any topic.
      o.logger.info('topic created, waiting for the broker to serve it', { topic: o.topic, error: describeError(err) });
    } else throw err;
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

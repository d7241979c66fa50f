/**
 * Creates topics up front: kafkajs fails subscribing to a topic that does not exist yet on
 * KRaft brokers (docs/conventions.md, "Messaging"), so every service makes sure of its topics at start-up.
 */
import type { Kafka } from 'kafkajs';
import { dlqTopic, TOPICS, topicsToCreate, type TopicDefinition } from '@datarights/contracts';
import { physicalTopic, type KafkaSettings } from './kafka.config';

/** The topics that are tables (latest value per key, kept for as long as the key lives). */
export const COMPACTED = new Set(
  Object.values(TOPICS as Record<string, TopicDefinition>)
    .filter((t) => t.compacted)
    .map((t) => t.name),
);

export async function ensureTopics(kafka: Kafka, settings: KafkaSettings, topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(physicalTopic(settings, t)));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: physicalTopic(settings, t),
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
          // A topic that is a table (the register) keeps the latest value per key.
          configEntries: COMPACTED.has(t) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
    } catch (err) {
      // Another replica may have created them at the same moment.
      const now = new Set(await admin.listTopics());
      if (missing.some((t) => !now.has(physicalTopic(settings, t)))) throw err;
    }
  } finally {
    await admin.disconnect();
  }
}

/** Every fixed topic and its dead-letter topic, plus the given command topics and theirs. */
export function allTopicsWith(commandTopics: string[] = []): string[] {
  return [...topicsToCreate(), ...commandTopics.flatMap((t) => [t, dlqTopic(t)])];
}

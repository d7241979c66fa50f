import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { commandTopic } from '@datarights/contracts';
import type { KafkaSettings } from './kafka.config';
import { KAFKA, KAFKA_SETTINGS } from './messaging.options';
import { allTopicsWith, ensureTopics } from './topics.admin';

/** Creates a system's command topic (and its dead-letter topic) when the system registers. */
@Injectable()
export class TopicAdmin {
  private readonly known = new Set<string>();

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
  ) {}

  async ensureCommandTopic(systemId: string): Promise<string> {
    const topic = commandTopic(systemId);
    if (!this.known.has(topic)) {
      await ensureTopics(
        this.kafka,
        this.settings,
        allTopicsWith([topic]).filter((t) => t.startsWith('pdata.commands.')),
      );
      this.known.add(topic);
    }
    return topic;
  }
}

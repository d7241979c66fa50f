/**
 * @datarights/messaging as a Nest module: apps never touch kafkajs or ClientKafka; they
 * publish through the outbox (`EventPublisher`) and handle events with `@OnEvent`,
 * `@OnBatch` or `@OnAnyEvent` on a controller, served by `MessagingServer`.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { EventPublisher } from './event.publisher';
import { createKafka, kafkaSettingsFromEnv, type KafkaSettings } from './kafka.config';
import { KafkaHealth } from './kafka.health';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { MessagingServer } from './messaging.server';
import { OutboxRelay } from './outbox.relay';
import { TopicAdmin } from './topic.admin.service';

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA_SETTINGS, useFactory: () => kafkaSettingsFromEnv() },
        { provide: KAFKA, useFactory: (s: KafkaSettings) => createKafka(s, `datarights.${options.service}`), inject: [KAFKA_SETTINGS] },
        EventPublisher,
        OutboxRelay,
        MessagingServer,
        KafkaHealth,
        TopicAdmin,
      ],
      exports: [MESSAGING_OPTIONS, KAFKA_SETTINGS, KAFKA, EventPublisher, OutboxRelay, MessagingServer, KafkaHealth, TopicAdmin],
    };
  }
}

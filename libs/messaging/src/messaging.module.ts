/**
 * @datarights/messaging as a Nest module: apps never touch kafkajs or ClientKafka; they
 * publish through the outbox (`EventPublisher`) and handle events with `@OnEvent`,
 * `@OnBatch` or `@OnAnyEvent` on a controller, served by `MessagingServer`.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { ConsumerProgress } from './consumer-progress';
import { EventPublisher } from './event.publisher';
import { InboxPruner } from './inbox.pruner';
import { createKafka, kafkaSettingsFromEnv, type KafkaSettings } from './kafka.config';
import { KafkaHealth } from './kafka.health';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { MessagingServer } from './messaging.server';
import { OutboxRelay } from './outbox.relay';
import { TopicAdmin } from './topic.admin.service';

@Module({})
export class MessagingModule {
  /** `options` may be a factory, resolved when the app is created (tests set their own schema and group). */
  static forRoot(options: MessagingOptions | (() => MessagingOptions)): DynamicModule {
    const service = typeof options === 'function' ? options().service : options.service;
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          useFactory: (): MessagingOptions => (typeof options === 'function' ? options() : options),
        },
        { provide: KAFKA_SETTINGS, useFactory: () => kafkaSettingsFromEnv() },
        {
          provide: KAFKA,
          useFactory: (s: KafkaSettings) => createKafka(s, `datarights.${service}`),
          inject: [KAFKA_SETTINGS],
        },
        EventPublisher,
        OutboxRelay,
        MessagingServer,
        KafkaHealth,
        TopicAdmin,
        ConsumerProgress,
        InboxPruner,
      ],
      exports: [
        MESSAGING_OPTIONS,
        KAFKA_SETTINGS,
        KAFKA,
        EventPublisher,
        OutboxRelay,
        MessagingServer,
        KafkaHealth,
        TopicAdmin,
        ConsumerProgress,
        InboxPruner,
      ],
    };
  }
}

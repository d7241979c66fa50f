/**
 * @datarights/messaging as a Nest module: apps never touch kafkajs or ClientKafka; they
 * publish through the outbox (`EventPublisher`) and handle events with `@OnEvent`,
 * `@OnBatch` or `@OnAnyEvent` on a controller, served by `MessagingServer`.
 */
import { DynamicModule, Module, type InjectionToken } from '@nestjs/common';
import { ConsumerProgress } from './consumer-progress';
import { EventPublisher } from './event.publisher';
import { InboxPruner } from './inbox.pruner';
import { createKafka, type KafkaSettings } from './kafka.config';
import { KafkaHealth } from './kafka.health';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { MessagingServer } from './messaging.server';
import { OutboxRelay } from './outbox.relay';
import { TopicAdmin } from './topic.admin.service';

/**
 * What the module is given: factories over injected providers (service-kit
 * passes its runtime config, read from the environment once at boot), resolved when the app
 * is created (tests set their own schema and group).
 */
export interface MessagingModuleOptions {
  /** The service name: the Kafka client id `datarights.<service>`. */
  service: string;
  /** Providers the factories receive, in order. */
  inject?: InjectionToken[];
  options: (...deps: never[]) => MessagingOptions;
  /** The Kafka settings (`kafkaSettingsFromEnv` over the environment read at boot). */
  kafka: (...deps: never[]) => KafkaSettings;
}

@Module({})
export class MessagingModule {
  static forRoot(o: MessagingModuleOptions): DynamicModule {
    const inject = o.inject ?? [];
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useFactory: o.options, inject },
        { provide: KAFKA_SETTINGS, useFactory: o.kafka, inject },
        {
          provide: KAFKA,
          useFactory: (s: KafkaSettings) => createKafka(s, `datarights.${o.service}`),
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

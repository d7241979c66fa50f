/**
 * The only place that reads process.env for demo-systems: validated once at start-up.
 *
 * Kafka settings (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_SSL*, KAFKA_SASL_*) are read by
 * the messaging lib's own reader, here, once: the four connectors get exactly the brokers,
 * credentials and topic prefix the service's own Kafka clients use.
 */
import { IsInt, IsString, Max, Min } from 'class-validator';
import { kafkaSettingsFromEnv, type KafkaSettings } from '@datarights/messaging';
import { loadConfig, ServiceConfig } from '@datarights/service-kit';

export class DemoSystemsConfig extends ServiceConfig {
  override PORT = 3010;

  /** How many fake customers to seed, once, at first start (0: none). */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  DEMO_CUSTOMERS: number = 10_000;

  /** Seed of the pseudo-random generator: the same seed gives the same customers. */
  @IsInt()
  @Min(0)
  @Max(2 ** 32 - 1)
  DEMO_SEED: number = 20_250_101;

  /** Rows announced per page when publishing the seeded tables (one transaction per page). */
  @IsInt()
  @Min(10)
  @Max(50_000)
  DEMO_PUBLISH_PAGE_SIZE: number = 5_000;

  /**
   * How long handled commands and their replies are kept for deduplication. Export
   * replies hold a copy of the subject's records, so they must not outlive the DSR side's
   * retry window by much (connector-sdk README, PostgresCommandStore.prune).
   */
  @IsInt()
  @Min(1)
  @Max(365)
  DEMO_COMMAND_RETENTION_DAYS: number = 30;

  /**
   * The development SMTP sink (smtp-sink.service.ts): where the mail gateway delivers in
   * development; 0 turns it off. Listens on SMTP_SINK_HOST (127.0.0.1; 0.0.0.0 in a pod).
   */
  @IsInt()
  @Min(0)
  @Max(65535)
  SMTP_SINK_PORT: number = 2525;

  @IsString()
  SMTP_SINK_HOST: string = '127.0.0.1';

  /** Filled by `appConfig()` from the messaging lib's reader (not validated twice). */
  kafka: KafkaSettings;
}

export const appConfig = (env: NodeJS.ProcessEnv = process.env): DemoSystemsConfig => {
  const config = loadConfig(DemoSystemsConfig, env);
  config.kafka = kafkaSettingsFromEnv(env);
  return config;
};

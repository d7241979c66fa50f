/**
 * Kafka settings shared by every service, from the environment the entry point read once at
 * boot (service-kit's `loadRuntimeConfig`; docs/conventions.md, "Configuration"): this lib
 * never reads process.env itself.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  ssl: KafkaConfig['ssl'];
  sasl?: SASLOptions;
  partitions: number;
  replicationFactor: number;
  /**
   * Prepended to every topic name on the broker (empty in production). Lets test runs and
   * shared development brokers keep their topics apart; names in code stay the contract's.
   */
  topicPrefix: string;
  /**
   * Events a consumer handles in one database transaction (one savepoint each): a commit
   * per event costs a WAL flush and round trips (issue 19). 1: a transaction per event.
   */
  eventsPerTransaction: number;
  /** Partitions a consumer handles at once (kafkajs `partitionsConsumedConcurrently`). */
  consumerConcurrency: number;
  /** The first look at a message set aside (`MessagingOptions.awaitFirstLookMs`, which wins when given). */
  awaitFirstLookMs: number;
  /** How often a consumer looks for new topics (a system that has just arrived): KAFKA_TOPIC_WATCH_MS, 5 s. */
  topicWatchMs: number;
  /** Whether the outbox relay starts with the app (OUTBOX_RELAY=off: not; tests drive it themselves). */
  outboxRelay: boolean;
}

export function physicalTopic(settings: Pick<KafkaSettings, 'topicPrefix'>, topic: string): string {
  return settings.topicPrefix + topic;
}

export function logicalTopic(settings: Pick<KafkaSettings, 'topicPrefix'>, topic: string): string {
  return topic.startsWith(settings.topicPrefix) ? topic.slice(settings.topicPrefix.length) : topic;
}

export function kafkaSettingsFromEnv(env: NodeJS.ProcessEnv): KafkaSettings {
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS must list at least one broker');
  const ssl =
    env.KAFKA_SSL === 'true'
      ? {
          rejectUnauthorized: true,
          ...(env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] } : {}),
        }
      : false;
  let sasl: SASLOptions | undefined;
  if (env.KAFKA_SASL_MECHANISM) {
    const mechanism = env.KAFKA_SASL_MECHANISM.toLowerCase();
    if (mechanism !== 'scram-sha-512' && mechanism !== 'scram-sha-256' && mechanism !== 'plain') {
      throw new Error('KAFKA_SASL_MECHANISM must be scram-sha-512, scram-sha-256 or plain');
    }
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)
      throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM');
    sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD } as SASLOptions;
  }
  return {
    brokers,
    ssl,
    sasl,
    partitions: Number(env.KAFKA_PARTITIONS ?? 3),
    replicationFactor: Number(env.KAFKA_REPLICATION_FACTOR ?? 1),
    topicPrefix: topicPrefixFromEnv(env),
    eventsPerTransaction: positiveInt(env, 'MESSAGING_EVENTS_PER_TRANSACTION', 50),
    consumerConcurrency: positiveInt(env, 'KAFKA_CONSUMER_CONCURRENCY', 2),
    awaitFirstLookMs: positiveInt(env, 'MESSAGING_AWAIT_FIRST_LOOK_MS', 50),
    topicWatchMs: positiveInt(env, 'KAFKA_TOPIC_WATCH_MS', 5_000),
    outboxRelay: env.OUTBOX_RELAY !== 'off',
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

function topicPrefixFromEnv(env: NodeJS.ProcessEnv): string {
  const prefix = env.KAFKA_TOPIC_PREFIX ?? '';
  if (!/^[a-z0-9._-]{0,40}$/.test(prefix))
    throw new Error('KAFKA_TOPIC_PREFIX may only hold a-z, 0-9, ".", "_" and "-" (40 at most)');
  return prefix;
}

/**
 * kafkajs's own log lines, as JSON on stderr, minus one: every idempotent producer warns
 * that its retries are bounded. They are on purpose — a send that keeps failing must
 * surface as an error (the relay then backs off and the outbox-lag alert fires) instead of
 * retrying silently forever — so the warning is noise at every start.
 */
const kafkaLog: logCreator =
  () =>
  ({ level, label, log }) => {
    if (typeof log.message === 'string' && log.message.startsWith('Limiting retries for the idempotent producer'))
      return;
    if (level > logLevel.WARN) return;
    process.stderr.write(`${JSON.stringify({ level: label, logger: 'kafkajs', ...log })}\n`);
  };

export function createKafka(settings: KafkaSettings, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    logLevel: logLevel.WARN,
    logCreator: kafkaLog,
    retry: { retries: 8, initialRetryTime: 200 },
  });
}

/**
 * Creates every fixed topic of the system and its dead-letter topic (names from
 * libs/contracts, settings as the services read them: KAFKA_BROKERS, KAFKA_PARTITIONS,
 * KAFKA_REPLICATION_FACTOR, KAFKA_TOPIC_PREFIX, and the SSL/SASL variables), with the same
 * code the services run at start-up. Run by `node tools/infra/cli.mjs up`, and usable on
 * its own against any cluster:
 *
 *   KAFKA_BROKERS=host:9092 TS_NODE_PROJECT=tsconfig.json \
 *     node -r ts-node/register/transpile-only -r tsconfig-paths/register tools/infra/create-topics.ts
 *
 * Why up front: the brokers run with auto.create.topics.enable=false, and kafkajs consumers
 * fail to subscribe to a topic that does not exist yet on KRaft brokers.
 */
// The contracts' payload classes carry decorators that need the metadata polyfill first.
import 'reflect-metadata';
import { allTopicsWith, createKafka, ensureTopics, kafkaSettingsFromEnv } from '@datarights/messaging';

async function main(): Promise<void> {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set (e.g. KAFKA_BROKERS=127.0.0.1:9092)');
  const settings = kafkaSettingsFromEnv(process.env);
  const topics = allTopicsWith();
  await ensureTopics(createKafka(settings, 'datarights-create-topics'), settings, topics);
  console.log(
    `${topics.length} topics present (new ones: ${settings.partitions} partitions, replication factor ${settings.replicationFactor})`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

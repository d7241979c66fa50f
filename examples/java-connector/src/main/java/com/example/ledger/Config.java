package com.example.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** Everything the connector reads from its environment; no other configuration. */
record Config(
    String brokers,
    String topicPrefix,
    String systemId,
    Path ledgerFile,
    Properties clientProperties,
    long startTimeoutMs) {

  static Config fromEnv(Map<String, String> env) throws IOException {
    String systemId = env.getOrDefault("SYSTEM_ID", "java-ledger");
    if (!systemId.matches("^[a-z0-9][a-z0-9-]{0,62}$")) {
      throw new IllegalArgumentException("SYSTEM_ID must match ^[a-z0-9][a-z0-9-]{0,62}$");
    }
    String prefix = env.getOrDefault("KAFKA_TOPIC_PREFIX", "");
    if (!prefix.matches("^[a-z0-9._-]{0,40}$")) {
      throw new IllegalArgumentException("KAFKA_TOPIC_PREFIX may only hold a-z, 0-9, '.', '_' and '-'");
    }
    // Security settings (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*) for a
    // real cluster: a standard Kafka client properties file.
    Properties client = new Properties();
    String propsFile = env.get("KAFKA_CLIENT_PROPERTIES");
    if (propsFile != null && !propsFile.isBlank()) {
      try (InputStream in = Files.newInputStream(Path.of(propsFile))) {
        client.load(in);
      }
    }
    return new Config(
        env.getOrDefault("KAFKA_BROKERS", "127.0.0.1:9092"),
        prefix,
        systemId,
        Path.of(env.getOrDefault("LEDGER_FILE", "ledger.json")),
        client,
        Long.parseLong(env.getOrDefault("START_TIMEOUT_MS", "60000")));
  }

  String systemsTopic() {
    return topicPrefix + "pdata.systems." + systemId + ".v1";
  }

  String eventsTopic() {
    return topicPrefix + "pdata.events." + systemId + ".v1";
  }

  String commandsTopic() {
    return topicPrefix + "pdata.commands." + systemId + ".v1";
  }

  String repliesTopic() {
    return topicPrefix + "pdata.replies." + systemId + ".v1";
  }

  /** The consumer group the platform's ACLs allow a system (deploy/kafka/templates/system-user.yaml). */
  String groupId() {
    return "system." + systemId;
  }
}

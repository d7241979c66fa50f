package com.example.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole contract of a company system (docs/kafka-contract.md), with kafka-clients:
 *
 * <ol>
 *   <li>its four own topics exist (created where the credentials allow, else awaited);
 *   <li>it registers on pdata.systems.&lt;systemId&gt;.v1 (key: systemId);
 *   <li>it announces every record it holds on pdata.events.&lt;systemId&gt;.v1 (key:
 *       systemId:recordRef), subject keys only, never the contents;
 *   <li>it reads pdata.commands.&lt;systemId&gt;.v1 as group system.&lt;systemId&gt;, executes
 *       each command once (erase, export), answers every command it can answer on
 *       pdata.replies.&lt;systemId&gt;.v1 (key: requestId; correlationid: the request id;
 *       causationid: the command event's id), and commits a command's offset only once
 *       its reply is sent.
 * </ol>
 *
 * Logs name ids, topics, offsets and counts, never subject keys or record contents.
 */
final class LedgerConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LedgerConnector.class);

  static final String REGISTERED = "pdata.system.registered.v1";
  static final String RECORD_STORED = "pdata.record.stored.v1";
  static final String RECORD_ERASED = "pdata.record.erased.v1";
  static final String COMPLETED = "pdata.command.completed.v1";
  static final String FAILED = "pdata.command.failed.v1";
  static final String COMMAND_PREFIX = "pdata.command.";

  /** An export reply past this many bytes of JSON is sent in parts (the contract's 512 KiB). */
  static final int EXPORT_PART_MAX_BYTES = 512 * 1024;

  private static final Pattern UUID =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");

  private final Config config;
  private final ObjectMapper json;
  private final Ledger ledger;
  private final ObjectNode registration;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AtomicBoolean running = new AtomicBoolean(true);

  LedgerConnector(Config config, ObjectMapper json, Ledger ledger, ObjectNode registration) {
    this.config = config;
    this.json = json;
    this.ledger = ledger;
    this.registration = registration;

    Properties p = base();
    // Idempotent, every replica: a retried send never writes a reply twice (docs/conventions.md).
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    // The contract's messages are at most 1 MiB; an export part is at most 512 KiB.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1024 * 1024));
    this.producer = new KafkaProducer<>(p);

    Properties c = base();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    // A new group also gets the commands sent before the system first ran.
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(c);
  }

  private Properties base() {
    Properties p = new Properties();
    p.putAll(config.clientProperties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.brokers());
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, config.systemId());
    return p;
  }

  /** Topics, registration, data events: then {@link #run()} handles commands. */
  void start() throws Exception {
    ensureTopics();
    String systemId = config.systemId();
    send(config.systemsTopic(), systemId, Envelopes.create(json, REGISTERED, systemId, registration, null, null));
    log.info("registered on {}", config.systemsTopic());
    List<ObjectNode> records = ledger.records();
    publishRecords(RECORD_STORED, records);
    log.info("announced {} record(s) on {}", records.size(), config.eventsTopic());
  }

  /**
   * Creates the system's topics and their dead-letter topics where the credentials may
   * (a local broker); in production the platform creates them
   * (deploy/kafka/templates/system-topic.yaml) and this waits for them.
   */
  private void ensureTopics() throws Exception {
    List<String> topics =
        List.of(config.systemsTopic(), config.eventsTopic(), config.repliesTopic(), config.commandsTopic());
    try (Admin admin = Admin.create(base())) {
      List<NewTopic> wanted = new ArrayList<>();
      for (String t : topics) {
        NewTopic topic = new NewTopic(t, java.util.Optional.empty(), java.util.Optional.empty());
        // The registration topic is a table: the latest registration per system.
        if (t.equals(config.systemsTopic())) topic.configs(Map.of("cleanup.policy", "compact"));
        wanted.add(topic);
        wanted.add(new NewTopic(t + ".dlq", java.util.Optional.empty(), java.util.Optional.empty()));
      }
      boolean mayCreate = true;
      for (var entry : admin.createTopics(wanted).values().entrySet()) {
        try {
          entry.getValue().get();
          log.info("topic created: {}", entry.getKey());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) continue;
          if (e.getCause() instanceof TopicAuthorizationException
              || e.getCause() instanceof ClusterAuthorizationException) {
            mayCreate = false;
            continue;
          }
          throw e;
        }
      }
      if (mayCreate) return;
      long deadline = System.currentTimeMillis() + config.startTimeoutMs();
      while (!admin.listTopics().names().get().containsAll(topics)) {
        if (System.currentTimeMillis() > deadline)
          throw new IllegalStateException(
              "the system's topics do not exist and these credentials may not create them: "
                  + "ask the Kafka administrators to apply them (deploy/kafka/templates/system-topic.yaml)");
        Thread.sleep(1000);
      }
    }
  }

  private void publishRecords(String type, List<ObjectNode> records) throws Exception {
    String systemId = config.systemId();
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    for (ObjectNode r : records) {
      ObjectNode data = json.createObjectNode();
      data.put("systemId", systemId);
      data.put("recordRef", r.path("recordRef").asText());
      data.put("category", r.path("category").asText());
      // One value per key here (a record holds one e-mail); commands carry lists.
      data.set("subjectKeys", r.path("subjectKeys").deepCopy());
      data.put("occurredAt", r.path("createdAt").asText());
      ObjectNode event = Envelopes.create(json, type, systemId, data, null, null);
      sent.add(producer.send(record(config.eventsTopic(), systemId + ":" + data.path("recordRef").asText(), event)));
    }
    for (var f : sent) f.get();
  }

  /** Handles commands until {@link #close()} is called from another thread. */
  void run() {
    consumer.subscribe(List.of(config.commandsTopic()));
    log.info("reading {} as group {}", config.commandsTopic(), config.groupId());
    try {
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> message : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(message.topic(), message.partition());
          try {
            handle(message);
          } catch (Exception e) {
            // The broker or the ledger file is unavailable: going on could lose or repeat a
            // command. Read it again (its stored reply, if any, is sent then) after a pause.
            log.error(
                "command at {}-{}@{} not handled ({}): retrying",
                message.topic(), message.partition(), message.offset(), e.getClass().getSimpleName());
            consumer.seek(tp, message.offset());
            Thread.sleep(1000);
            break;
          }
          // Only now: the reply is on the broker.
          consumer.commitSync(Map.of(tp, new OffsetAndMetadata(message.offset() + 1)));
        }
      }
    } catch (WakeupException e) {
      if (running.get()) throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close();
      producer.close();
      log.info("stopped");
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }

  /** One command: executed once, answered every time it arrives. */
  private void handle(ConsumerRecord<String, byte[]> message) throws Exception {
    String where = message.topic() + "-" + message.partition() + "@" + message.offset();
    Envelopes.Parsed parsed = Envelopes.parse(json, message);
    if (parsed.problem() != null) {
      skip(where, parsed.problem());
      return;
    }
    ObjectNode command = parsed.envelope();
    String type = command.path("type").asText();
    JsonNode data = command.path("data");
    String commandId = data.path("commandId").asText("");
    String requestId = data.path("requestId").asText("");
    if (!type.startsWith(COMMAND_PREFIX) || type.equals(COMPLETED) || type.equals(FAILED)) {
      skip(where, "not a command type");
      return;
    }
    if (!UUID.matcher(commandId).matches() || !UUID.matcher(requestId).matches()) {
      skip(where, "no valid commandId or requestId");
      return;
    }
    if (!config.systemId().equals(data.path("systemId").asText())) {
      // Never answer for another system: datarights would refuse it anyway (wrong-system).
      skip(where, "a command for another system");
      return;
    }
    String eventId = command.path("id").asText();

    ArrayNode stored = ledger.handledReplies(commandId);
    if (stored != null) {
      log.info("command {} already handled: its reply is sent again", commandId);
      sendReplies(stored, requestId, eventId);
      return;
    }

    String kind = type.substring(COMMAND_PREFIX.length(), type.length() - ".v1".length());
    String problem = commandProblem(kind, data);
    if (problem != null) {
      // Answerable but not actionable: failed, at once, so datarights retries or escalates
      // instead of waiting for respondBy. Not stored: the same command sent again gets
      // another chance.
      sendReplies(failed(data, "invalid " + type + ": " + problem), requestId, eventId);
      return;
    }
    switch (kind) {
      case "erase" -> erase(data, commandId, requestId, eventId);
      case "export" -> export(data, commandId, requestId, eventId);
      default ->
          sendReplies(
              failed(data, "system " + config.systemId() + " has no handler for " + kind + " commands"),
              requestId,
              eventId);
    }
  }

  private void erase(JsonNode data, String commandId, String requestId, String eventId) throws Exception {
    Instant createdBefore =
        data.hasNonNull("createdBefore") ? Instant.parse(data.path("createdBefore").asText()) : null;
    Set<String> recordRefs = data.hasNonNull("recordRefs") ? strings(data.path("recordRefs")) : null;
    List<ObjectNode> found = ledger.matching(data.path("subjectKeys"), strings(data.path("categories")), createdBefore, recordRefs);
    // Announced before the deletion is saved: if sending fails nothing is deleted and the
    // command is read again; a repeated `erased` event is harmless, a lost one is not.
    publishRecords(RECORD_ERASED, found);
    ArrayNode replies = completed(data, found.isEmpty() ? "not-found" : "done", found.size(), null);
    ledger.commit(found, commandId, replies);
    log.info("command {} (erase): {} record(s) erased", commandId, found.size());
    sendReplies(replies, requestId, eventId);
  }

  private void export(JsonNode data, String commandId, String requestId, String eventId) throws Exception {
    List<ObjectNode> found = ledger.matching(data.path("subjectKeys"), strings(data.path("categories")), null, null);
    ArrayNode records = json.createArrayNode();
    for (ObjectNode r : found) {
      ObjectNode out = json.createObjectNode();
      out.put("recordRef", r.path("recordRef").asText());
      out.put("category", r.path("category").asText());
      out.put("createdAt", r.path("createdAt").asText());
      out.setAll((ObjectNode) r.path("data").deepCopy());
      records.add(out);
    }
    ArrayNode replies = completed(data, found.isEmpty() ? "not-found" : "done", found.size(), records);
    if (replies == null) {
      sendReplies(failed(data, "a record of the export is too big for one message"), requestId, eventId);
      return;
    }
    ledger.commit(List.of(), commandId, replies);
    log.info("command {} (export): {} record(s) in {} message(s)", commandId, found.size(), replies.size());
    sendReplies(replies, requestId, eventId);
  }

  /**
   * The completed reply, as one message, or, for an export past 512 KiB, as parts (each
   * with export.part and export.parts) under the limit. Null if a single record is too big.
   */
  private ArrayNode completed(JsonNode command, String outcome, int affected, ArrayNode exportRecords)
      throws Exception {
    ArrayNode replies = json.createArrayNode();
    if (exportRecords == null) {
      replies.add(reply(COMPLETED, base(command, outcome, affected)));
      return replies;
    }
    ObjectNode whole = base(command, outcome, affected);
    whole.putObject("export").set("records", exportRecords);
    if (size(whole) <= EXPORT_PART_MAX_BYTES) {
      replies.add(reply(COMPLETED, whole));
      return replies;
    }
    List<ArrayNode> parts = new ArrayList<>();
    ArrayNode current = json.createArrayNode();
    int overhead = size(base(command, outcome, affected)) + 64;
    int used = overhead;
    for (JsonNode r : exportRecords) {
      int s = size(r) + 1;
      if (overhead + s > EXPORT_PART_MAX_BYTES) return null;
      if (used + s > EXPORT_PART_MAX_BYTES) {
        parts.add(current);
        current = json.createArrayNode();
        used = overhead;
      }
      current.add(r);
      used += s;
    }
    parts.add(current);
    for (int i = 0; i < parts.size(); i++) {
      ObjectNode part = base(command, outcome, affected);
      ObjectNode export = part.putObject("export");
      export.set("records", parts.get(i));
      export.put("part", i + 1);
      export.put("parts", parts.size());
      replies.add(reply(COMPLETED, part));
    }
    return replies;
  }

  private ArrayNode failed(JsonNode command, String error) {
    ObjectNode payload = base(command, "failed", 0);
    payload.put("error", error.length() > 2000 ? error.substring(0, 2000) : error);
    return json.createArrayNode().add(reply(FAILED, payload));
  }

  private ObjectNode base(JsonNode command, String outcome, int affected) {
    ObjectNode p = json.createObjectNode();
    p.put("commandId", command.path("commandId").asText());
    p.put("requestId", command.path("requestId").asText());
    p.put("systemId", config.systemId());
    p.put("outcome", outcome);
    p.put("affectedRecords", affected);
    return p;
  }

  private ObjectNode reply(String type, ObjectNode data) {
    ObjectNode r = json.createObjectNode();
    r.put("type", type);
    r.set("data", data);
    return r;
  }

  /** Each reply in order, keyed by the request id, so all land on one partition. */
  private void sendReplies(ArrayNode replies, String requestId, String causationId) throws Exception {
    for (JsonNode r : replies) {
      ObjectNode event =
          Envelopes.create(json, r.path("type").asText(), config.systemId(), r.path("data"), requestId, causationId);
      producer.send(record(config.repliesTopic(), requestId, event)).get();
    }
  }

  private ProducerRecord<String, String> record(String topic, String key, ObjectNode event) throws Exception {
    ProducerRecord<String, String> r = new ProducerRecord<>(topic, key, json.writeValueAsString(event));
    r.headers().add(Envelopes.CONTENT_TYPE_HEADER, Envelopes.CLOUDEVENTS_JSON.getBytes(StandardCharsets.UTF_8));
    return r;
  }

  private void send(String topic, String key, ObjectNode event) throws Exception {
    producer.send(record(topic, key, event)).get();
  }

  private void skip(String where, String reason) {
    // Nobody to answer: logged (no contents), offset committed, left on the topic for audit.
    log.error("message at {} skipped: {}", where, reason);
  }

  /** Why a command's payload breaks the contract (the JSON Schema of its type), or null. */
  private static String commandProblem(String kind, JsonNode data) {
    JsonNode keys = data.path("subjectKeys");
    if (!keys.isObject()) return "subjectKeys: must be an object";
    int lists = 0;
    for (String k : new String[] {"email", "customerId", "phone"}) {
      JsonNode v = keys.get(k);
      if (v == null) continue;
      if (!v.isArray()) return "subjectKeys." + k + ": must be a list";
      for (JsonNode item : v) if (!item.isTextual()) return "subjectKeys." + k + ": must hold strings";
      lists++;
    }
    if (lists == 0) return "subjectKeys: at least one of email, customerId, phone";
    JsonNode categories = data.path("categories");
    if (!categories.isArray() || categories.isEmpty()) return "categories: a non-empty list";
    for (JsonNode c : categories) if (!NAME.matcher(c.asText("")).matches()) return "categories: invalid name";
    if (!data.path("respondBy").isTextual()) return "respondBy: required";
    if (kind.equals("erase")) {
      if (data.hasNonNull("createdBefore")) {
        try {
          Instant.parse(data.path("createdBefore").asText());
        } catch (DateTimeParseException e) {
          return "createdBefore: not an RFC 3339 timestamp";
        }
      }
      if (data.hasNonNull("recordRefs") && !data.path("recordRefs").isArray()) return "recordRefs: must be a list";
    }
    return null;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new HashSet<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  private int size(JsonNode node) throws Exception {
    return json.writeValueAsBytes(node).length;
  }
}

package com.example.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 in structured JSON mode, as docs/kafka-contract.md ("Envelope") describes:
 * the whole event is the message value, with the header content-type:
 * application/cloudevents+json. Reading also accepts binary mode (ce_* headers, the value
 * being the data), which costs nothing and is what a tolerant reader does.
 */
final class Envelopes {
  static final String CONTENT_TYPE_HEADER = "content-type";
  static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
  static final String DATA_CONTENT_TYPE = "application/json";

  private Envelopes() {}

  /** A new event; correlationId and causationId may be null. */
  static ObjectNode create(
      ObjectMapper json, String type, String source, JsonNode data, String correlationId, String causationId) {
    ObjectNode e = json.createObjectNode();
    e.put("specversion", "1.0");
    e.put("id", UUID.randomUUID().toString());
    e.put("source", source);
    e.put("type", type);
    // RFC 3339 with milliseconds, as the services write it.
    e.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    e.put("datacontenttype", DATA_CONTENT_TYPE);
    e.put("dataschema", "urn:datarights:schema:" + type);
    if (correlationId != null) e.put("correlationid", correlationId);
    if (causationId != null) e.put("causationid", causationId);
    e.set("data", data);
    return e;
  }

  /** The event a message carries, or why it carries none. */
  record Parsed(ObjectNode envelope, String problem) {
    static Parsed ok(ObjectNode envelope) {
      return new Parsed(envelope, null);
    }

    static Parsed bad(String problem) {
      return new Parsed(null, problem);
    }
  }

  static Parsed parse(ObjectMapper json, ConsumerRecord<String, byte[]> message) {
    byte[] value = message.value();
    if (value == null || value.length == 0) return Parsed.bad("empty message value");
    Headers headers = message.headers();
    String binarySpec = header(headers, "ce_specversion");
    JsonNode raw;
    try {
      raw = json.readTree(value);
    } catch (Exception e) {
      return Parsed.bad("message value is not JSON");
    }
    ObjectNode envelope;
    if (binarySpec != null) {
      envelope = json.createObjectNode();
      envelope.put("specversion", binarySpec);
      for (String attr : new String[] {"id", "source", "type", "time", "correlationid", "causationid"}) {
        String v = header(headers, "ce_" + attr);
        if (v != null) envelope.put(attr, v);
      }
      envelope.set("data", raw);
    } else if (raw instanceof ObjectNode o) {
      envelope = o;
    } else {
      return Parsed.bad("message value is not a JSON object");
    }
    if (!"1.0".equals(envelope.path("specversion").asText())) return Parsed.bad("specversion must be \"1.0\"");
    for (String attr : new String[] {"id", "source", "type", "time"}) {
      if (!envelope.path(attr).isTextual() || envelope.path(attr).asText().isEmpty())
        return Parsed.bad(attr + " is required");
    }
    if (!envelope.path("data").isObject()) return Parsed.bad("data must be a JSON object");
    return Parsed.ok(envelope);
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}

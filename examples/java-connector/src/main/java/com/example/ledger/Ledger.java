package com.example.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The system's own data: loyalty accounts, kept in one small JSON file, and the replies
 * to the commands it has handled (so that a command delivered again is answered again,
 * not executed again). Every change is written to a temporary file and moved over the
 * old one, so the file is always whole: an erasure and the reply that reports it are
 * saved together, or not at all.
 *
 * <pre>
 * { "records": [ { "recordRef": "card-1", "category": "loyalty-account",
 *                  "subjectKeys": { "email": "...", "customerId": "...", "phone": "..." },
 *                  "createdAt": "2026-01-01T00:00:00Z", "data": { "points": 120 } } ],
 *   "handledCommands": { "&lt;commandId&gt;": [ { "type": "...", "data": { ... } } ] } }
 * </pre>
 */
final class Ledger {
  private final Path file;
  private final ObjectMapper json;
  private final ObjectNode root;

  Ledger(Path file, ObjectMapper json) throws IOException {
    this.file = file;
    this.json = json;
    ObjectNode loaded = Files.exists(file) ? (ObjectNode) json.readTree(file.toFile()) : json.createObjectNode();
    if (!loaded.has("records")) loaded.putArray("records");
    if (!loaded.has("handledCommands")) loaded.putObject("handledCommands");
    this.root = loaded;
  }

  synchronized List<ObjectNode> records() {
    List<ObjectNode> out = new ArrayList<>();
    root.withArray("records").forEach(r -> out.add((ObjectNode) r));
    return out;
  }

  /**
   * The records of these categories that carry one of the subject's keys (e-mail compared
   * without case), narrowed, for a deferred erase, to those created before createdBefore
   * and to the recordRefs named (docs/kafka-contract.md, "A deferred erase is narrowed").
   */
  synchronized List<ObjectNode> matching(
      JsonNode subjectKeys, Set<String> categories, Instant createdBefore, Set<String> recordRefs) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode r : records()) {
      if (!categories.contains(r.path("category").asText())) continue;
      if (!holdsKey(r.path("subjectKeys"), subjectKeys)) continue;
      if (createdBefore != null && !Instant.parse(r.path("createdAt").asText()).isBefore(createdBefore)) continue;
      if (recordRefs != null && !recordRefs.contains(r.path("recordRef").asText())) continue;
      out.add(r);
    }
    return out;
  }

  private static boolean holdsKey(JsonNode recordKeys, JsonNode wanted) {
    for (Map.Entry<String, JsonNode> key : wanted.properties()) {
      String held = recordKeys.path(key.getKey()).asText(null);
      if (held == null) continue;
      for (JsonNode value : key.getValue()) {
        boolean same =
            key.getKey().equals("email")
                ? held.toLowerCase(Locale.ROOT).equals(value.asText().toLowerCase(Locale.ROOT))
                : held.equals(value.asText());
        if (same) return true;
      }
    }
    return false;
  }

  /** The replies stored for a command already handled, or null. */
  synchronized ArrayNode handledReplies(String commandId) {
    JsonNode r = root.withObjectProperty("handledCommands").get(commandId);
    return r == null ? null : (ArrayNode) r;
  }

  /** Removes these records and stores the command's replies, in one write. */
  synchronized void commit(List<ObjectNode> erased, String commandId, ArrayNode replies) throws IOException {
    ArrayNode records = root.withArray("records");
    Set<String> refs = new java.util.HashSet<>();
    erased.forEach(r -> refs.add(r.path("recordRef").asText()));
    for (Iterator<JsonNode> it = records.elements(); it.hasNext(); ) {
      if (refs.contains(it.next().path("recordRef").asText())) it.remove();
    }
    root.withObjectProperty("handledCommands").set(commandId, replies);
    save();
  }

  private void save() throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), root);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

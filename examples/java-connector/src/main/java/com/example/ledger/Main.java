package com.example.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loyalty-card ledger written in Java that takes part in datarights' handling of GDPR
 * requests over the public Kafka contract. Configuration: environment variables (see
 * README.md). Stops cleanly on SIGTERM: the command in progress is finished and committed.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    Config config = Config.fromEnv(System.getenv());
    ObjectMapper json = new ObjectMapper();
    Ledger ledger = new Ledger(config.ledgerFile(), json);
    LedgerConnector connector = new LedgerConnector(config, json, ledger, registration(json, config.systemId()));
    Thread worker = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  connector.close();
                  try {
                    worker.join(10_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    connector.start();
    log.info("started as {}", config.systemId());
    connector.run();
  }

  /**
   * The system's Art. 30 register entry (pdata.system.registered.v1). Its capabilities make
   * its first registration wait for the DPO's approval before any command is sent to it.
   */
  static ObjectNode registration(ObjectMapper json, String systemId) {
    ObjectNode r = json.createObjectNode();
    r.put("systemId", systemId);
    r.put("name", "Loyalty ledger (Java)");
    r.put("owner", "loyalty-team");
    r.put("role", "controller");
    r.putArray("purposes").add("customer-relationship");
    r.put("legalBasis", "contract");
    r.putArray("categories").add("loyalty-account");
    r.put("location", "FR");
    r.putArray("transfers");
    r.putArray("recipients");
    r.putArray("capabilities").add("export").add("erase");
    return r;
  }
}

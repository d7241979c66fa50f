export interface MessagingOptions {
  /** The service name: the CloudEvents `source`, the consumer group (`datarights.<service>`) and the inbox consumer. */
  service: string;
  /** The service's PostgreSQL schema (outbox and inbox tables live there). */
  schema: string;
  /** Attempts of a failing handler before the message is dead-lettered. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. */
  retryBackoffMs?: number;
  /** Outbox rows sent per relay batch. */
  relayBatchSize?: number;
  /** How often the relay looks for unsent rows when no notification arrives. */
  relayPollMs?: number;
  /**
   * Days an inbox row is kept: longer than any delete-policy topic keeps an event (dsr.*
   * topics 7 days, a system's own topics 14; deploy/kafka), so a redelivery is always caught.
   */
  inboxRetentionDays?: number;
  /**
   * Sends of one outbox row Kafka refuses before the relay parks it (an error kafkajs marks
   * non-retriable parks it at once). With the backoff defaults, about 10 minutes of retries.
   */
  relayMaxAttempts?: number;
  /** The relay's first retry delay for a refused row; doubles each attempt, with jitter. */
  relayRetryBaseMs?: number;
  /** The longest delay between two sends of a refused row. */
  relayRetryMaxMs?: number;
  /**
   * The longest a message set aside by an `AwaitingEvent` waits between two looks (and how
   * often the table is looked at when nothing was set aside here: another replica's rows).
   */
  awaitPollMs?: number;
  /**
   * The first look at a message set aside comes this soon; then each wait is as long as it
   * has waited so far (doubling), up to `awaitPollMs`. What it awaits is usually read within
   * milliseconds (the index a few events behind): a fixed 1 s poll cost a plan 1–2 s.
   */
  awaitFirstLookMs?: number;
  /** How long a message set aside waits at most, when its handler set no bound. */
  awaitMaxMs?: number;
  /** Consumer group override (tests use a unique one per run). */
  groupId?: string;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const KAFKA = Symbol('KAFKA');
export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

export function resolvedOptions(o: MessagingOptions): Required<MessagingOptions> {
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as MessagingOptions;
  return {
    maxAttempts: 5,
    retryBackoffMs: 200,
    relayBatchSize: 500,
    relayPollMs: 1000,
    inboxRetentionDays: 15,
    // 9 delays of 2, 4, ..., 128, 180, 180 s (±20 % jitter): the 10th refusal, and the park, ~10 min after the first.
    relayMaxAttempts: 10,
    relayRetryBaseMs: 2000,
    relayRetryMaxMs: 180_000,
    awaitPollMs: 1000,
    // MESSAGING_AWAIT_FIRST_LOOK_MS (kafka.config.ts) when not given here: see MessagingServer.
    awaitFirstLookMs: 0,
    // A reply's command or a plan's parameters are normally read within seconds of the
    // message itself; this bounds the wait when the broker cannot even say how far it went.
    awaitMaxMs: 30 * 60_000,
    groupId: `datarights.${o.service}`,
    ...defined,
  };
}

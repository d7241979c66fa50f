/** The messaging metrics SREs alert on (deploy/observability). */
import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}
function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  return (register.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames });
}

export const messagingMetrics = {
  outboxPending: gauge('messaging_outbox_pending', 'Outbox events not yet sent, parked ones excluded'),
  outboxLag: gauge('messaging_outbox_lag_seconds', 'Age of the oldest unsent outbox event, parked ones excluded'),
  outboxSent: counter('messaging_outbox_sent_total', 'Outbox events sent', ['topic']),
  /** Rows the relay gave up on: their events never reach Kafka until someone replays them. */
  outboxParked: gauge('messaging_outbox_parked', 'Outbox events parked after Kafka refused them'),
  /** `reason`: the Kafka error type (UNKNOWN_TOPIC_OR_PARTITION, MESSAGE_TOO_LARGE...), a bounded set. */
  outboxSendFailures: counter('messaging_outbox_send_failures_total', 'Sends of one outbox event Kafka refused', [
    'topic',
    'reason',
  ]),
  inboxDuplicates: counter('messaging_inbox_duplicates_total', 'Redelivered events skipped by the inbox', ['topic']),
  inboxPruned: counter('messaging_inbox_pruned_total', 'Inbox rows deleted past the topics retention', []),
  handled: counter('messaging_events_handled_total', 'Events handled', ['topic', 'type']),
  retries: counter('messaging_handler_retries_total', 'Handler attempts that failed and were retried', ['topic']),
  awaiting: counter(
    'messaging_awaiting_messages_total',
    'Messages set aside until an event of another topic is read (outcome: set-aside, handled, dead-lettered)',
    ['topic', 'outcome'],
  ),
  transientFailures: counter(
    'messaging_handler_transient_failures_total',
    'Handler attempts that met an unavailable database or broker, retried without limit',
    ['topic'],
  ),
  /**
   * Messages refused before or by a handler (malformed, wrong topic, wrong producer, not
   * the sender's to answer...): each one is someone writing what they may not. Failures
   * of our own handlers are not counted here (see messaging_dead_letters_total).
   */
  rejected: counter('dsr_events_rejected_total', 'Events refused and dead-lettered, by reason', ['reason', 'topic']),
  deadLetters: counter('messaging_dead_letters_total', 'Messages sent to a dead-letter topic', ['topic', 'reason']),
  consumerLag: gauge('messaging_consumer_lag', 'Messages behind the end of the partition', [
    'topic',
    'partition',
    'group',
  ]),
};

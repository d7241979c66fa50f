/**
 * Poison messages planted during a chaos run, with a plain kafkajs client, and the count
 * of dead letters afterwards: every planted message is keyed `chaos-poison-<n>`, so a dead
 * letter with another key is one the faults caused (a message the stack should have
 * handled, or retried as transient, and dead-lettered instead).
 */
import { randomUUID } from 'node:crypto';
import { EVENTS, TOPICS } from '../../libs/contracts/src';
import type { RawKafka } from '../../libs/testing/src/kafka-client';
import { readDeadLetters } from '../dlq/dead-letters';

export const POISON_KEY = 'chaos-poison-';

/** Plants the poison; returns how many messages. */
export async function plantPoison(raw: RawKafka): Promise<number> {
  const now = new Date().toISOString();
  // Not JSON, on an internal topic every service reads.
  await raw.send(TOPICS.requests.name, `${POISON_KEY}1`, '{"specversion": "1.0", "type": ');
  // Valid JSON in the envelope, but the data breaks the schema (no category, no subject keys).
  await raw.sendEvent('pdata.events.crm.v1', `${POISON_KEY}2`, EVENTS.recordStored.type, {
    systemId: 'crm',
    recordRef: `poison/${randomUUID()}`,
    occurredAt: now,
  });
  // An internal event type forged by a company system, on that system's own topic.
  await raw.sendEvent(
    'pdata.replies.support.v1',
    `${POISON_KEY}3`,
    EVENTS.packageReady.type,
    { requestId: randomUUID() },
    { source: 'support' },
  );
  // A reply for a command nobody sent, from a system claiming to be another.
  await raw.sendEvent(
    'pdata.replies.billing.v1',
    `${POISON_KEY}4`,
    EVENTS.commandCompleted.type,
    { commandId: randomUUID(), requestId: randomUUID(), systemId: 'crm', outcome: 'done', affectedRecords: 1 },
    { source: 'crm' },
  );
  return 4;
}

export interface DeadLetterCount {
  planted: number;
  unplanned: number;
  /** topic → reasons of the unplanned ones (ids and reasons, never data). */
  unplannedByTopic: Record<string, string[]>;
}

/** Reads every dead-letter topic of the run's prefix. */
export async function countDeadLetters(raw: RawKafka): Promise<DeadLetterCount> {
  const admin = raw.kafka.admin();
  await admin.connect();
  let topics: string[];
  try {
    topics = (await admin.listTopics()).filter((t) => t.startsWith(raw.topicPrefix) && t.endsWith('.dlq'));
  } finally {
    await admin.disconnect();
  }
  const count: DeadLetterCount = { planted: 0, unplanned: 0, unplannedByTopic: {} };
  for (const topic of topics) {
    for (const letter of await readDeadLetters(raw.kafka, topic)) {
      if (letter.key?.startsWith(POISON_KEY)) {
        count.planted++;
        continue;
      }
      count.unplanned++;
      const name = topic.slice(raw.topicPrefix.length);
      (count.unplannedByTopic[name] ??= []).push(
        `${letter.eventType ?? '?'} by ${letter.consumer ?? '?'}: ${letter.reason ?? '?'}`,
      );
    }
  }
  return count;
}

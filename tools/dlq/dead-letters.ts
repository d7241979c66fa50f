/**
 * Reading and replaying a dead-letter topic (`<topic>.dlq`), for the `npm run dlq` tool
 * (deploy/README.md, "Replaying dead letters"). Reads use a throwaway consumer group
 * `datarights.ops.dlq-<random>` (the ops Kafka user may use the `datarights.ops` prefix),
 * from the beginning up to the high watermark measured at the start, and never commit
 * offsets. A replay sends the chosen messages back to their original topic with their
 * original key, value and headers, minus the x-dlq-* ones, plus `x-dlq-replayed-from`;
 * consumers handle them once (inbox), even if replayed twice.
 */
import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { dlqTopic } from '@datarights/contracts';
import { DLQ_HEADERS, physicalTopic, type KafkaSettings } from '@datarights/messaging';

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  reason?: string;
  originalTopic?: string;
  originalPartition?: string;
  originalOffset?: string;
  consumer?: string;
  failedAt?: string;
  replayedFrom?: string;
  /** From the CloudEvents envelope, when the value is one: ids, never data. */
  eventType?: string;
  eventId?: string;
  correlationId?: string;
}

/** The physical dead-letter topic of a topic named as in the contracts (`pdata.replies.crm.v1`, or its `.dlq`). */
export function deadLetterTopicOf(settings: Pick<KafkaSettings, 'topicPrefix'>, topic: string): string {
  if (!/^[a-z0-9._-]+$/.test(topic)) throw new Error(`not a topic name: ${topic}`);
  const base = topic.endsWith('.dlq') ? topic.slice(0, -4) : topic;
  return dlqTopic(physicalTopic(settings, base));
}

/** Every message of the dead-letter topic, in offset order per partition, as of now. */
export async function readDeadLetters(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic))
      throw new Error(
        `${topic} does not exist (or this Kafka user may not describe it); check the topic name and KAFKA_TOPIC_PREFIX`,
      );
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];

  const found: DeadLetter[] = [];
  const consumer = kafka.consumer({
    groupId: `datarights.ops.dlq-${randomBytes(6).toString('hex')}`,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const remaining = new Set(ends.keys());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms reading ${topic}`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            found.push(toDeadLetter(partition, message));
            if (BigInt(message.offset) === end - 1n) {
              remaining.delete(partition);
              if (remaining.size === 0) done();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return found.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

function toDeadLetter(partition: number, message: KafkaMessage): DeadLetter {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v === undefined) continue;
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    headers[k] = Buffer.isBuffer(one) ? one : Buffer.from(String(one));
  }
  const h = (name: string) => headers[name]?.toString();
  const dl: DeadLetter = {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers,
    reason: h(DLQ_HEADERS.reason),
    originalTopic: h(DLQ_HEADERS.originalTopic),
    originalPartition: h(DLQ_HEADERS.originalPartition),
    originalOffset: h(DLQ_HEADERS.originalOffset),
    consumer: h(DLQ_HEADERS.consumer),
    failedAt: h(DLQ_HEADERS.failedAt),
    replayedFrom: h(DLQ_HEADERS.replayedFrom),
  };
  try {
    const envelope = JSON.parse(message.value?.toString() ?? '') as Record<string, unknown>;
    if (typeof envelope.type === 'string') dl.eventType = envelope.type;
    if (typeof envelope.id === 'string') dl.eventId = envelope.id;
    if (typeof envelope.correlationid === 'string') dl.correlationId = envelope.correlationid;
  } catch {
    // Not JSON (an invalid envelope): nothing more to say about it.
  }
  return dl;
}

export interface Selection {
  all?: boolean;
  offsets?: string[];
  partition?: number;
}

/**
 * The dead letters a selection names, in offset order; throws if an offset names none. In
 * production a dead-letter topic has one partition; where it has more, an offset found in
 * several partitions needs --partition.
 */
export function select(letters: DeadLetter[], s: Selection): DeadLetter[] {
  if (s.all) return letters;
  const wanted = s.offsets ?? [];
  if (wanted.length === 0)
    throw new Error(
      'choose the messages to replay: --offset <o>[,<o>...] (and --partition <p> if the topic has several), or --all',
    );
  const chosen: DeadLetter[] = [];
  for (const o of wanted) {
    const matches = letters.filter((l) => l.offset === o && (s.partition === undefined || l.partition === s.partition));
    if (matches.length === 0)
      throw new Error(`no dead letter at ${s.partition === undefined ? '' : `partition ${s.partition}, `}offset ${o}`);
    if (matches.length > 1)
      throw new Error(
        `offset ${o} is in partitions ${matches.map((m) => m.partition).join(', ')}: say which with --partition`,
      );
    chosen.push(matches[0]);
  }
  return chosen.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

export interface Replayed {
  from: string;
  to: string;
  key: string | null;
}

/**
 * Sends the dead letters back to their original topics, in order. A message that had no
 * key was dead-lettered under `<topic>:<partition>:<offset>`: it goes back without one.
 */
export async function replay(
  kafka: Kafka,
  dlq: string,
  letters: DeadLetter[],
  fallbackTopic: string,
): Promise<Replayed[]> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const done: Replayed[] = [];
  try {
    for (const l of letters) {
      const to = l.originalTopic ?? fallbackTopic;
      const synthetic = `${l.originalTopic}:${l.originalPartition}:${l.originalOffset}`;
      const key = l.key === synthetic ? null : l.key;
      const headers: IHeaders = {};
      for (const [k, v] of Object.entries(l.headers)) if (!k.startsWith('x-dlq-')) headers[k] = v;
      const from = `${dlq}:${l.partition}:${l.offset}`;
      headers[DLQ_HEADERS.replayedFrom] = from;
      await producer.send({ topic: to, acks: -1, messages: [{ key, value: l.value, headers }] });
      done.push({ from, to, key });
    }
  } finally {
    await producer.disconnect();
  }
  return done;
}

/** A dead letter for a terminal: where it came from, why, and which event; the payload only if asked (it may hold personal data). */
export function describe(l: DeadLetter, showPayload = false): string {
  const lines = [
    `${l.partition}:${l.offset}  ${l.failedAt ?? '(no failure time)'}  consumer ${l.consumer ?? '?'}`,
    `  from      ${l.originalTopic ?? '?'} [${l.originalPartition ?? '?'}] @ ${l.originalOffset ?? '?'}`,
    `  reason    ${l.reason ?? '(none)'}`,
    `  key       ${l.key ?? '(none)'}`,
    `  event     ${l.eventType ?? '(not a CloudEvent)'}${l.eventId ? `  id ${l.eventId}` : ''}${l.correlationId ? `  correlation ${l.correlationId}` : ''}`,
  ];
  if (l.replayedFrom) lines.push(`  replayed  from ${l.replayedFrom} (failed again)`);
  if (showPayload) lines.push(`  payload   ${l.value?.toString() ?? '(null)'}`);
  return lines.join('\n');
}

/** A dead letter as JSON (`--json`): every field but the raw headers; the payload only if asked. */
export function summary(l: DeadLetter, showPayload = false): Record<string, unknown> {
  const {
    partition,
    offset,
    key,
    reason,
    originalTopic,
    originalPartition,
    originalOffset,
    consumer,
    failedAt,
    replayedFrom,
    eventType,
    eventId,
    correlationId,
  } = l;
  return {
    partition,
    offset,
    key,
    reason,
    originalTopic,
    originalPartition,
    originalOffset,
    consumer,
    failedAt,
    replayedFrom,
    eventType,
    eventId,
    correlationId,
    ...(showPayload ? { payload: l.value?.toString() ?? null } : {}),
  };
}

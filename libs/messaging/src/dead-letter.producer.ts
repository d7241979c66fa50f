/**
 * Sends what a consumer cannot handle to `<topic>.dlq`, with the reason in headers, so
 * that a poison message never blocks its partition and can be replayed after a fix.
 */
import type { KafkaMessage, Producer } from 'kafkajs';
import { dlqTopic, type RefusalKind } from '@datarights/contracts';
import { messagingMetrics } from './messaging.metrics';

export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  consumer: 'x-dlq-consumer',
  failedAt: 'x-dlq-failed-at',
  /** Set by the replay tool (tools/dlq) on a message sent back to its topic: `<dlq topic>:<partition>:<offset>`. */
  replayedFrom: 'x-dlq-replayed-from',
  /** The original value's size in bytes, when it was too big to keep. */
  valueDropped: 'x-dlq-value-dropped-bytes',
} as const;

/** Under the broker's default message size (1 MiB), with room for the headers. */
const MAX_DEAD_LETTER_BYTES = 1024 * 1024 - 64 * 1024;

export type DeadLetterKind =
  'invalid-envelope' | 'unknown-type' | 'invalid-payload' | RefusalKind | 'handler-failed' | 'handler-rejected';

export async function sendToDeadLetter(
  producer: Producer,
  consumer: string,
  topic: string,
  partition: number,
  message: KafkaMessage,
  kind: DeadLetterKind,
  reason: string,
): Promise<void> {
  const headers: Record<string, string | Buffer> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v !== undefined && !Array.isArray(v)) headers[k] = v as string | Buffer;
  }
  // A value too big for the dead-letter topic (the broker's limit) would fail the send and
  // stop the partition: such a value is dropped, its size said in a header.
  const tooBig = (message.value?.length ?? 0) > MAX_DEAD_LETTER_BYTES;
  await producer.send({
    topic: dlqTopic(topic),
    acks: -1,
    messages: [
      {
        key: message.key ?? `${topic}:${partition}:${message.offset}`,
        value: tooBig ? null : message.value,
        headers: {
          ...headers,
          ...(tooBig ? { [DLQ_HEADERS.valueDropped]: String(message.value!.length) } : {}),
          [DLQ_HEADERS.reason]: `${kind}: ${reason}`.slice(0, 4000),
          [DLQ_HEADERS.originalTopic]: topic,
          [DLQ_HEADERS.originalPartition]: String(partition),
          [DLQ_HEADERS.originalOffset]: message.offset,
          [DLQ_HEADERS.consumer]: consumer,
          [DLQ_HEADERS.failedAt]: new Date().toISOString(),
        },
      },
    ],
  });
  messagingMetrics.deadLetters.inc({ topic, reason: kind });
}

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
} as const;

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
  await producer.send({
    topic: dlqTopic(topic),
    acks: -1,
    messages: [
      {
        key: message.key ?? `${topic}:${partition}:${message.offset}`,
        value: message.value,
        headers: {
          ...headers,
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

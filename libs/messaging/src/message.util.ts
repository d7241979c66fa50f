/** Small facts about a Kafka message and an error, shared by the server and the set-aside messages. */
import type { KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from './dead-letter.producer';

/** A message the replay tool sent back from a dead-letter topic. */
export function isReplay(message: KafkaMessage): boolean {
  return message.headers?.[DLQ_HEADERS.replayedFrom] !== undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/**
 * Turning envelopes into Kafka messages the way the contract says (docs/kafka-contract.md, "Envelope"):
 * structured-mode CloudEvents JSON as the value, the content-type header, and a key that
 * is never null or empty (docs/conventions.md).
 */
import { CLOUDEVENTS_CONTENT_TYPE, EVENTS, type EventDefinition, type EventEnvelope } from '@datarights/contracts';
import type { Message } from 'kafkajs';
import type { CommandKind } from './connector.types';

export const CONTENT_TYPE_HEADER = 'content-type';

export function toKafkaMessage(key: string, envelope: EventEnvelope): Message {
  if (!key) throw new Error(`refusing to send ${envelope.type} without a key`);
  return { key, value: JSON.stringify(envelope), headers: { [CONTENT_TYPE_HEADER]: CLOUDEVENTS_CONTENT_TYPE } };
}

/** The command event of each kind, from the contracts registry (no type string here). */
export const COMMAND_EVENTS = {
  export: EVENTS.exportCommand,
  erase: EVENTS.eraseCommand,
  rectify: EVENTS.rectifyCommand,
  restrict: EVENTS.restrictCommand,
  suppress: EVENTS.suppressCommand,
  notify: EVENTS.notifyCommand,
} as const satisfies Record<CommandKind, EventDefinition>;

const KIND_BY_TYPE = new Map<string, CommandKind>(
  Object.entries(COMMAND_EVENTS).map(([kind, def]) => [def.type, kind as CommandKind]),
);

/** The kind of a command event type, or undefined for anything that is not a command. */
export function commandKindOf(type: string): CommandKind | undefined {
  return KIND_BY_TYPE.get(type);
}

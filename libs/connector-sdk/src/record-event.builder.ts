/**
 * Builds the data events (`pdata.events.<systemId>.v1`) that tell the data-locator which subject
 * keys a system holds, in which category. Validated before anything is sent
 * (docs/conventions.md: producers validate too), so a bad record fails the caller, not the
 * consumers downstream.
 */
import { createEnvelope, EVENTS, RecordEvent, validatePayload, type EventDefinition } from '@datarights/contracts';
import type { Message } from 'kafkajs';
import type { RecordInput, RecordKind } from './connector.types';
import { toKafkaMessage } from './kafka-message.util';

const RECORD_EVENTS: Record<RecordKind, EventDefinition<RecordEvent>> = {
  stored: EVENTS.recordStored,
  updated: EVENTS.recordUpdated,
  erased: EVENTS.recordErased,
};

export class InvalidRecordError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidRecordError';
  }
}

function occurredAt(value: Date | string | undefined): string {
  if (value === undefined) return new Date().toISOString();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidRecordError('occurredAt is an invalid Date');
    return value.toISOString();
  }
  return value;
}

/**
 * One Kafka message per record. Throws InvalidRecordError naming the first bad record by
 * its position (never by its keys, which are personal data) and what is wrong.
 */
export function buildRecordMessages(systemId: string, kind: RecordKind, records: readonly RecordInput[]): Message[] {
  const def = RECORD_EVENTS[kind];
  if (!def)
    throw new InvalidRecordError(`unknown record event kind ${JSON.stringify(kind)} (stored, updated or erased)`);
  return records.map((record, index) => {
    if (typeof record !== 'object' || record === null) throw new InvalidRecordError(`record #${index}: not an object`);
    const data = {
      systemId,
      recordRef: record.recordRef,
      category: record.category,
      subjectKeys: record.subjectKeys,
      occurredAt: occurredAt(record.occurredAt),
    };
    const valid = validatePayload(def.payload, data);
    if (!valid.ok) throw new InvalidRecordError(`record #${index}: ${valid.reason}`);
    const envelope = createEnvelope({ type: def.type, source: systemId, data: instanceToJson(valid.value) });
    return toKafkaMessage(def.key(valid.value), envelope);
  });
}

/** The validated value without its class (and without the keys the validator stripped). */
function instanceToJson<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

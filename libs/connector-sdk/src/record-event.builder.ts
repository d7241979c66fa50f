/**
 * Builds the data events (`pdata.events.<systemId>.v1`) that tell the data-locator which subject
 * keys a system holds, in which category. Validated before anything is sent
 * (docs/conventions.md: producers validate too), so a bad record fails the caller, not the
 * consumers downstream.
 */
import {
  createEnvelope,
  EVENTS,
  RecordEvent,
  validatePayload,
  type EventDefinition,
  type RetentionDateField,
} from '@datarights/contracts';
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

/** Dates as ISO 8601 (null kept: the start has not happened yet); undefined when none is given. */
function retentionDates(
  dates: RecordInput['retentionDates'],
): Partial<Record<RetentionDateField, string | null>> | undefined {
  if (dates === undefined) return undefined;
  if (typeof dates !== 'object' || dates === null) throw new InvalidRecordError('retentionDates must be an object');
  const out: Partial<Record<RetentionDateField, string | null>> = {};
  for (const [field, value] of Object.entries(dates) as [RetentionDateField, Date | string | null | undefined][]) {
    if (value === undefined) continue;
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new InvalidRecordError(`retentionDates.${field} is an invalid Date`);
      out[field] = value.toISOString();
    } else out[field] = value;
  }
  return out;
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
      ...(record.retentionDates !== undefined ? { retentionDates: retentionDates(record.retentionDates) } : {}),
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

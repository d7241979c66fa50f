/**
 * The CloudEvents 1.0 envelope in structured JSON mode (docs/kafka-contract.md, "Envelope"): every
 * message value on every topic is one of these, with the `correlationid` (request id)
 * and `causationid` (the event that caused this one) extension attributes.
 * The `cloudevents` SDK validates the attributes against the specification.
 */
import { CloudEvent, ValidationError } from 'cloudevents';
import { randomUUID } from 'node:crypto';
import { eventByType } from './events/registry';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
export const DATA_CONTENT_TYPE = 'application/json';

export interface EventEnvelope<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: typeof DATA_CONTENT_TYPE;
  data: T;
  /** The request id, where there is one. */
  correlationid?: string;
  /** The id of the event that caused this one. */
  causationid?: string;
  /** The JSON Schema of the event (`eventSchemaUri`), for the types the registry knows. */
  dataschema?: string;
}

/**
 * The `$id` of an event type's generated JSON Schema
 * (libs/contracts/generated/schemas/<type>.json), carried as the CloudEvents `dataschema`.
 */
export function eventSchemaUri(type: string): string {
  return `urn:datarights:schema:${type}`;
}

export interface NewEnvelope<T> {
  type: string;
  source: string;
  data: T;
  correlationId?: string;
  causationId?: string;
  id?: string;
  time?: Date | string;
}

export function createEnvelope<T>(e: NewEnvelope<T>): EventEnvelope<T> {
  const envelope: EventEnvelope<T> = {
    specversion: '1.0',
    id: e.id ?? randomUUID(),
    source: e.source,
    type: e.type,
    time: (e.time instanceof Date ? e.time : new Date(e.time ?? Date.now())).toISOString(),
    datacontenttype: DATA_CONTENT_TYPE,
    data: e.data,
    ...(e.correlationId ? { correlationid: e.correlationId } : {}),
    ...(e.causationId ? { causationid: e.causationId } : {}),
    ...(eventByType(e.type) ? { dataschema: eventSchemaUri(e.type) } : {}),
  };
  const invalid = envelopeProblem(envelope as unknown as Record<string, unknown>);
  if (invalid) throw new Error(`invalid envelope: ${invalid}`);
  return envelope;
}

export type ParsedEnvelope = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

/** Size above which a message is refused before parsing (the broker default is 1 MiB). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Parses and validates a message value. Unknown attributes are ignored (docs/kafka-contract.md);
 * an invalid envelope gives the reason, for the dead-letter topic.
 */
export function parseEnvelope(value: Buffer | string | null | undefined): ParsedEnvelope {
  if (value === null || value === undefined || value.length === 0) return { ok: false, reason: 'empty message value' };
  if (value.length > MAX_MESSAGE_BYTES) return { ok: false, reason: `message value over ${MAX_MESSAGE_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'message value is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'message value is not a JSON object' };
  }
  const obj = raw as Record<string, unknown>;
  const problem = envelopeProblem(obj);
  if (problem) return { ok: false, reason: problem };
  const envelope: EventEnvelope = {
    specversion: '1.0',
    id: obj.id as string,
    source: obj.source as string,
    type: obj.type as string,
    time: new Date(obj.time as string).toISOString(),
    datacontenttype: DATA_CONTENT_TYPE,
    data: obj.data,
    ...(typeof obj.correlationid === 'string' ? { correlationid: obj.correlationid } : {}),
    ...(typeof obj.causationid === 'string' ? { causationid: obj.causationid } : {}),
    ...(typeof obj.dataschema === 'string' ? { dataschema: obj.dataschema } : {}),
  };
  return { ok: true, envelope };
}

function envelopeProblem(obj: Record<string, unknown>): string | undefined {
  if (obj.specversion !== '1.0') return `specversion must be "1.0"`;
  for (const attr of ['id', 'source', 'type', 'time'] as const) {
    if (typeof obj[attr] !== 'string' || (obj[attr] as string).length === 0) return `${attr} is required`;
  }
  if ((obj.id as string).length > 200) return 'id is longer than 200 characters';
  if (Number.isNaN(Date.parse(obj.time as string)) || !/^\d{4}-\d{2}-\d{2}T/.test(obj.time as string)) {
    return 'time is not an RFC 3339 timestamp';
  }
  if (obj.datacontenttype !== undefined && !String(obj.datacontenttype).startsWith(DATA_CONTENT_TYPE)) {
    return `datacontenttype must be ${DATA_CONTENT_TYPE}`;
  }
  if (typeof obj.data !== 'object' || obj.data === null || Array.isArray(obj.data)) return 'data must be a JSON object';
  for (const ext of ['correlationid', 'causationid'] as const) {
    if (obj[ext] !== undefined && typeof obj[ext] !== 'string') return `${ext} must be a string`;
  }
  try {
    // The SDK checks the attributes against the CloudEvents 1.0 specification.
    new CloudEvent(
      {
        specversion: '1.0',
        id: obj.id as string,
        source: obj.source as string,
        type: obj.type as string,
        time: obj.time as string,
        datacontenttype: DATA_CONTENT_TYPE,
        ...(obj.dataschema !== undefined ? { dataschema: obj.dataschema as string } : {}),
        data: obj.data,
      },
      true,
    );
  } catch (err) {
    if (err instanceof ValidationError) return `not a CloudEvents 1.0 event: ${err.message}`;
    throw err;
  }
  return undefined;
}

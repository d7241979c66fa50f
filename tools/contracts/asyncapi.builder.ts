/**
 * Builds the AsyncAPI 3 document and the JSON Schemas from libs/contracts: the event
 * registry (types, topics, keys, producers) and the payload classes' class-validator rules.
 * Nothing here is written by hand per event, so the documents cannot drift from the code.
 */
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import {
  allEvents,
  CLOUDEVENTS_CONTENT_TYPE,
  DATA_CONTENT_TYPE,
  dlqTopic,
  eventSchemaUri,
  EVENTS,
  STRING_MAP_KEY_PATTERN,
  TOPICS,
  type EventDefinition,
  type EventName,
  type TopicDefinition,
} from '@datarights/contracts';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { EXAMPLES } from './examples';

type Schema = Record<string, unknown>;

const SUBJECT_KEY_CLASSES = ['SubjectKeys', 'LinkedSubjectKeys'];
/** Classes whose every field may be null as well (RetentionDates: null = the start has not happened yet). */
const NULLABLE_FIELD_CLASSES = ['RetentionDates'];

/** Every payload class as a JSON Schema (draft 2020-12 compatible subset). */
export function payloadSchemas(): Record<string, Schema> {
  const options = {
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      // @IsStringMap (a rectification's `changes`): field name → value, the validator's own limits.
      isStringMap: (meta: ValidationMetadata) => {
        const [maxKeys, maxLength] = meta.constraints as [number, number];
        return {
          type: 'object' as const,
          propertyNames: { pattern: STRING_MAP_KEY_PATTERN },
          additionalProperties: { type: 'string' as const, maxLength },
          minProperties: 1,
          maxProperties: maxKeys,
          description: 'field name → corrected value',
        };
      },
    },
  };
  const schemas = validationMetadatasToSchemas(options) as Record<string, Schema>;
  // A subclass without rules of its own (EraseCommand extends Command) has no metadata entry.
  for (const def of allEvents())
    schemas[def.payload.name] ??= targetConstructorToSchema(def.payload, options) as Schema;
  for (const [name, schema] of Object.entries(schemas)) {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    // Class-level rules class-validator expresses through a hidden property.
    for (const p of Object.keys(props)) if (p.startsWith('_')) delete props[p];
    // @IsBase64: base64 is not a JSON Schema format; 2020-12 says it with contentEncoding.
    for (const p of Object.values(props))
      if (p.format === 'base64') {
        delete p.format;
        p.contentEncoding = 'base64';
      }
    schema.required = ((schema.required as string[] | undefined) ?? []).filter((r) => !r.startsWith('_'));
    if (NULLABLE_FIELD_CLASSES.includes(name))
      for (const [k, p] of Object.entries(props)) props[k] = { anyOf: [p, { type: 'null' }] };
    if (SUBJECT_KEY_CLASSES.includes(name)) {
      schema.anyOf = ['email', 'customerId', 'phone'].map((k) => ({ required: [k] }));
      schema.description = 'Any subset of the keys, at least one. Unknown keys are ignored.';
    }
    if ((schema.required as string[]).length === 0) delete schema.required;
  }
  // class-validator's metadata holds every validated class loaded in this process (DTOs,
  // config classes, ...): keep only the payload classes and what they refer to.
  const reachable = new Set<string>();
  const visit = (name: string) => {
    if (reachable.has(name) || !schemas[name]) return;
    reachable.add(name);
    for (const m of JSON.stringify(schemas[name]).matchAll(/#\/components\/schemas\/([A-Za-z0-9_]+)/g)) visit(m[1]);
  };
  for (const def of allEvents()) visit(def.payload.name);
  return Object.fromEntries(
    Object.entries(schemas)
      .filter(([name]) => reachable.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

export const ENVELOPE_SCHEMA: Schema = {
  type: 'object',
  description:
    'CloudEvents 1.0, structured JSON mode, with the correlationid and causationid extensions. Unknown attributes are ignored.',
  required: ['specversion', 'id', 'source', 'type', 'time', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Unique per event (a UUID); consumers deduplicate on it.',
    },
    source: { type: 'string', minLength: 1, description: 'The system id or service that wrote the event.' },
    type: { type: 'string', description: 'The event type, e.g. pdata.record.stored.v1.' },
    time: { type: 'string', format: 'date-time' },
    datacontenttype: { const: 'application/json' },
    correlationid: { type: 'string', description: 'The request id, where there is one.' },
    causationid: { type: 'string', description: 'The id of the event that caused this one.' },
    dataschema: {
      type: 'string',
      format: 'uri',
      description: "The event's JSON Schema: the `$id` of libs/contracts/generated/schemas/<type>.json.",
    },
    data: { type: 'object' },
  },
};

/** The example of an event (examples.ts) as a whole CloudEvent, as it travels on its topic. */
export function exampleEvent(def: EventDefinition): Schema {
  const name = (Object.keys(EVENTS) as EventName[]).find((n) => EVENTS[n].type === def.type)!;
  const data = EXAMPLES[name] as unknown as Schema;
  return {
    specversion: '1.0',
    id: '0d3c1f5e-7a9b-4c2d-8e6f-1a2b3c4d5e6f',
    source: def.producers[0] === 'systems' ? 'crm' : def.producers[0],
    type: def.type,
    time: '2026-02-01T09:00:00.000Z',
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: eventSchemaUri(def.type),
    ...(typeof data.requestId === 'string' ? { correlationid: data.requestId } : {}),
    data,
  };
}

function messageName(def: EventDefinition): string {
  return def.type.replace(/\.v(\d+)$/, '_v$1').replace(/[.-]/g, '_');
}

function channelId(address: string): string {
  return address.replace(/[{}]/g, '').replace(/[.-]/g, '_');
}

const COMMAND_CHANNEL = 'pdata.commands.{systemId}.v1';
const SYSTEM_ID_PARAMETER = { description: 'The systemId the system registers with (a-z, 0-9, -).' };

export function buildAsyncApi(version: string): Schema {
  const events = allEvents();
  const channels: Record<string, Schema> = {};
  const operations: Record<string, Schema> = {};
  const messages: Record<string, Schema> = {};

  const topicDefs = Object.values(TOPICS);
  for (const t of topicDefs) {
    const perSystem = (t as TopicDefinition).perSystem === true;
    channels[channelId(t.name)] = {
      address: t.name,
      title: t.name,
      description: `${t.description} Key: ${t.key}.${(t as TopicDefinition).compacted ? ' Compacted (the latest value per key is kept).' : ''}${t.public ? ' Part of the public contract with company systems.' : ' Internal to datarights; free to evolve.'}${perSystem ? ' One topic per system: only that system may write it (its Kafka user has Write on it and on no other system topic). datarights takes the system from the topic: an event whose source, or whose data.systemId, names another system is refused (dead-lettered with the reason wrong-system).' : ''}`,
      ...(perSystem ? { parameters: { systemId: SYSTEM_ID_PARAMETER } } : {}),
      messages: {},
    };
    channels[channelId(dlqTopic(t.name))] = {
      address: dlqTopic(t.name),
      title: dlqTopic(t.name),
      description: `Dead letters of ${t.name}: the original key, value and headers, plus x-dlq-reason, x-dlq-original-topic, x-dlq-original-partition, x-dlq-original-offset, x-dlq-consumer, x-dlq-failed-at.`,
      ...(perSystem ? { parameters: { systemId: SYSTEM_ID_PARAMETER } } : {}),
      messages: {},
    };
  }
  channels[channelId(COMMAND_CHANNEL)] = {
    address: COMMAND_CHANNEL,
    title: COMMAND_CHANNEL,
    description:
      'One command topic per system (created when it registers), so that its credentials can be limited to its own commands. Key: requestId. A command may be delivered more than once: treat a repeated commandId as done and send the same reply again.',
    parameters: { systemId: SYSTEM_ID_PARAMETER },
    messages: {},
  };

  for (const def of events) {
    const name = messageName(def);
    messages[name] = {
      name: def.type,
      title: def.type,
      summary: def.summary,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      headers: { type: 'object', properties: { 'content-type': { const: CLOUDEVENTS_CONTENT_TYPE } } },
      payload: {
        allOf: [
          { $ref: '#/components/schemas/CloudEventEnvelope' },
          {
            type: 'object',
            properties: { type: { const: def.type }, data: { $ref: `#/components/schemas/${def.payload.name}` } },
          },
        ],
      },
      examples: [{ name: 'example', summary: `A ${def.type} event.`, payload: exampleEvent(def) }],
      'x-key': def.topic === 'command' ? 'requestId' : def.topic.key,
      'x-producers': [...def.producers],
    };
    const address = def.topic === 'command' ? COMMAND_CHANNEL : def.topic.name;
    const channel = channels[channelId(address)] as { messages: Record<string, Schema> };
    channel.messages[name] = { $ref: `#/components/messages/${name}` };
  }

  // Operations from datarights' point of view: what it receives from systems and what it sends them.
  for (const [id, address] of Object.entries({
    registerSystem: TOPICS.systems.name,
    reportRecord: TOPICS.dataEvents.name,
    replyToCommand: TOPICS.replies.name,
  })) {
    operations[id] = {
      action: 'receive',
      channel: { $ref: `#/channels/${channelId(address)}` },
      summary: `Company systems write ${address}; datarights consumes it.`,
    };
  }
  operations.sendCommand = {
    action: 'send',
    channel: { $ref: `#/channels/${channelId(COMMAND_CHANNEL)}` },
    summary: 'datarights sends commands to one system on its own topic.',
  };
  operations.sendNotification = {
    action: 'send',
    channel: { $ref: `#/channels/${channelId(TOPICS.notifications.name)}` },
    summary: 'Messages for the mail gateway.',
  };
  for (const t of topicDefs.filter((x) => !x.public)) {
    operations[`internal_${channelId(t.name)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelId(t.name)}` },
      summary: `Between the datarights services (${t.name}).`,
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'datarights — Kafka contract',
      version,
      description:
        "GDPR data-subject requests handled as events. Each company system has topics of its own: it registers on pdata.systems.{systemId}.v1, reports the personal data it holds on pdata.events.{systemId}.v1, receives commands on pdata.commands.{systemId}.v1 and replies on pdata.replies.{systemId}.v1. Kafka's ACLs let a system write its own topics only, so the topic proves the writer: datarights refuses an event whose source or data names another system, a reply to a command that was not sent to that system, and any event type on a topic that is not its own or from a source that is not one of its producers (x-producers). Every message value is a CloudEvents 1.0 event in structured JSON mode with header content-type: application/cloudevents+json. An event that fails validation goes to the topic's dead-letter topic (<topic>.dlq) with the reason, and the consumer goes on. A company system writes no dead-letter topic (its Kafka user may write its own three topics only): a command it cannot act on is answered pdata.command.failed.v1 with the reason in error, and a message it cannot answer at all (no valid commandId) is logged and skipped. Generated from libs/contracts; do not edit by hand.",
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    channels,
    operations,
    components: { schemas: { CloudEventEnvelope: ENVELOPE_SCHEMA, ...payloadSchemas() }, messages },
  };
}

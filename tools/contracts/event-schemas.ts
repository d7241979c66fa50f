/**
 * One JSON Schema (draft 2020-12) per event type: the CloudEvents envelope with that
 * type and its `data`, and in `$defs` only the definitions that event reaches, so that
 * a team generating classes from one file gets that event's classes and no others.
 */
import { allEvents, eventSchemaUri, type EventDefinition } from '@datarights/contracts';
import { ENVELOPE_SCHEMA } from './asyncapi.builder';

type Schema = Record<string, unknown>;

const REF = /#\/components\/schemas\/([A-Za-z0-9_]+)/g;

/** The names of the definitions reachable from `root`, `root` included, sorted. */
export function reachableDefinitions(root: string, components: Record<string, Schema>): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    if (!components[name]) throw new Error(`schema ${root} refers to ${name}, which is not defined`);
    seen.add(name);
    for (const m of JSON.stringify(components[name]).matchAll(REF)) visit(m[1]);
  };
  visit(root);
  return [...seen].sort();
}

export function eventSchema(def: EventDefinition, components: Record<string, Schema>): Schema {
  const defs = Object.fromEntries(reachableDefinitions(def.payload.name, components).map((n) => [n, components[n]]));
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: eventSchemaUri(def.type),
    title: def.type,
    description: def.summary,
    allOf: [
      { $ref: '#/$defs/CloudEventEnvelope' },
      { type: 'object', properties: { type: { const: def.type }, data: { $ref: `#/$defs/${def.payload.name}` } } },
    ],
    $defs: { CloudEventEnvelope: ENVELOPE_SCHEMA, ...defs },
  };
  return JSON.parse(JSON.stringify(schema).replace(REF, '#/$defs/$1')) as Schema;
}

/** Every event's schema file, by path from the repository root. */
export function eventSchemaFiles(components: Record<string, Schema>): Record<string, Schema> {
  return Object.fromEntries(
    allEvents().map((def) => [`libs/contracts/generated/schemas/${def.type}.json`, eventSchema(def, components)]),
  );
}

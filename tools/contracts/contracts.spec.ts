import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS } from '@datarights/contracts';
import { payloadSchemas } from './asyncapi.builder';
import { eventSchema, eventSchemaFiles, reachableDefinitions } from './event-schemas';
import { contractProblems } from './validate';

const root = join(__dirname, '../..');
const components = payloadSchemas();
const asyncApi = readFileSync(join(root, 'libs/contracts/generated/asyncapi.yaml'), 'utf8');
type Schema = Record<string, unknown>;

describe("an event's JSON Schema", () => {
  it('holds only the definitions its event reaches', () => {
    const schema = eventSchema(EVENTS.planBuilt, components) as { $defs: Schema };
    expect(Object.keys(schema.$defs).sort()).toEqual([
      'CloudEventEnvelope',
      'LinkedSubjectKeys',
      'PlanBuilt',
      'PlanItem',
      'PlanRecord',
      'RetentionDates',
    ]);
    expect(Object.keys((eventSchema(EVENTS.requestClosed, components) as { $defs: Schema }).$defs)).toHaveLength(2);
  });

  it('has no reference to a definition it does not hold', () => {
    for (const schema of Object.values(eventSchemaFiles(components))) {
      const defs = Object.keys(schema.$defs as Schema);
      for (const [, name] of JSON.stringify(schema).matchAll(/"#\/\$defs\/([A-Za-z0-9_]+)"/g))
        expect(defs).toContain(name);
    }
  });

  it('refuses to be built over a dangling reference', () => {
    const broken = { ...components, PlanItem: { $ref: '#/components/schemas/Object' } };
    expect(() => reachableDefinitions('PlanBuilt', broken)).toThrow('refers to Object, which is not defined');
  });

  it("states a rectification's changes as a map of strings, with the validator's limits", () => {
    const changes = (components.RequestSubmitted.properties as Record<string, Schema>).changes;
    expect(changes).toMatchObject({ type: 'object', additionalProperties: { type: 'string', maxLength: 1000 } });
    expect(changes).toMatchObject({ maxProperties: 50 });
  });
});

describe('the contract check', () => {
  const schemas = eventSchemaFiles(components);
  const path = (type: string) => `libs/contracts/generated/schemas/${type}.json`;

  it('passes on the generated documents: ajv compiles every schema, the AsyncAPI parser accepts the document, every example is valid', async () => {
    expect(await contractProblems(asyncApi, schemas)).toEqual([]);
  }, 60_000);

  it('fails on a document the AsyncAPI parser rejects', async () => {
    const broken = asyncApi.replace('$ref: "#/components/schemas/PlanItem"', '$ref: "#/components/schemas/Object"');
    expect(broken).not.toBe(asyncApi);
    expect(await contractProblems(broken, schemas)).toEqual([expect.stringContaining('invalid-ref')]);
  }, 60_000);

  it('fails on a schema ajv cannot compile, and on an example its schema refuses', async () => {
    const type = EVENTS.requestClosed.type;
    const uncompilable = { ...schemas, [path(type)]: { ...schemas[path(type)], type: 'no-such-type' } };
    const defs = schemas[path(type)].$defs as Record<string, Schema>;
    const stricter = {
      ...schemas,
      [path(type)]: {
        ...schemas[path(type)],
        $defs: { ...defs, RequestClosed: { ...defs.RequestClosed, required: ['requestId', 'notInTheExample'] } },
      },
    };
    const problems = [
      ...(await contractProblems(asyncApi, uncompilable)),
      ...(await contractProblems(asyncApi, stricter)),
    ];
    expect(problems).toEqual([
      expect.stringContaining(`${path(type)}: does not compile`),
      expect.stringContaining(`${type}: its example does not match its schema`),
    ]);
  }, 120_000);
});

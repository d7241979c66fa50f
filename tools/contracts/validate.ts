/**
 * What `contracts:check` (and `contracts:generate`, before it writes) proves of the
 * generated documents, as a foreign team would use them:
 * - every event's JSON Schema compiles with ajv (draft 2020-12, strict, formats);
 * - the AsyncAPI document is valid for the official AsyncAPI parser (no error diagnostic);
 * - every event's example (examples.ts, published in the document) is valid against its
 *   schema and against the payload class's own rules, which the services apply.
 * Returns the problems found; none means the contract can be trusted.
 */
import { Parser } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { allEvents, validatePayload } from '@datarights/contracts';
import { exampleEvent } from './asyncapi.builder';

type Schema = Record<string, unknown>;

export async function contractProblems(asyncApiYaml: string, schemas: Record<string, Schema>): Promise<string[]> {
  const problems: string[] = [];
  // Strict, except strictRequired: `anyOf: [{ required: ['email'] }, ...]` (at least one
  // subject key) is standard JSON Schema that ajv's strict mode would have restated.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  for (const def of allEvents()) {
    const path = `libs/contracts/generated/schemas/${def.type}.json`;
    let validate;
    try {
      validate = ajv.compile(schemas[path]);
    } catch (err) {
      problems.push(`${path}: does not compile: ${(err as Error).message}`);
      continue;
    }
    const example = exampleEvent(def);
    if (!validate(example))
      problems.push(`${def.type}: its example does not match its schema: ${ajv.errorsText(validate.errors)}`);
    const byClass = validatePayload(def.payload, example.data);
    if (!byClass.ok) problems.push(`${def.type}: its example breaks ${def.payload.name}'s rules: ${byClass.reason}`);
  }
  const { diagnostics } = await new Parser().parse(asyncApiYaml);
  for (const d of diagnostics.filter((x) => x.severity === 0))
    problems.push(`asyncapi.yaml: ${d.code}: ${d.message} (at ${d.path.join('.')})`);
  return problems;
}

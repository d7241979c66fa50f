import { createEnvelope, eventSchemaUri, parseEnvelope } from './envelope';
import { EVENTS } from './events/registry';

describe('the CloudEvents envelope', () => {
  const data = { requestId: '5f0c2a8e-3b1d-4c6e-9a7f-2d8b1e4c6a90', reason: 'r', requestedBy: 'dpo' };

  it("names the event's generated JSON Schema in dataschema, and keeps it through parsing", () => {
    const type = EVENTS.restrictionLiftRequested.type;
    const envelope = createEnvelope({ type, source: 'request-intake', data });
    expect(envelope.dataschema).toBe(`urn:datarights:schema:${type}`);
    expect(eventSchemaUri(type)).toBe(envelope.dataschema);
    const parsed = parseEnvelope(JSON.stringify(envelope));
    expect(parsed.ok && parsed.envelope.dataschema).toBe(envelope.dataschema);
  });

  it('names no schema for a type the registry does not know', () => {
    expect(createEnvelope({ type: 'com.example.other.v1', source: 'x', data }).dataschema).toBeUndefined();
  });

  it('refuses a dataschema that is not a URI', () => {
    const envelope = {
      ...createEnvelope({ type: 'com.example.other.v1', source: 'x', data }),
      dataschema: 'not a uri',
    };
    expect(parseEnvelope(JSON.stringify(envelope))).toMatchObject({ ok: false });
  });
});

import { allEvents, topicsToCreate } from '@datarights/contracts';
import { buildAsyncApi, payloadSchemas } from './asyncapi.builder';

describe('the generated AsyncAPI document', () => {
  const doc = buildAsyncApi('test') as {
    asyncapi: string;
    channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
    components: {
      messages: Record<
        string,
        {
          name: string;
          payload: { allOf: [unknown, { properties: { data: { $ref: string } } }] };
          examples: { payload: { type: string } }[];
        }
      >;
      schemas: Record<string, unknown>;
    };
  };

  it('is AsyncAPI 3 and has a channel for every topic the services create, and the command topics', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const t of topicsToCreate()) expect(addresses).toContain(t);
    expect(addresses).toContain('pdata.commands.{systemId}.v1');
  });

  it('describes every event type of the registry, on its channel, with its payload schema and one example', () => {
    const byName = Object.values(doc.components.messages).map((m) => m.name);
    for (const def of allEvents()) {
      expect(byName).toContain(def.type);
      const [id, message] = Object.entries(doc.components.messages).find(([, m]) => m.name === def.type)!;
      const schemaRef = message.payload.allOf[1].properties.data.$ref;
      expect(doc.components.schemas[schemaRef.split('/').pop()!]).toBeDefined();
      expect(message.examples.map((e) => e.payload.type)).toEqual([def.type]);
      const channel = Object.values(doc.channels).find((c) => Object.keys(c.messages).includes(id));
      expect(channel?.address).toBe(def.topic === 'command' ? 'pdata.commands.{systemId}.v1' : def.topic.name);
    }
  });

  it('states the subject-key rule (at least one key) that class-validator enforces', () => {
    const keys = payloadSchemas().SubjectKeys as { anyOf: unknown[]; properties: Record<string, unknown> };
    expect(keys.anyOf).toHaveLength(3);
    expect(Object.keys(keys.properties).sort()).toEqual(['customerId', 'email', 'phone']);
  });
});

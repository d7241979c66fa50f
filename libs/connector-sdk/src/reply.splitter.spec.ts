import { CommandCompleted, EXPORT_PART_MAX_BYTES, parseEnvelope, validatePayload } from '@datarights/contracts';
import { randomUUID } from 'node:crypto';
import type { StoredReply } from './command-store.types';
import { assembleExportParts, buildReplyEnvelopes, ExportTooLargeError } from './reply.splitter';

const meta = { source: 'crm', causationId: randomUUID() };

function exportReply(records: Record<string, unknown>[]): StoredReply {
  return {
    type: 'pdata.command.completed.v1',
    payload: {
      commandId: randomUUID(),
      requestId: randomUUID(),
      systemId: 'crm',
      outcome: 'done',
      affectedRecords: records.length,
      export: { records },
    },
  };
}

/** Records of varied sizes, with multi-byte characters so bytes and string length differ. */
function someRecords(count: number, approxBytes: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    name: `Zoë Müller-Åström ${i}`,
    note: 'é'.repeat((i * 37) % approxBytes) + 'x'.repeat(approxBytes / 2),
    nested: { createdAt: '2024-01-01T00:00:00.000Z', tags: ['a', 'b'] },
  }));
}

const sizeOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('buildReplyEnvelopes', () => {
  it('sends a small export as one message without part numbers', () => {
    const reply = exportReply(someRecords(20, 100));
    const envelopes = buildReplyEnvelopes(reply, meta);
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0].data.export?.part).toBeUndefined();
    expect(envelopes[0].data.export?.parts).toBeUndefined();
    expect(assembleExportParts(envelopes.map((e) => e.data))).toEqual(reply.payload.export?.records);
  });

  it('splits a 3 MiB export into parts that each stay under the limit and reassemble whole', () => {
    const records = someRecords(3000, 1000);
    expect(sizeOf(records)).toBeGreaterThan(3 * 1024 * 1024);
    const reply = exportReply(records);
    const envelopes = buildReplyEnvelopes(reply, meta);

    expect(envelopes.length).toBeGreaterThanOrEqual(6);
    envelopes.forEach((e, i) => {
      expect(sizeOf(e)).toBeLessThan(EXPORT_PART_MAX_BYTES);
      expect(e.data.export).toMatchObject({ part: i + 1, parts: envelopes.length });
      expect(e.data.commandId).toBe(reply.payload.commandId);
      expect(e.correlationid).toBe(reply.payload.requestId);
      expect(e.causationid).toBe(meta.causationId);
      // Each part is a valid contract message on its own.
      const parsed = parseEnvelope(JSON.stringify(e));
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(validatePayload(CommandCompleted, parsed.envelope.data)).toMatchObject({ ok: true });
    });
    // Parts arriving in any order still give the records back, in order.
    expect(assembleExportParts(envelopes.map((e) => e.data).reverse())).toEqual(records);
  });

  it('packs parts tightly: with a small limit, no part could take the next record', () => {
    const records = someRecords(200, 60);
    const max = 4000;
    const envelopes = buildReplyEnvelopes(exportReply(records), meta, max);
    expect(envelopes.length).toBeGreaterThan(5);
    let next = 0;
    for (const e of envelopes.slice(0, -1)) {
      const count = e.data.export?.records.length ?? 0;
      next += count;
      const grown = {
        ...e,
        data: { ...e.data, export: { ...e.data.export, records: [...(e.data.export?.records ?? []), records[next]] } },
      };
      expect(sizeOf(e)).toBeLessThan(max);
      // The widest part numbers are reserved, so allow that slack.
      expect(sizeOf(grown)).toBeGreaterThanOrEqual(max - 10);
    }
    expect(assembleExportParts(envelopes.map((e) => e.data))).toEqual(records);
  });

  it('refuses a single record bigger than a message can hold', () => {
    const reply = exportReply([{ blob: 'x'.repeat(EXPORT_PART_MAX_BYTES) }]);
    expect(() => buildReplyEnvelopes(reply, meta)).toThrow(ExportTooLargeError);
  });

  it('sends a non-export reply as one envelope with the contract attributes', () => {
    const reply: StoredReply = {
      type: 'pdata.command.failed.v1',
      payload: {
        commandId: randomUUID(),
        requestId: randomUUID(),
        systemId: 'crm',
        outcome: 'failed',
        affectedRecords: 0,
        error: 'boom',
      },
    };
    const [e] = buildReplyEnvelopes(reply, meta);
    expect(e).toMatchObject({
      specversion: '1.0',
      type: 'pdata.command.failed.v1',
      source: 'crm',
      correlationid: reply.payload.requestId,
      datacontenttype: 'application/json',
    });
  });
});

describe('assembleExportParts', () => {
  it('says which part is missing', () => {
    const envelopes = buildReplyEnvelopes(exportReply(someRecords(100, 200)), meta, 5000);
    expect(() => assembleExportParts(envelopes.slice(1).map((e) => e.data))).toThrow('export part 1 of');
  });
});

import { parseEnvelope, RecordEvent, validatePayload } from '@datarights/contracts';
import { buildRecordMessages, InvalidRecordError } from './record-event.builder';

const row = {
  recordRef: 'cust-42',
  category: 'identification',
  subjectKeys: { email: 'jane@example.org', customerId: 'C-42' },
  occurredAt: new Date('2024-03-01T10:00:00Z'),
};

describe('buildRecordMessages', () => {
  it('builds one valid data event per record, keyed systemId:recordRef', () => {
    const [message] = buildRecordMessages('crm', 'stored', [row]);
    expect(String(message.key)).toBe('crm:cust-42');
    expect(message.headers).toEqual({ 'content-type': 'application/cloudevents+json' });
    const parsed = parseEnvelope(String(message.value));
    expect(parsed.ok && parsed.envelope).toMatchObject({
      type: 'pdata.record.stored.v1',
      source: 'crm',
      data: {
        systemId: 'crm',
        recordRef: 'cust-42',
        category: 'identification',
        subjectKeys: row.subjectKeys,
        occurredAt: '2024-03-01T10:00:00.000Z',
      },
    });
    if (parsed.ok) expect(validatePayload(RecordEvent, parsed.envelope.data).ok).toBe(true);
  });

  it('uses the event type of each kind and defaults occurredAt to now', () => {
    const [message] = buildRecordMessages('crm', 'erased', [{ ...row, occurredAt: undefined }]);
    const parsed = parseEnvelope(String(message.value));
    expect(parsed.ok && parsed.envelope.type).toBe('pdata.record.erased.v1');
    const at = parsed.ok ? Date.parse((parsed.envelope.data as { occurredAt: string }).occurredAt) : 0;
    expect(Math.abs(at - Date.now())).toBeLessThan(5000);
  });

  it('refuses the whole batch on one invalid record, naming its position and the problem, not its keys', () => {
    const bad = { ...row, subjectKeys: { email: 'not-an-email' } };
    let error: unknown;
    try {
      buildRecordMessages('crm', 'stored', [row, bad]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toMatch(/^record #1: subjectKeys\.email/);
    expect((error as Error).message).not.toContain('not-an-email');
  });

  it('refuses a record without any subject key', () => {
    expect(() => buildRecordMessages('crm', 'stored', [{ ...row, subjectKeys: {} }])).toThrow(/at least one of/);
  });

  it('carries the retention dates the system gives, as ISO 8601, null kept for a start that has not happened (issue 14)', () => {
    const [message] = buildRecordMessages('crm', 'stored', [
      {
        ...row,
        retentionDates: { recordDate: new Date('2024-03-01T10:00:00Z'), contractEnd: null, lastContact: undefined },
      },
    ]);
    const parsed = parseEnvelope(String(message.value));
    const data = parsed.ok ? (parsed.envelope.data as { retentionDates?: unknown }) : {};
    expect(data.retentionDates).toEqual({ recordDate: '2024-03-01T10:00:00.000Z', contractEnd: null });
  });

  it('refuses a retention date that is not a date-time, naming the record and the field', () => {
    expect(() =>
      buildRecordMessages('crm', 'stored', [{ ...row, retentionDates: { contractEnd: 'next year' } }]),
    ).toThrow(/^record #0: retentionDates\.contractEnd/);
  });
});

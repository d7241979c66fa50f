import { EVENTS, type RecordEvent } from '@datarights/contracts';
import { toIndexRows, type IndexedEvent } from './index-rows';

const stored = (data: Partial<RecordEvent>): IndexedEvent => ({
  type: EVENTS.recordStored.type,
  data: {
    systemId: 'crm',
    recordRef: 'r1',
    category: 'identification',
    subjectKeys: { email: 'a@example.test' },
    occurredAt: '2026-01-01T10:00:00Z',
    ...data,
  } as RecordEvent,
});
const erased = (data: Partial<RecordEvent>): IndexedEvent => ({ ...stored(data), type: EVENTS.recordErased.type });

describe('toIndexRows', () => {
  it('normalises the keys', () => {
    const [row] = toIndexRows([
      stored({ subjectKeys: { email: ' A@Example.TEST ', customerId: ' C-1 ', phone: '+33 6 12 34 56 78' } }),
    ]);
    expect(row).toEqual({
      systemId: 'crm',
      recordRef: 'r1',
      category: 'identification',
      email: 'a@example.test',
      customerId: 'C-1',
      phone: '+33612345678',
      erased: false,
      occurredAt: '2026-01-01T10:00:00.000Z',
      retentionDates: null,
    });
  });

  it("keeps the record's retention dates, null for a start that has not happened (issue 14)", () => {
    const [row] = toIndexRows([
      stored({ retentionDates: { contractEnd: null, recordDate: '2026-01-01T10:00:00.000Z' } }),
    ]);
    expect(row.retentionDates).toEqual({ contractEnd: null, recordDate: '2026-01-01T10:00:00.000Z' });
  });

  it('keeps one row per record: the latest, and on a tie the last one received', () => {
    const rows = toIndexRows([
      stored({ category: 'a', occurredAt: '2026-01-01T10:00:00Z' }),
      stored({ category: 'b', occurredAt: '2026-01-01T12:00:00+01:00' }), // 11:00Z
      stored({ category: 'c', occurredAt: '2026-01-01T10:30:00Z' }), // late and older
      stored({ recordRef: 'r2', category: 'x' }),
      stored({ recordRef: 'r2', category: 'y' }),
    ]);
    expect(rows.map((r) => [r.recordRef, r.category])).toEqual([
      ['r1', 'b'],
      ['r2', 'y'],
    ]);
  });

  it('marks erased records and keeps none of their keys', () => {
    const rows = toIndexRows([stored({}), erased({ occurredAt: '2026-01-02T00:00:00Z' })]);
    expect(rows).toEqual([
      expect.objectContaining({ recordRef: 'r1', erased: true, email: null, customerId: null, phone: null }),
    ]);
  });

  it('does not let a late, older stored event override an erasure in the same batch', () => {
    const rows = toIndexRows([
      erased({ occurredAt: '2026-01-02T00:00:00Z' }),
      stored({ occurredAt: '2026-01-01T00:00:00Z' }),
    ]);
    expect(rows[0].erased).toBe(true);
  });

  it('refuses a date the index cannot order', () => {
    expect(() => toIndexRows([stored({ occurredAt: '2026-W01-1' })])).toThrow('occurredAt');
  });
});

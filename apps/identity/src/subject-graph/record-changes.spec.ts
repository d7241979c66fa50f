import { EVENTS, type RecordEvent } from '@datarights/contracts';
import { latestPerRecord, supersedes, toRecordChange, type RecordChange } from './record-changes';

const event = (overrides: Partial<RecordEvent> = {}): RecordEvent =>
  ({
    systemId: 'crm',
    recordRef: 'r1',
    category: 'identification',
    subjectKeys: { email: 'Jane@X.fr', customerId: 'C-1' },
    occurredAt: '2024-05-01T10:00:00.000Z',
    ...overrides,
  }) as RecordEvent;

const change = (occurredAt: string, erased: boolean, recordRef = 'r1'): RecordChange => ({
  systemId: 'crm',
  recordRef,
  category: 'identification',
  keys: [],
  erased,
  occurredAt,
});

describe('record changes', () => {
  it('reads an event: normalised keys, erased only for the erased type', () => {
    expect(toRecordChange(EVENTS.recordStored.type, event())).toMatchObject({
      keys: ['customerId:C-1', 'email:jane@x.fr'],
      erased: false,
    });
    expect(toRecordChange(EVENTS.recordErased.type, event()).erased).toBe(true);
  });

  it('lets a newer event win and an older one arriving late lose', () => {
    expect(supersedes(change('2024-05-02T00:00:00Z', false), change('2024-05-01T00:00:00Z', true))).toBe(true);
    expect(supersedes(change('2024-04-30T00:00:00Z', false), change('2024-05-01T00:00:00Z', true))).toBe(false);
  });

  it('lets an erasure win a tie, and a repeat change nothing', () => {
    expect(supersedes(change('2024-05-01T00:00:00Z', true), change('2024-05-01T00:00:00Z', false))).toBe(true);
    expect(supersedes(change('2024-05-01T00:00:00Z', false), change('2024-05-01T00:00:00Z', true))).toBe(false);
    expect(supersedes(change('2024-05-01T00:00:00Z', false), change('2024-05-01T00:00:00Z', false))).toBe(false);
  });

  it('keeps one change per record in a batch: the latest, whatever the arrival order', () => {
    const latest = latestPerRecord([
      change('2024-05-03T00:00:00Z', true),
      change('2024-05-01T00:00:00Z', false),
      change('2024-05-02T00:00:00Z', false, 'r2'),
    ]);
    expect(latest).toHaveLength(2);
    expect(latest.find((c) => c.recordRef === 'r1')).toMatchObject({
      erased: true,
      occurredAt: '2024-05-03T00:00:00Z',
    });
  });
});

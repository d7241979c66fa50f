/**
 * Issue 14: an erasure holds each record from its own start, per the French profile. Each
 * test names the text whose period it checks.
 */
import type { PlanItem, PlanRecord } from '@datarights/contracts';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { holdErasure } from './hold-expiry.service';
import { planErasure } from './erasure-planner';

const fr = loadPolicy(resolvePolicyPath());
const requestedAt = new Date('2026-12-07T10:00:00.000Z');
const now = new Date('2026-12-07T10:00:05.000Z');
const zone = 'Europe/Paris';

const item = (categories: string[], recordDates: PlanRecord[]): PlanItem => ({
  systemId: 'billing',
  role: 'controller',
  categories,
  capabilities: ['export', 'erase', 'restrict'],
  records: recordDates.length,
  recordDates,
});

describe('holds per record (issue 14)', () => {
  it('an invoice of the 2023 financial year is held to the end of 2033, not ten years from the request (Code de commerce L123-22)', () => {
    const invoice: PlanRecord = {
      recordRef: 'invoice/F-2023-02',
      category: 'billing',
      occurredAt: '2023-02-14T09:00:00.000Z',
      retentionDates: {
        recordDate: '2023-02-14T09:00:00.000Z',
        lastOperation: '2023-02-14T09:00:00.000Z',
        endOfFinancialYear: '2023-12-31T22:59:59.999Z',
      },
    };
    const plan = planErasure(fr, [item(['billing'], [invoice])], requestedAt, now, zone);
    expect(plan.holds).toEqual([
      expect.objectContaining({
        category: 'billing',
        legalText: 'Code de commerce L123-22',
        from: 'end-of-financial-year',
        // 31 December 2033, the last instant of the day, Paris time (Regulation 1182/71 art. 3(2)(c)).
        until: new Date('2033-12-31T22:59:59.999Z'),
        recordRefs: ['invoice/F-2023-02'],
      }),
    ]);
    expect(plan.holds[0].startPending).toBeUndefined();
    expect(plan.actions).toEqual([
      {
        dispatch: true,
        kind: 'restrict',
        systemId: 'billing',
        categories: ['billing'],
        params: { ground: 'legal-hold', until: '2033-12-31T22:59:59.999Z', action: 'place' },
      },
    ]);
  });

  it('connection data past its year is erased now, by name; a connection of last month is held to its own year (décret 2021-1362)', () => {
    const old: PlanRecord = {
      recordRef: 'connection/1',
      category: 'connection',
      occurredAt: '2025-11-02T08:00:00.000Z',
      retentionDates: { connection: '2025-11-02T08:00:00.000Z' },
    };
    const recent: PlanRecord = {
      recordRef: 'connection/2',
      category: 'connection',
      occurredAt: '2026-11-20T08:00:00.000Z',
      retentionDates: { connection: '2026-11-20T08:00:00.000Z' },
    };
    const plan = planErasure(fr, [item(['connection'], [old, recent])], requestedAt, now, zone);
    expect(plan.actions).toContainEqual({
      dispatch: true,
      kind: 'erase',
      systemId: 'billing',
      categories: ['connection'],
      params: { recordRefs: ['connection/1'] },
    });
    expect(plan.holds).toEqual([
      expect.objectContaining({
        category: 'connection',
        until: new Date('2027-11-20T22:59:59.999Z'),
        recordRefs: ['connection/2'],
      }),
    ]);
  });

  it('the civil identity is kept five years after the contract ended, and while the contract runs it waits with no end (LCEN art. 6, décret 2021-1362)', () => {
    const ended: PlanRecord = {
      recordRef: 'customer/C-1',
      category: 'identification',
      occurredAt: '2019-03-01T09:00:00.000Z',
      retentionDates: { recordDate: '2019-03-01T09:00:00.000Z', contractEnd: '2025-03-01T09:00:00.000Z' },
    };
    const running: PlanRecord = {
      recordRef: 'customer/C-2',
      category: 'identification',
      occurredAt: '2024-03-01T09:00:00.000Z',
      retentionDates: { recordDate: '2024-03-01T09:00:00.000Z', contractEnd: null },
    };
    const plan = planErasure(fr, [item(['identification'], [ended, running])], requestedAt, now, zone);
    expect(plan.holds).toEqual([
      expect.objectContaining({ until: new Date('2030-03-01T22:59:59.999Z'), recordRefs: ['customer/C-1'] }),
      expect.objectContaining({ startPending: 'contract-end', recordRefs: ['customer/C-2'] }),
    ]);
    // Not erased, and restricted with no end while a start is pending.
    expect(plan.actions.filter((a) => a.kind === 'erase')).toEqual([]);
    expect(plan.actions).toContainEqual({
      dispatch: true,
      kind: 'restrict',
      systemId: 'billing',
      categories: ['identification'],
      params: { ground: 'legal-hold', action: 'place' },
    });
  });

  it('the deferred erase of a record hold names its records and the cut-off: a record created after the request is untouched (Art. 17(3) then 17(1))', () => {
    expect(
      holdErasure({
        systemId: 'billing',
        category: 'billing',
        canErase: true,
        legalText: 'Code de commerce L123-22',
        until: new Date('2033-12-31T22:59:59.999Z'),
        createdAt: now,
        recordRefs: ['invoice/F-2023-02'],
      }),
    ).toEqual({
      dispatch: true,
      kind: 'erase',
      systemId: 'billing',
      categories: ['billing'],
      params: { createdBefore: now.toISOString(), recordRefs: ['invoice/F-2023-02'] },
    });
  });

  it('a category whose system gives no dates keeps the request date as the start: never too early', () => {
    const plan = planErasure(
      fr,
      [{ ...item(['billing'], []), recordDates: undefined, records: 3 }],
      requestedAt,
      now,
      zone,
    );
    expect(plan.holds).toEqual([
      expect.objectContaining({ until: new Date('2036-12-07T10:00:00.000Z'), category: 'billing' }),
    ]);
    expect(plan.holds[0].recordRefs).toBeUndefined();
  });
});

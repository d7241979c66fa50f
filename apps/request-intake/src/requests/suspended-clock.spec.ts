import { resumedDueAt, suspendedDays, unverifiedBy } from './suspended-clock';

const d = (iso: string) => new Date(iso);

describe('the suspended clock (décret 2019-536 art. 77), in Paris days (Regulation 1182/71 art. 3)', () => {
  it('counts the calendar days the clock stood still, Paris time; the same day counts 0', () => {
    expect(suspendedDays(d('2026-01-30T10:00:00Z'), d('2026-02-02T09:00:00Z'))).toBe(3);
    expect(suspendedDays(d('2026-01-30T10:00:00Z'), d('2026-01-30T22:59:00Z'))).toBe(0);
    // 23:00 UTC on 28 March is 00:00 on 29 March in Paris: 29 March → 2 April = 4 days.
    expect(suspendedDays(d('2026-03-28T23:00:00Z'), d('2026-04-02T01:00:00Z'))).toBe(4);
  });

  it('moves dueAt with calendar-month arithmetic: 30 January + 3 days → 2 February + P1M = end of 2 March, not 28 February + 3 days', () => {
    const r = { receivedAt: d('2026-01-30T10:00:00.000Z'), extensionMonths: null };
    expect(resumedDueAt(r, 'P1M', 0).toISOString()).toBe('2026-02-28T22:59:59.999Z');
    expect(resumedDueAt(r, 'P1M', 3).toISOString()).toBe('2026-03-02T22:59:59.999Z');
    expect(resumedDueAt(r, 'P1M', 10).toISOString()).toBe('2026-03-09T22:59:59.999Z');
  });

  it('month ends: 31 January + 1 day = 1 February → 1 March; leap year 2028: 29 January + 1 day → 30 February does not exist → 29 February', () => {
    expect(
      resumedDueAt({ receivedAt: d('2026-01-31T08:00:00.000Z'), extensionMonths: null }, 'P1M', 1).toISOString(),
    ).toBe('2026-03-01T22:59:59.999Z');
    expect(
      resumedDueAt({ receivedAt: d('2028-01-29T08:00:00.000Z'), extensionMonths: null }, 'P1M', 1).toISOString(),
    ).toBe('2028-02-29T22:59:59.999Z');
  });

  it('keeps an extension: received 15 March, suspended 20 days, extended by 2 months → 4 April + P3M = end of 4 July (CEST)', () => {
    expect(
      resumedDueAt({ receivedAt: d('2026-03-15T12:00:00.000Z'), extensionMonths: 2 }, 'P1M', 20).toISOString(),
    ).toBe('2026-07-04T21:59:59.999Z');
  });

  it('an unverified request closes after the policy delay', () => {
    expect(unverifiedBy(d('2026-01-30T10:00:00.000Z'), 'P30D').toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
});

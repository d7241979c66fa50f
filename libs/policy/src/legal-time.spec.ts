import { calendarDaysBetween, isTimeZone, legalDueAt, localDate } from './legal-time';
import { parsePolicy } from './policy.loader';

const D = (iso: string) => new Date(iso);

describe('legalDueAt: Art. 12(3) one month from receipt, counted as Regulation 1182/71 art. 3 counts, in Paris time', () => {
  it.each([
    // Art. 3(2)(c): the same date in the last month, else its last day; "the last hour of the day", Paris time.
    [
      '31 January → end of the last day of February (CET, UTC+1)',
      '2026-01-31T10:00:00.000Z',
      '2026-02-28T22:59:59.999Z',
    ],
    ['31 January of a leap year → end of 29 February', '2028-01-31T10:00:00.000Z', '2028-02-29T22:59:59.999Z'],
    ['15 March → end of 15 April (CEST, UTC+2)', '2026-03-15T08:30:00.000Z', '2026-04-15T21:59:59.999Z'],
    // 23:30 UTC on 31 January is 00:30 on 1 February in Paris: received on 1 February, due at the end of 1 March.
    [
      '00:30 Paris on 1 February (still 31 January in UTC) → end of 1 March',
      '2026-01-31T23:30:00.000Z',
      '2026-03-01T22:59:59.999Z',
    ],
    // 23:30 Paris on 28 February is 22:30 UTC: due at the end of 28 March, Paris time, not 28 March 22:30 UTC + 1h.
    [
      '23:30 Paris on 28 February → end of 28 March (clocks change on 29 March)',
      '2026-02-28T22:30:00.000Z',
      '2026-03-28T22:59:59.999Z',
    ],
  ])('%s', (_what, received, due) => {
    expect(legalDueAt({ receivedAt: D(received) }, 'P1M').toISOString()).toBe(due);
  });

  it('never ends later than the end of the legal day, whatever the hour of receipt (Reg. 1182/71 art. 3(2)(c))', () => {
    for (const hour of ['00:00:00', '06:00:00', '12:00:00', '22:59:59']) {
      // All on 31 January, Paris time (UTC+1): the due date is the same instant.
      const received = new Date(`2026-01-31T${hour}.000Z`);
      expect(legalDueAt({ receivedAt: received }, 'P1M').toISOString()).toBe('2026-02-28T22:59:59.999Z');
    }
  });

  it('moves the start by the suspended days, then counts the months (décret 2019-536 art. 77): 30 January + 3 days → end of 2 March', () => {
    expect(legalDueAt({ receivedAt: D('2026-01-30T09:00:00.000Z'), suspendedDays: 3 }, 'P1M').toISOString()).toBe(
      '2026-03-02T22:59:59.999Z',
    );
  });

  it('keeps the suspended days through an extension (Art. 12(3) + décret 2019-536 art. 77): 31 January, 5 days, +2 months → end of 5 May', () => {
    expect(
      legalDueAt(
        { receivedAt: D('2026-01-31T09:00:00.000Z'), suspendedDays: 5, extensionMonths: 2 },
        'P1M',
      ).toISOString(),
    ).toBe('2026-05-05T21:59:59.999Z');
  });

  it('counts the extension from receipt, like the first month: 31 January + 1 + 2 months → end of 30 April', () => {
    expect(legalDueAt({ receivedAt: D('2026-01-31T09:00:00.000Z'), extensionMonths: 2 }, 'P1M').toISOString()).toBe(
      '2026-04-30T21:59:59.999Z',
    );
  });

  it('uses the configured time zone', () => {
    expect(legalDueAt({ receivedAt: D('2026-01-31T10:00:00.000Z') }, 'P1M', 'UTC').toISOString()).toBe(
      '2026-02-28T23:59:59.999Z',
    );
  });

  it('adds a period with hours to the instant (such a period has no day)', () => {
    expect(legalDueAt({ receivedAt: D('2026-01-31T10:00:00.000Z') }, 'PT1H').toISOString()).toBe(
      '2026-01-31T11:00:00.000Z',
    );
  });
});

describe('calendar days and local dates in the controller time zone', () => {
  it('counts Paris days, not UTC days', () => {
    // 22:30 UTC on 1 March is 23:30 in Paris; 23:30 UTC is 00:30 on 2 March in Paris: one day apart.
    expect(calendarDaysBetween(D('2026-03-01T22:30:00.000Z'), D('2026-03-01T23:30:00.000Z'))).toBe(1);
    expect(calendarDaysBetween(D('2026-03-01T08:00:00.000Z'), D('2026-03-01T20:00:00.000Z'))).toBe(0);
    expect(calendarDaysBetween(D('2026-03-01T08:00:00.000Z'), D('2026-03-04T08:00:00.000Z'))).toBe(3);
    // Across the change to summer time (29 March 2026): still whole days.
    expect(calendarDaysBetween(D('2026-03-28T12:00:00.000Z'), D('2026-03-30T12:00:00.000Z'))).toBe(2);
    expect(localDate(D('2026-01-31T23:30:00.000Z'))).toBe('2026-02-01');
  });
});

describe('deadlines.timeZone in the policy', () => {
  const file = (tz?: string) => `
version: 1
profile: t
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y${tz ? `, timeZone: ${tz}` : ''} }
commands: { respondWithin: PT1H, maxAttempts: 3, retryBackoff: PT5M }
categories: { default: { action: erase } }
`;
  it('defaults to Europe/Paris, accepts an IANA name, refuses anything else', () => {
    expect(parsePolicy(file()).deadlines.timeZone).toBe('Europe/Paris');
    expect(parsePolicy(file('America/Martinique')).deadlines.timeZone).toBe('America/Martinique');
    expect(() => parsePolicy(file('Paris'))).toThrow(/deadlines.timeZone: must be an IANA time zone name/);
    expect(isTimeZone('Europe/Paris')).toBe(true);
  });
});

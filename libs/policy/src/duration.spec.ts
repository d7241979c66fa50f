import {
  addDuration,
  durationInWords,
  durationToMillis,
  formatDuration,
  isIsoDuration,
  parseDuration,
  scaleDuration,
} from './duration';

const Z = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

describe('parseDuration', () => {
  it.each([
    ['P1M', { months: 1 }],
    ['P10Y', { years: 10 }],
    ['PT1H', { hours: 1 }],
    ['P2W', { weeks: 2 }],
    ['P1Y6M', { years: 1, months: 6 }],
    ['PT15M', { minutes: 15 }],
    ['PT2S', { seconds: 2 }],
    ['P3D', { days: 3 }],
    ['P1DT12H', { days: 1, hours: 12 }],
    ['P1Y2M3DT4H5M6S', { years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6 }],
    ['P0D', {}],
  ])('%s', (text, parts) => {
    expect(parseDuration(text)).toEqual({ ...Z, ...parts });
    expect(isIsoDuration(text)).toBe(true);
  });

  it.each([
    '',
    'P',
    'PT',
    '1M',
    'P1',
    'p1m',
    'P1.5Y',
    'P-1M',
    'PT1D',
    'P1H',
    'P1M1Y',
    'P1Y ',
    ' P1Y',
    'P1234567Y',
    '10Y',
  ])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow('not an ISO 8601 duration');
    expect(isIsoDuration(text)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(isIsoDuration(12)).toBe(false);
    expect(() => parseDuration(undefined as unknown as string)).toThrow();
  });
});

describe('formatDuration and scaleDuration', () => {
  it.each([
    ['PT5M', 1, 'PT5M'],
    ['PT5M', 2, 'PT10M'],
    ['PT1H', 4, 'PT4H'],
    ['P1M', 2, 'P2M'],
    ['P1Y6M', 2, 'P2Y12M'],
    ['PT1H', 0, 'P0D'],
  ])('%s × %i = %s', (d, k, expected) => {
    expect(formatDuration(scaleDuration(d, k))).toBe(expected);
  });

  it('refuses a fractional or negative factor', () => {
    expect(() => scaleDuration('PT1H', 1.5)).toThrow();
    expect(() => scaleDuration('PT1H', -1)).toThrow();
  });
});

describe('addDuration (calendar arithmetic, Regulation 1182/71)', () => {
  it.each([
    // months: same day, or the last day of a shorter month
    ['2025-01-31T10:00:00.000Z', 'P1M', '2025-02-28T10:00:00.000Z'],
    ['2024-01-31T10:00:00.000Z', 'P1M', '2024-02-29T10:00:00.000Z'],
    ['2025-03-31T00:00:00.000Z', 'P1M', '2025-04-30T00:00:00.000Z'],
    ['2025-01-15T08:30:00.000Z', 'P1M', '2025-02-15T08:30:00.000Z'],
    ['2025-11-30T12:00:00.000Z', 'P3M', '2026-02-28T12:00:00.000Z'],
    ['2025-12-31T23:59:59.000Z', 'P2M', '2026-02-28T23:59:59.000Z'],
    ['2025-01-31T00:00:00.000Z', 'P2M', '2025-03-31T00:00:00.000Z'],
    // years likewise
    ['2024-02-29T09:00:00.000Z', 'P1Y', '2025-02-28T09:00:00.000Z'],
    ['2024-02-29T09:00:00.000Z', 'P4Y', '2028-02-29T09:00:00.000Z'],
    ['2025-06-30T00:00:00.000Z', 'P10Y', '2035-06-30T00:00:00.000Z'],
    ['2024-08-31T00:00:00.000Z', 'P1Y6M', '2026-02-28T00:00:00.000Z'],
    // weeks, days and time are exact
    ['2025-02-20T00:00:00.000Z', 'P2W', '2025-03-06T00:00:00.000Z'],
    ['2024-02-28T00:00:00.000Z', 'P1D', '2024-02-29T00:00:00.000Z'],
    ['2025-01-01T23:30:00.000Z', 'PT1H', '2025-01-02T00:30:00.000Z'],
    ['2025-01-01T00:00:00.000Z', 'PT15M', '2025-01-01T00:15:00.000Z'],
    ['2025-01-01T00:00:59.500Z', 'PT2S', '2025-01-01T00:01:01.500Z'],
    // months first, then days: 31 Jan + P1M1D = 28 Feb + 1 day
    ['2025-01-31T00:00:00.000Z', 'P1M1D', '2025-03-01T00:00:00.000Z'],
  ])('%s + %s = %s', (from, d, expected) => {
    expect(addDuration(new Date(from), d).toISOString()).toBe(expected);
  });

  it('does not change the date it is given', () => {
    const d = new Date('2025-01-31T00:00:00.000Z');
    addDuration(d, 'P1M');
    expect(d.toISOString()).toBe('2025-01-31T00:00:00.000Z');
  });

  it('refuses an invalid date', () => {
    expect(() => addDuration(new Date('nope'), 'P1M')).toThrow();
  });
});

describe('durationToMillis', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['PT2S', 2000],
    ['P1W', 7 * 86_400_000],
    ['P1DT1M', 86_400_000 + 60_000],
  ])('%s = %i ms', (d, ms) => expect(durationToMillis(d)).toBe(ms));

  it('refuses months and years, which have no fixed length', () => {
    expect(() => durationToMillis('P1M')).toThrow('no fixed length');
  });
});

describe('durationInWords', () => {
  it.each([
    ['P10Y', 'fr-FR', '10 ans'],
    ['P1Y', 'fr-FR', '1 an'],
    ['P13M', 'fr-FR', '13 mois'],
    ['P1Y6M', 'fr-FR', '1 an et 6 mois'],
    ['P1Y2M3D', 'fr-FR', '1 an, 2 mois et 3 jours'],
    ['P10Y', 'en-GB', '10 years'],
    ['P1M', 'en-GB', '1 month'],
    ['P2W', 'en-GB', '2 weeks'],
  ])('%s in %s is "%s"', (iso, locale, words) => {
    expect(durationInWords(iso, locale)).toBe(words);
  });
});

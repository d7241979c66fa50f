/**
 * ISO 8601 durations (`P1M`, `P10Y`, `PT1H`, `P2W`, `P1Y6M`, `PT15M`) and calendar
 * arithmetic on them. Every period of the policy file is one of these.
 *
 * Months and years are calendar months and years, as Regulation (EEC, Euratom)
 * No 1182/71 on periods, dates and time limits counts them (art. 3(2)(c)): a period ends
 * on the same day of the month as the day it started from; when that day does not exist
 * in the last month, on the last day of that month (31 January + P1M = 28 February, or
 * 29 in a leap year; 29 February + P1Y = 28 February). Calendar fields are taken in UTC,
 * like every timestamp the services store.
 *
 * Components are whole numbers: durations are never floats (docs/conventions.md).
 */

export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

export class DurationError extends Error {}

const DAY_MS = 86_400_000;

// P[nY][nM][nW][nD][T[nH][nM][nS]], at least one component, `T` followed by at least one.
// Six digits per component at most: enough for any legal period, and no overflow.
const ISO_DURATION =
  /^P(?!$)(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;

export const ZERO_DURATION: Duration = Object.freeze({
  years: 0,
  months: 0,
  weeks: 0,
  days: 0,
  hours: 0,
  minutes: 0,
  seconds: 0,
});

/** Parses an ISO 8601 duration; throws `DurationError` for anything else. */
export function parseDuration(text: string): Duration {
  const m = typeof text === 'string' ? ISO_DURATION.exec(text) : null;
  if (!m) throw new DurationError(`not an ISO 8601 duration: ${JSON.stringify(text)}`);
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  return Object.freeze({
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
  });
}

export function isIsoDuration(value: unknown): value is string {
  return typeof value === 'string' && ISO_DURATION.test(value);
}

export function isZeroDuration(d: Duration): boolean {
  return Object.values(d).every((v) => v === 0);
}

/** The canonical text of a duration (`P0D` for zero). */
export function formatDuration(d: Duration): string {
  const date = `${d.years ? `${d.years}Y` : ''}${d.months ? `${d.months}M` : ''}${d.weeks ? `${d.weeks}W` : ''}${d.days ? `${d.days}D` : ''}`;
  const time = `${d.hours ? `${d.hours}H` : ''}${d.minutes ? `${d.minutes}M` : ''}${d.seconds ? `${d.seconds}S` : ''}`;
  if (!date && !time) return 'P0D';
  return `P${date}${time ? `T${time}` : ''}`;
}

/** Every component multiplied by a whole factor (retry backoff: PT5M × 2 = PT10M, P1M × 2 = P2M). */
export function scaleDuration(d: Duration | string, factor: number): Duration {
  if (!Number.isSafeInteger(factor) || factor < 0)
    throw new DurationError(`a duration can only be scaled by a whole factor ≥ 0, not ${factor}`);
  const x = typeof d === 'string' ? parseDuration(d) : d;
  return Object.freeze({
    years: x.years * factor,
    months: x.months * factor,
    weeks: x.weeks * factor,
    days: x.days * factor,
    hours: x.hours * factor,
    minutes: x.minutes * factor,
    seconds: x.seconds * factor,
  });
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/**
 * `date + duration`: years and months in calendar arithmetic (the day is kept, or clamped
 * to the last day of the target month — Regulation 1182/71), then weeks and days as
 * calendar days, then hours, minutes and seconds. Returns a new Date.
 */
export function addDuration(date: Date, duration: Duration | string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new DurationError('addDuration needs a valid Date');
  const d = typeof duration === 'string' ? parseDuration(duration) : duration;
  const totalMonths = date.getUTCMonth() + d.years * 12 + d.months;
  const year = date.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = ((totalMonths % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const shifted = new Date(date.getTime());
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to the 1900s.
  shifted.setUTCFullYear(year, month, day);
  const ms = shifted.getTime() + (d.weeks * 7 + d.days) * DAY_MS + ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return new Date(ms);
}

/**
 * The length in milliseconds of a duration without calendar components (weeks and below):
 * for timers. Months and years have no fixed length and are refused.
 */
export function durationToMillis(duration: Duration | string): number {
  const d = typeof duration === 'string' ? parseDuration(duration) : duration;
  if (d.years || d.months)
    throw new DurationError(`${formatDuration(d)} has months or years, which have no fixed length: use addDuration`);
  return (d.weeks * 7 + d.days) * DAY_MS + ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
}

const UNITS: Record<'fr' | 'en', Record<keyof Duration, [string, string]>> = {
  fr: {
    years: ['an', 'ans'],
    months: ['mois', 'mois'],
    weeks: ['semaine', 'semaines'],
    days: ['jour', 'jours'],
    hours: ['heure', 'heures'],
    minutes: ['minute', 'minutes'],
    seconds: ['seconde', 'secondes'],
  },
  en: {
    years: ['year', 'years'],
    months: ['month', 'months'],
    weeks: ['week', 'weeks'],
    days: ['day', 'days'],
    hours: ['hour', 'hours'],
    minutes: ['minute', 'minutes'],
    seconds: ['second', 'seconds'],
  },
};

/**
 * A period in words for the subject (GDPR Art. 12(1): "clear and plain language"), not
 * ISO 8601: `P10Y` → "10 ans" / "10 years", `P1Y6M` → "1 an et 6 mois". French unless
 * the locale is English.
 */
export function durationInWords(duration: Duration | string, locale: string): string {
  const d = typeof duration === 'string' ? parseDuration(duration) : duration;
  const lang = locale.startsWith('en') ? 'en' : 'fr';
  const parts = (Object.keys(UNITS[lang]) as (keyof Duration)[])
    .filter((k) => d[k] > 0)
    .map((k) => `${d[k]} ${UNITS[lang][k][d[k] === 1 ? 0 : 1]}`);
  if (parts.length === 0) return lang === 'en' ? 'no time' : 'aucune durée';
  const and = lang === 'en' ? ' and ' : ' et ';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')}${and}${parts[parts.length - 1]}`;
}

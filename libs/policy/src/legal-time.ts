/**
 * Time limits counted as the law counts them, in the controller's own time zone
 * (`deadlines.timeZone`, Europe/Paris by default).
 *
 * Regulation (EEC, Euratom) No 1182/71 on periods, dates and time limits, art. 3:
 * - a period expressed in months starts on the day of the event (here: receipt by the
 *   controller, GDPR Art. 12(3)) and ends "with the expiry of the last hour of the day"
 *   which, in the last month, has the same date as that day; if that date does not exist
 *   in the last month, with the expiry of the last hour of that month's last day
 *   (art. 3(2)(c)): received 31 January → due at the end of 28 (or 29) February;
 * - "the day" is the controller's local day: a request received at 00:30 in Paris on
 *   1 February (23:30 UTC on 31 January) is received on 1 February.
 *
 * The working-day rule of art. 3(4) (a period ending on a Saturday, Sunday or public
 * holiday ends on the next working day) is not applied: answering by the calendar date is
 * never late, and the public holidays are not configuration here.
 *
 * Computed with Luxon (IANA time zones, calendar months clamped to the month's last day).
 */
import { DateTime, IANAZone } from 'luxon';
import { addDuration, parseDuration, type Duration } from './duration';

/** The controller's time zone when the policy names none (a French controller). */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

export function isTimeZone(value: unknown): value is string {
  return typeof value === 'string' && IANAZone.isValidZone(value);
}

/** What the due date counts from: receipt, the calendar days the clock was suspended, an extension in months. */
export interface ClockFacts {
  readonly receivedAt: Date;
  /** Whole calendar days the time limit stood still (décret 2019-536 art. 77), all suspensions together. */
  readonly suspendedDays?: number | null;
  /** An Art. 12(3) extension, in months (counted from receipt, like the first month). */
  readonly extensionMonths?: number | null;
}

const hasTime = (d: Duration) => d.hours !== 0 || d.minutes !== 0 || d.seconds !== 0;

/**
 * The end of the legal day on which `period` (plus any extension) ends, counted from the
 * local day of receipt moved by the suspended days. A period with hours, minutes or
 * seconds (tests only) is added to the instant instead: such a period has no "day".
 */
export function legalDueAt(facts: ClockFacts, period: string | Duration, zone: string = DEFAULT_TIME_ZONE): Date {
  const d = typeof period === 'string' ? parseDuration(period) : period;
  const months = d.months + (facts.extensionMonths ?? 0);
  const days = facts.suspendedDays ?? 0;
  if (hasTime(d)) return addDuration(facts.receivedAt, { ...d, months, days: d.days + days });
  const local = DateTime.fromJSDate(facts.receivedAt, { zone });
  if (!local.isValid) throw new RangeError(`invalid time zone or date: ${zone}`);
  return (
    local
      .startOf('day')
      .plus({ days })
      // Luxon adds years and months on the calendar and clamps to the month's last day (art. 3(2)(c)).
      .plus({ years: d.years, months, weeks: d.weeks, days: d.days })
      .endOf('day')
      .toJSDate()
  );
}

/** Whole calendar days, in the controller's time zone, from the day `from` falls on to the day `to` falls on (0 on the same day). */
export function calendarDaysBetween(from: Date, to: Date, zone: string = DEFAULT_TIME_ZONE): number {
  const a = DateTime.fromJSDate(from, { zone }).startOf('day');
  const b = DateTime.fromJSDate(to, { zone }).startOf('day');
  return Math.max(0, Math.round(b.diff(a, 'days').days));
}

/** The local calendar date (YYYY-MM-DD) of an instant in the controller's time zone. */
export function localDate(at: Date, zone: string = DEFAULT_TIME_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toISODate() ?? at.toISOString().slice(0, 10);
}

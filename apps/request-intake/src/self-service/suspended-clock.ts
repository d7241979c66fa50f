/**
 * The suspended clock, pure. While a request waits for the subject's proof of identity, its
 * time limit stands still (décret 2019-536 art. 77: the period is suspended while the
 * information asked of the requester is awaited; policy `verification.suspendDeadline`).
 * When the proof arrives, the period restarts from receipt moved by the calendar days it
 * stood still, counted in calendar months (Regulation 1182/71 art. 3(2)(c)):
 * received 30 January, suspended 3 days → counted from 2 February → due 2 March (not
 * 28 February + 3 days).
 */
import { addDuration, parseDuration } from '@datarights/policy';

const DAY_MS = 86_400_000;
const utcDay = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

/** Calendar days (UTC dates) from the day the proof was asked to the day it arrived; the same day is 0. */
export function suspendedDays(suspendedAt: Date, resumedAt: Date): number {
  return Math.max(0, Math.round((utcDay(resumedAt) - utcDay(suspendedAt)) / DAY_MS));
}

/** The due date once the clock runs again: receipt + suspended days + the response period (+ any extension). */
export function resumedDueAt(
  r: { receivedAt: Date; extensionMonths: number | null },
  response: string,
  days: number,
): Date {
  const start = addDuration(r.receivedAt, { ...parseDuration('P0D'), days });
  const d = parseDuration(response);
  return addDuration(start, { ...d, months: d.months + (r.extensionMonths ?? 0) });
}

/** Whether a request that has waited since `suspendedAt` is past the policy's delay and closes as unverified. */
export function unverifiedBy(suspendedAt: Date, unverifiedAfter: string): Date {
  return addDuration(suspendedAt, unverifiedAfter);
}

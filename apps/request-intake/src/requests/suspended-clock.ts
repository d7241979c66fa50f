/**
 * The suspended clock, pure. While a request waits for information asked of the subject —
 * their proof of identity, or what the DPO asked them to specify — its time limit stands
 * still (décret 2019-536 art. 77: the period is suspended while the information asked of
 * the requester is awaited; policy `verification.suspendDeadline`). When the information
 * arrives, the period restarts from receipt moved by the calendar days (in the controller's
 * time zone) it stood still, all suspensions together, counted in calendar months and
 * ending with the last hour of the local day (Regulation 1182/71 art. 3(2)(c)):
 * received 30 January, suspended 3 days → counted from 2 February → due at the end of
 * 2 March (not 28 February + 3 days). An extension keeps the suspended days.
 */
import { addDuration, calendarDaysBetween, DEFAULT_TIME_ZONE, legalDueAt } from '@datarights/policy';

/** Calendar days (local dates) from the day the information was asked to the day it arrived; the same day is 0. */
export function suspendedDays(suspendedAt: Date, resumedAt: Date, zone: string = DEFAULT_TIME_ZONE): number {
  return calendarDaysBetween(suspendedAt, resumedAt, zone);
}

/**
 * The due date once the clock runs again: receipt + every suspended day so far (`days`:
 * the request's earlier suspensions and this one) + the response period (+ any extension).
 */
export function resumedDueAt(
  r: { receivedAt: Date; extensionMonths: number | null },
  response: string,
  days: number,
  zone: string = DEFAULT_TIME_ZONE,
): Date {
  return legalDueAt(
    { receivedAt: r.receivedAt, suspendedDays: days, extensionMonths: r.extensionMonths },
    response,
    zone,
  );
}

/** Whether a request that has waited since `suspendedAt` is past the policy's delay and closes as unverified. */
export function unverifiedBy(suspendedAt: Date, unverifiedAfter: string): Date {
  return addDuration(suspendedAt, unverifiedAfter);
}

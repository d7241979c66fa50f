/**
 * The deadline engine's rules, pure (GDPR Art. 12(3); months are calendar months counted
 * from the day of receipt and end with the last hour of the controller's local day,
 * Regulation 1182/71 art. 3(2)(c); days the clock stood still move the start, décret
 * 2019-536 art. 77 — libs/policy legalDueAt):
 * - the answer is due one month (`deadlines.response`) from receipt;
 * - it may be extended once, by one or two further months (at most `deadlines.extensionMax`),
 *   only while the first month runs, and the subject is told with the reasons;
 * - an open request is "due soon" within `deadlines.dueSoonWithin` of its due date, and
 *   overdue after it.
 */
import { addDuration, legalDueAt, parseDuration, type DeadlinesPolicy } from '@datarights/policy';

export type ExtensionCheck =
  | { ok: true; dueAt: Date; previousDueAt: Date; originalDueAt: Date }
  | { ok: false; conflict: boolean; reason: string };

export interface ExtensibleRequest {
  receivedAt: Date;
  dueAt: Date;
  extendedAt: Date | null;
  /** Days the clock stood still so far: an extension keeps them (décret 2019-536 art. 77). */
  suspendedDays: number;
}

/**
 * The due date after an extension by `months`: receipt (moved by the suspended days) +
 * response + months, all counted from the day of receipt (31 January + P1M + 2 months =
 * end of 30 April, not 28 April), at the end of the controller's local day.
 */
export function extendedDueAt(
  r: Pick<ExtensibleRequest, 'receivedAt' | 'suspendedDays'>,
  months: number,
  deadlines: Pick<DeadlinesPolicy, 'response' | 'timeZone'>,
): Date {
  return legalDueAt(
    { receivedAt: r.receivedAt, suspendedDays: r.suspendedDays, extensionMonths: months },
    deadlines.response,
    deadlines.timeZone,
  );
}

/** Whether an extension by `months` is allowed now, and the new due date. */
export function checkExtension(
  r: ExtensibleRequest,
  months: number,
  now: Date,
  deadlines: Pick<DeadlinesPolicy, 'response' | 'extensionMax' | 'timeZone'>,
): ExtensionCheck {
  if (r.extendedAt)
    return {
      ok: false,
      conflict: true,
      reason: 'the deadline was already extended (Art. 12(3) allows one extension of up to two further months)',
    };
  if (now.getTime() >= r.dueAt.getTime()) {
    return {
      ok: false,
      conflict: true,
      reason: `the first month ended on ${r.dueAt.toISOString()}: an extension must be told to the subject within it (Art. 12(3))`,
    };
  }
  const asked = addDuration(r.receivedAt, { ...parseDuration('P0D'), months });
  if (asked.getTime() > addDuration(r.receivedAt, deadlines.extensionMax).getTime()) {
    return {
      ok: false,
      conflict: false,
      reason: `an extension of ${months} month${months === 1 ? '' : 's'} exceeds the policy's deadlines.extensionMax (${deadlines.extensionMax})`,
    };
  }
  return {
    ok: true,
    dueAt: extendedDueAt(r, months, deadlines),
    previousDueAt: r.dueAt,
    originalDueAt: r.dueAt,
  };
}

/** The end of the due-soon window from now. */
export function dueSoonUntil(now: Date, deadlines: Pick<DeadlinesPolicy, 'dueSoonWithin'>): Date {
  return addDuration(now, deadlines.dueSoonWithin);
}

export type DeadlineState = 'overdue' | 'due-soon' | 'on-time' | 'closed';

export function deadlineState(
  r: { dueAt: Date; closedAt: Date | null },
  now: Date,
  deadlines: Pick<DeadlinesPolicy, 'dueSoonWithin'>,
): DeadlineState {
  if (r.closedAt) return 'closed';
  if (r.dueAt.getTime() < now.getTime()) return 'overdue';
  return r.dueAt.getTime() < dueSoonUntil(now, deadlines).getTime() ? 'due-soon' : 'on-time';
}

/** Which event the deadline check publishes for a request, once per due date (or none). */
export function deadlineEvent(
  r: { dueAt: Date; closedAt: Date | null; dueSoonNotifiedFor: Date | null; overdueNotifiedFor: Date | null },
  now: Date,
  deadlines: Pick<DeadlinesPolicy, 'dueSoonWithin'>,
): 'requestOverdue' | 'requestDeadlineApproaching' | undefined {
  const state = deadlineState(r, now, deadlines);
  const same = (a: Date | null) => a !== null && a.getTime() === r.dueAt.getTime();
  if (state === 'overdue' && !same(r.overdueNotifiedFor)) return 'requestOverdue';
  if (state === 'due-soon' && !same(r.dueSoonNotifiedFor)) return 'requestDeadlineApproaching';
  return undefined;
}

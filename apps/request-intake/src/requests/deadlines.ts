/**
 * The deadline engine's rules, pure (GDPR Art. 12(3); months are calendar months counted
 * from the day of receipt, Regulation 1182/71 art. 3(2)(c)):
 * - the answer is due one month (`deadlines.response`) from receipt;
 * - it may be extended once, by one or two further months (at most `deadlines.extensionMax`),
 *   only while the first month runs, and the subject is told with the reasons;
 * - an open request is "due soon" within `deadlines.dueSoonWithin` of its due date, and
 *   overdue after it.
 */
import { addDuration, parseDuration, type DeadlinesPolicy } from '@datarights/policy';

export type ExtensionCheck =
  | { ok: true; dueAt: Date; previousDueAt: Date; originalDueAt: Date }
  | { ok: false; conflict: boolean; reason: string };

export interface ExtensibleRequest {
  receivedAt: Date;
  dueAt: Date;
  extendedAt: Date | null;
}

/**
 * The due date after an extension by `months`: receipt + response + months, all counted
 * from the day of receipt (31 January + P1M + 2 months = 31 March, not 28 March).
 */
export function extendedDueAt(receivedAt: Date, response: string, months: number): Date {
  const d = parseDuration(response);
  return addDuration(receivedAt, { ...d, months: d.months + months });
}

/** Whether an extension by `months` is allowed now, and the new due date. */
export function checkExtension(
  r: ExtensibleRequest,
  months: number,
  now: Date,
  deadlines: Pick<DeadlinesPolicy, 'response' | 'extensionMax'>,
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
    dueAt: extendedDueAt(r.receivedAt, deadlines.response, months),
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

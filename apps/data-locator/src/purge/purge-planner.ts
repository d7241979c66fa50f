/**
 * Pure part of the purge (issue 14; storage limitation, Art. 5(1)(e)): for a purged
 * category, the periods to wait for, the query's pre-filter on each start, and which
 * candidates are due, per libs/policy `purgeDue` (each period from the record's own
 * reported start, at the end of that day in the controller's time zone).
 */
import { DateTime } from 'luxon';
import {
  RETENTION_DATE_ANCHORS,
  type PlanItem,
  retentionDatesByAnchor,
  type LinkedSubjectKeys,
  type RetentionDateField,
} from '@datarights/contracts';
import {
  erasureDecision,
  parseDuration,
  purgeDue,
  purgePeriods,
  recordRetention,
  type CategoryRule,
  type Policy,
  type RetentionRule,
} from '@datarights/policy';
import type { PurgeCandidate } from './purge.repository';

/** Policy anchor → the data events' RetentionDates field (`end-of-contract` is `contract-end`'s older name). */
const FIELD_OF: Readonly<Record<string, RetentionDateField>> = {
  ...Object.fromEntries(Object.entries(RETENTION_DATE_ANCHORS).map(([field, anchor]) => [anchor, field])),
  'end-of-contract': 'contractEnd',
};

export interface PurgeRule {
  periods: RetentionRule[];
  /** Per period, the field its start is reported in and the latest start that can be over by `now`. */
  starts: { field: string; before: Date }[];
}

/**
 * The category's periods and the query's pre-filter: a start before the beginning of the
 * day one period and one day before `now` is certainly over (the exact rule is `due`), so
 * a run never takes, again and again, records that are not due yet.
 */
export function purgeRule(
  rule: Pick<CategoryRule, 'retention' | 'retentions' | 'limit'>,
  now: Date,
  zone: string,
  periods: RetentionRule[] = purgePeriods(rule),
): PurgeRule {
  const starts = periods.map((p) => {
    const d = parseDuration(p.period);
    const before = DateTime.fromJSDate(now, { zone })
      .minus({ years: d.years, months: d.months, weeks: d.weeks, days: d.days + 1 })
      .startOf('day')
      .toJSDate();
    return { field: FIELD_OF[p.from], before };
  });
  return { periods, starts };
}

export function due(
  periods: readonly RetentionRule[],
  c: Pick<PurgeCandidate, 'retentionDates'>,
  now: Date,
  zone: string,
): boolean {
  return purgeDue(periods, retentionDatesByAnchor(c.retentionDates), now, zone);
}

/** The record's keys as an erase command carries them; undefined when the index holds none. */
export function keysOf(c: Pick<PurgeCandidate, 'email' | 'customerId' | 'phone'>): LinkedSubjectKeys | undefined {
  const keys: LinkedSubjectKeys = {};
  if (c.email) keys.email = [c.email];
  if (c.customerId) keys.customerId = [c.customerId];
  if (c.phone) keys.phone = [c.phone];
  return Object.keys(keys).length > 0 ? keys : undefined;
}

/**
 * The records of an erasure plan held until a start that has not happened yet (the
 * contract still runs: LCEN art. 6 counts five years from its end): the purge watches them
 * and erases each once its system reports the start and the period from it is over.
 */
export function startPendingRecords(
  policy: Pick<Policy, 'categories'>,
  items: readonly PlanItem[],
  now: Date,
): { systemId: string; recordRef: string; category: string }[] {
  const out: { systemId: string; recordRef: string; category: string }[] = [];
  for (const item of items) {
    if (item.role === 'processor') continue;
    for (const r of item.recordDates ?? []) {
      const decision = erasureDecision(policy, r.category);
      if (decision.action !== 'retain') continue;
      const retention = recordRetention(decision.retentions, retentionDatesByAnchor(r.retentionDates), now);
      if (retention.action === 'hold-until-start')
        out.push({ systemId: item.systemId, recordRef: r.recordRef, category: r.category });
    }
  }
  return out;
}

/**
 * The purge: the policy's limits enforced outside any request (storage limitation, GDPR
 * Art. 5(1)(e)). A record of a purged category is erased once every period that applies to
 * it is over, each counted from the record's own start (`retentionDates` of its data
 * events): its legal obligations (`retention`, Art. 17(3)(b)) and its maximum (`limit`),
 * e.g. a prospect three years after the last contact from the prospect (CNIL référentiel
 * "gestion commerciale", délibération 2021-130), connection data one year after the
 * connection (décret 2021-1362). A start the system did not report is never assumed: such
 * a record is not purged (never too early).
 *
 *   purge:
 *     categories: [prospection, connection]
 */
import { IsArray, IsOptional, Matches } from 'class-validator';
import { DateTime } from 'luxon';
import { parseDuration } from './duration';
import { DEFAULT_TIME_ZONE } from './legal-time';
import type { CategoryRule, RetentionRule } from './policy.model';
import { recordRetention, type RetentionDates } from './record-retention';

export class PurgePolicy {
  /** The categories whose records are erased once their periods are over, request or not. */
  @IsOptional()
  @IsArray({ message: 'must be a list of categories' })
  @Matches(/^[a-z][a-z0-9-]{0,62}$/, { each: true, message: 'each category must be a lowercase slug' })
  categories: string[];
}

export function normalisePurge(p: PurgePolicy | undefined): PurgePolicy {
  const out = Object.assign(new PurgePolicy(), p ?? {});
  out.categories ??= [];
  return out;
}

/** Every period of a category the purge waits for: its obligations and its limit (a limit has no Art. 17(3) ground). */
export function purgePeriods(rule: Pick<CategoryRule, 'retention' | 'retentions' | 'limit'>): RetentionRule[] {
  const obligations = rule.retentions ?? (rule.retention ? [rule.retention].flat() : []);
  const limit = rule.limit
    ? [{ period: rule.limit.period, from: rule.limit.from, ground: 'Art. 5(1)(e)', legalText: rule.limit.legalText }]
    : [];
  return [...obligations, ...limit];
}

/** Whether a record is past every period (none: never — a category without a period is not purged). */
export function purgeDue(
  periods: readonly RetentionRule[],
  dates: RetentionDates | undefined,
  now: Date,
  zone: string = DEFAULT_TIME_ZONE,
): boolean {
  if (periods.length === 0) return false;
  // A start not reported counts from now: its period is not over, so the record is kept.
  return recordRetention(periods, dates, now, now, zone).action === 'erase';
}

/** The latest start a record may have for `period` to be over at `now` (a conservative pre-filter for a query). */
export function startCutoff(period: string, now: Date, zone: string = DEFAULT_TIME_ZONE): Date {
  const d = parseDuration(period);
  return DateTime.fromJSDate(now, { zone })
    .minus({ years: d.years, months: d.months, weeks: d.weeks, days: d.days })
    .toJSDate();
}

/**
 * How long one record is kept, from its own dates (GDPR Art. 17(3)(b), (e); the policy's
 * `retention` rules). Each period runs from its own start on each record: an invoice of
 * 2023 is kept ten years from the end of the 2023 financial year (Code de commerce
 * L123-22), not ten years from the erasure request; connection data one year from the
 * connection (décret 2021-1362). So, for a record:
 * - every obligation whose start has happened ends at start + period, at the end of that
 *   day in the controller's time zone (Regulation 1182/71 art. 3(2)(c));
 * - an obligation whose start has not happened yet (the contract still runs) keeps the
 *   record until it happens, then for its period: the record is held with no end date;
 * - the record is kept to the latest end; if every end is past, it is erased now.
 *
 * The dates come from the system holding the record (`retentionDates` of its data events).
 * A start the system does not give is counted from `fallback` (the date of the request):
 * later than the real start, so a hold never ends too early.
 */
import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE } from './legal-time';
import { parseDuration } from './duration';
import type { RetentionAnchor, RetentionRule } from './policy.model';

/** The dates a rule may start from, per record, as a system reports them (ISO 8601; null: not happened yet). */
export type RetentionDates = Partial<Record<RetentionAnchor, string | null>>;

/** `end-of-contract` is `contract-end`'s older name. */
const SAME_AS: Partial<Record<RetentionAnchor, RetentionAnchor>> = { 'end-of-contract': 'contract-end' };

export interface ObligationEnd {
  readonly rule: Readonly<RetentionRule>;
  /** When the period starts on this record; null: its start event has not happened yet. */
  readonly start: Date | null;
  /** How the start was known: the record's own date, or the fallback (the request). */
  readonly startFrom: 'record' | 'fallback' | 'not-yet';
  /** The end of the legal day the period ends; null while the start has not happened. */
  readonly until: Date | null;
}

export type RecordRetention =
  /** Every obligation is over (or there is none): erase now. */
  | { readonly action: 'erase'; readonly obligations: readonly ObligationEnd[] }
  /** Held to `until` (the latest end), restricted meanwhile; `by` is the obligation that ends last. */
  | {
      readonly action: 'hold';
      readonly until: Date;
      readonly by: ObligationEnd;
      readonly obligations: readonly ObligationEnd[];
    }
  /** An obligation's start has not happened (an active contract): held with no end date until it does. */
  | {
      readonly action: 'hold-until-start';
      readonly waitingFor: ObligationEnd;
      readonly obligations: readonly ObligationEnd[];
    };

/** The start of one obligation on this record. */
function startOf(
  rule: RetentionRule,
  dates: RetentionDates | undefined,
  fallback: Date,
): { start: Date | null; startFrom: ObligationEnd['startFrom'] } {
  const anchor = SAME_AS[rule.from] ?? rule.from;
  const given = dates ? (Object.hasOwn(dates, anchor) ? dates[anchor] : dates[rule.from]) : undefined;
  if (given === null) return { start: null, startFrom: 'not-yet' };
  if (typeof given === 'string' && !Number.isNaN(Date.parse(given)))
    return { start: new Date(given), startFrom: 'record' };
  return { start: fallback, startFrom: 'fallback' };
}

/** start + period, at the end of that local day (Regulation 1182/71 art. 3(2)(c)). */
export function periodEnd(start: Date, period: string, zone: string = DEFAULT_TIME_ZONE): Date {
  const d = parseDuration(period);
  return DateTime.fromJSDate(start, { zone })
    .startOf('day')
    .plus({ years: d.years, months: d.months, weeks: d.weeks, days: d.days })
    .endOf('day')
    .toJSDate();
}

/** What the policy's obligations mean for one record, now. */
export function recordRetention(
  rules: readonly Readonly<RetentionRule>[],
  dates: RetentionDates | undefined,
  now: Date,
  fallback: Date = now,
  zone: string = DEFAULT_TIME_ZONE,
): RecordRetention {
  const obligations: ObligationEnd[] = rules.map((rule) => {
    const { start, startFrom } = startOf(rule, dates, fallback);
    return { rule, start, startFrom, until: start ? periodEnd(start, rule.period, zone) : null };
  });
  const waiting = obligations.find((o) => o.start === null);
  if (waiting) return { action: 'hold-until-start', waitingFor: waiting, obligations };
  let last: ObligationEnd | undefined;
  for (const o of obligations) if (!last || o.until!.getTime() > last.until!.getTime()) last = o;
  if (!last || last.until!.getTime() <= now.getTime()) return { action: 'erase', obligations };
  return { action: 'hold', until: last.until!, by: last, obligations };
}

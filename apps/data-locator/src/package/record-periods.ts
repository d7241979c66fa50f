/**
 * The period actually applied to each record of an access package (GDPR Art. 15(1)(d);
 * issue 14): each obligation and limit of the record's category, counted from the record's
 * own dates as its system reported them (the end of an invoice's financial year, the
 * connection, the end of the contract...), so the subject reads "kept until 31 December
 * 2033", not a rule. A record whose system reported no date for a period is left to the
 * category's own text. Rendered as `retention.csv` (every record) and a section of
 * `summary.md` (the first RECORD_LINES_MAX records, in words).
 */
import {
  anchorInWords,
  dateInWords,
  durationInWords,
  inLocale,
  recordRetention,
  ruleFor,
  type Policy,
  type RetentionRule,
} from '@datarights/policy';
import { retentionDatesByAnchor } from '@datarights/contracts';
import { csvLine } from './csv';
import { langOf } from './package-summary';

/** One record of the subject with its reported dates (from the index). */
export interface DatedRecordOf {
  systemId: string;
  recordRef: string;
  category: string;
  retentionDates: Record<string, string | null>;
}

export interface RecordPeriod {
  systemId: string;
  recordRef: string;
  category: string;
  /** The end of the legal day it is kept to; null while the start has not happened. */
  keptUntil: string | null;
  /** The anchor whose event has not happened yet (the contract runs). */
  startPending: string | null;
  period: string;
  from: string;
  legalText: string;
}

export const RECORD_LINES_MAX = 50;

/** The periods the policy applies to the category: its obligations and its limit. */
function periodsOf(policy: Pick<Policy, 'categories'>, category: string): RetentionRule[] {
  const rule = ruleFor(policy, category)?.rule;
  if (!rule) return [];
  const limit = rule.limit
    ? [{ period: rule.limit.period, from: rule.limit.from, ground: 'Art. 5(1)(e)', legalText: rule.limit.legalText }]
    : [];
  return [...(rule.retentions ?? []), ...limit];
}

export function recordPeriods(
  policy: Pick<Policy, 'categories'>,
  records: readonly DatedRecordOf[],
  now: Date,
  zone?: string,
): RecordPeriod[] {
  const out: RecordPeriod[] = [];
  for (const r of records) {
    const periods = periodsOf(policy, r.category);
    if (periods.length === 0) continue;
    const res = recordRetention(periods, retentionDatesByAnchor(r.retentionDates), now, now, zone);
    // A period whose start the system did not report: the category's own text says it.
    if (res.obligations.some((o) => o.startFrom === 'fallback')) continue;
    const base = { systemId: r.systemId, recordRef: r.recordRef, category: r.category };
    if (res.action === 'hold-until-start') {
      const rule = res.waitingFor.rule;
      out.push({
        ...base,
        keptUntil: null,
        startPending: rule.from,
        period: rule.period,
        from: rule.from,
        legalText: rule.legalText,
      });
      continue;
    }
    const last = res.obligations.reduce((a, b) => (b.until!.getTime() > a.until!.getTime() ? b : a));
    out.push({
      ...base,
      keptUntil: last.until!.toISOString(),
      startPending: null,
      period: last.rule.period,
      from: last.rule.from,
      legalText: last.rule.legalText,
    });
  }
  return out;
}

/** `retention.csv`: one line per record. */
export function recordPeriodsCsv(periods: readonly RecordPeriod[]): string {
  const columns = [
    'system',
    'recordRef',
    'category',
    'keptUntil',
    'startPending',
    'period',
    'from',
    'legalText',
  ] as const;
  const lines = [csvLine([...columns])];
  for (const p of periods)
    lines.push(
      csvLine([
        p.systemId,
        p.recordRef,
        p.category,
        p.keptUntil ?? '',
        p.startPending ?? '',
        p.period,
        p.from,
        p.legalText,
      ]),
    );
  return lines.join('');
}

const TEXT = {
  fr: {
    title: '## Durée appliquée à chaque enregistrement (d)',
    until: (date: string, period: string, from: string, text: string) =>
      `conservé jusqu'au ${date} (${period} à compter de ${from}, ${text})`,
    pending: (period: string, from: string, text: string) =>
      `conservé ${period} à compter de ${from}, qui n'a pas encore eu lieu (${text})`,
    more: (n: number) => `… et ${n} autre${n > 1 ? 's' : ''} : la liste complète est dans \`retention.csv\`.`,
  },
  en: {
    title: '## The period applied to each record (d)',
    until: (date: string, period: string, from: string, text: string) =>
      `kept until ${date} (${period} from ${from}, ${text})`,
    pending: (period: string, from: string, text: string) =>
      `kept ${period} from ${from}, which has not happened yet (${text})`,
    more: (n: number) => `… and ${n} more: the full list is in \`retention.csv\`.`,
  },
} as const;

/** The summary's section: the first records in words (none: no section). */
export function recordPeriodLines(
  policy: Pick<Policy, 'categories'>,
  periods: readonly RecordPeriod[],
  locale: string,
): string[] {
  if (periods.length === 0) return [];
  const lang = langOf(locale);
  const t = TEXT[lang];
  const out: string[] = [t.title, ''];
  for (const p of periods.slice(0, RECORD_LINES_MAX)) {
    const rule = ruleFor(policy, p.category)?.rule;
    const name = inLocale(rule?.label, locale) ?? rule?.description ?? p.category;
    const from = anchorInWords(p.from, locale);
    const period = durationInWords(p.period, locale);
    const what = p.keptUntil
      ? t.until(dateInWords(p.keptUntil, locale), period, from, p.legalText)
      : t.pending(period, from, p.legalText);
    out.push(`- ${name}, ${p.recordRef} (${p.systemId})${lang === 'fr' ? ' : ' : ': '}${what}`);
  }
  if (periods.length > RECORD_LINES_MAX) out.push('', t.more(periods.length - RECORD_LINES_MAX));
  out.push('');
  return out;
}

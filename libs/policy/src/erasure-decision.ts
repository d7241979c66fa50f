/**
 * What an erasure request (GDPR Art. 17) does to one category of data, per the policy:
 * erase it "without undue delay" (Art. 17(1)), or keep it under a legal obligation until
 * its period ends (Art. 17(3)(b)), restricted meanwhile (Art. 18; docs/gdpr-rules.md "While a
 * period runs, data kept for it is restricted").
 */
import { addDuration } from './duration';
import { ruleFor } from './request-effects';
import { DEFAULT_CATEGORY, type Policy, type RetentionRule, type StorageLimit } from './policy.model';

export type ErasureDecision =
  | { readonly action: 'erase'; readonly rule: string; readonly limit?: Readonly<StorageLimit> }
  | {
      readonly action: 'retain';
      readonly rule: string;
      /** The obligation that keeps the data longest (the hold's end). */
      readonly retention: Readonly<RetentionRule>;
      /** Every obligation of the rule (several texts may apply to one category). */
      readonly retentions: readonly Readonly<RetentionRule>[];
    };

/** A fixed start, to compare periods of calendar months and years (P10Y > P6Y > P5Y > P1Y). */
const REFERENCE = new Date('2000-01-31T00:00:00.000Z');

/** The longest of several retention rules, from the same start (the first one on a tie). */
export function longestRetention<R extends Pick<RetentionRule, 'period'>>(rules: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const r of rules) {
    if (!best || addDuration(REFERENCE, r.period).getTime() > addDuration(REFERENCE, best.period).getTime()) best = r;
  }
  return best;
}

/** The category's own rule, or the `default` one; `rule` says which applied. */
export function erasureDecision(policy: Pick<Policy, 'categories'>, category: string): ErasureDecision {
  const found = ruleFor(policy, category);
  // A validated policy always has `default`; erasing is Art. 17(1)'s own rule otherwise.
  if (!found) return { action: 'erase', rule: DEFAULT_CATEGORY };
  const { name, rule } = found;
  const retentions = rule.retentions ?? (rule.retention ? [rule.retention].flat() : []);
  const longest = longestRetention(retentions);
  if (rule.action === 'erase' || !longest)
    return rule.limit ? { action: 'erase', rule: name, limit: rule.limit } : { action: 'erase', rule: name };
  return { action: 'retain', rule: name, retention: longest, retentions };
}

/**
 * What an erasure request (GDPR Art. 17) does to one category of data, per the policy:
 * erase it "without undue delay" (Art. 17(1)), or keep it under a legal obligation until
 * its period ends (Art. 17(3)(b)), restricted meanwhile (Art. 18; GDPR-RULES.md "While a
 * period runs, data kept for it is restricted").
 */
import { DEFAULT_CATEGORY, type Policy, type RetentionRule } from './policy.model';

export type ErasureDecision =
  | { readonly action: 'erase'; readonly rule: string }
  | { readonly action: 'retain'; readonly rule: string; readonly retention: Readonly<RetentionRule> };

/** The category's own rule, or the `default` one; `rule` says which applied. */
export function erasureDecision(policy: Pick<Policy, 'categories'>, category: string): ErasureDecision {
  const own = policy.categories.get(category);
  const rule = own ?? policy.categories.get(DEFAULT_CATEGORY);
  const ruleName = own ? category : DEFAULT_CATEGORY;
  // A validated policy always has `default`; erasing is Art. 17(1)'s own rule otherwise.
  if (!rule || rule.action === 'erase') return { action: 'erase', rule: ruleName };
  return { action: 'retain', rule: ruleName, retention: rule.retention! };
}

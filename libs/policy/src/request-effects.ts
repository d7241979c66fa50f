/**
 * Policy evaluation: which rule applies to a category, and what each request type does to
 * it (erasure: erase | retain; access and portability: include | exclude; restriction,
 * objection and rectification: apply | not-applicable). Pure.
 */
import {
  DEFAULT_CATEGORY,
  DEFAULT_EFFECTS,
  type CategoryRule,
  type Policy,
  type PolicyRequestType,
  type RequestEffect,
} from './policy.model';

/** The category's own rule, or the `default` one; undefined only for a policy without `default` (never a validated one). */
export function ruleFor(
  policy: Pick<Policy, 'categories'>,
  category: string,
): { name: string; rule: CategoryRule } | undefined {
  const own = policy.categories.get(category);
  if (own) return { name: category, rule: own };
  const fallback = policy.categories.get(DEFAULT_CATEGORY);
  return fallback ? { name: DEFAULT_CATEGORY, rule: fallback } : undefined;
}

/** What a request of this type does to this category. */
export function effectOf<T extends PolicyRequestType>(
  policy: Pick<Policy, 'categories'>,
  requestType: T,
  category: string,
): RequestEffect<T> {
  const rule = ruleFor(policy, category)?.rule;
  if (!rule)
    return (
      requestType === 'erasure' ? 'erase' : DEFAULT_EFFECTS[requestType as Exclude<T, 'erasure'>]
    ) as RequestEffect<T>;
  if (requestType === 'erasure') return (rule.requests?.erasure ?? rule.action) as RequestEffect<T>;
  return (rule.requests?.[requestType] ?? DEFAULT_EFFECTS[requestType as Exclude<T, 'erasure'>]) as RequestEffect<T>;
}

/** The categories among these that a request of this type covers (access, portability: `include`; the others: not `not-applicable`). */
export function categoriesCovered(
  policy: Pick<Policy, 'categories'>,
  requestType: PolicyRequestType,
  categories: readonly string[],
): string[] {
  return categories.filter((c) => {
    const e = effectOf(policy, requestType, c);
    return e !== 'exclude' && e !== 'not-applicable';
  });
}

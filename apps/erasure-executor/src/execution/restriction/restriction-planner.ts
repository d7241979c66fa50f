/**
 * What a restriction (Art. 18(1)) means for each system of the plan, per the policy.
 * Pure: no I/O, unit-tested.
 */
import type { PlanItem } from '@datarights/contracts';
import { effectOf, type Policy } from '@datarights/policy';
import { perSystem, type PlannedAction } from '../actions/planned-action';

/** Art. 18(1): restrict commands (placed, with the subject's ground) to every system holding a category restriction applies to. */
export function planRestriction(
  policy: Pick<Policy, 'categories'>,
  items: readonly PlanItem[],
  ground: string,
  action: 'place' | 'lift' = 'place',
): PlannedAction[] {
  const concerned = (item: PlanItem) => item.categories.filter((c) => effectOf(policy, 'restriction', c) === 'apply');
  return perSystem(items, 'restrict', 'restrict', concerned, { ground, action });
}

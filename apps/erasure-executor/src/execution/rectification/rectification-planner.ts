/**
 * What a rectification (Art. 16) means for each system of the plan, per the policy.
 * Pure: no I/O, unit-tested.
 */
import type { PlanItem } from '@datarights/contracts';
import { effectOf, type Policy } from '@datarights/policy';
import { perSystem, type PlannedAction } from '../actions/planned-action';

/**
 * Art. 16: a rectify command with the same `changes` to every system holding a category
 * that holds one of the changed fields (the policy's `fields`) and that rectification
 * applies to. A field the policy does not map is looked for in every category rectification
 * applies to: the systems themselves know whether they hold it.
 */
export function planRectification(
  policy: Pick<Policy, 'categories' | 'fields'>,
  items: readonly PlanItem[],
  changes: Record<string, string>,
): PlannedAction[] {
  const mapped = Object.keys(changes).map((f) => (Object.hasOwn(policy.fields, f) ? policy.fields[f] : undefined));
  const anyCategory = mapped.some((c) => c === undefined);
  const fieldCategories = new Set(mapped.flatMap((c) => c ?? []));
  const concerned = (item: PlanItem) =>
    item.categories.filter(
      (c) => (anyCategory || fieldCategories.has(c)) && effectOf(policy, 'rectification', c) === 'apply',
    );
  return perSystem(items, 'rectify', 'rectify', concerned, { changes });
}

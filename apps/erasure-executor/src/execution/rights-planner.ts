/**
 * What a rectification (Art. 16), an objection (Art. 21) or a restriction (Art. 18) means
 * for each system of the plan, per the policy: one command per system holding a concerned
 * category, an escalation to the DPO where the system lacks the capability, a forward to
 * the controller for a processor system (Art. 28). Pure: no I/O, unit-tested.
 */
import type { Capability, PlanItem } from '@datarights/contracts';
import { effectOf, type Policy } from '@datarights/policy';
import { bySystem, type PlannedAction } from './erasure-planner';

type Kind = 'rectify' | 'suppress' | 'restrict';

/** One action per system for `categories(item)` (those the request concerns there). */
function perSystem(
  items: readonly PlanItem[],
  kind: Kind,
  capability: Capability,
  concerned: (item: PlanItem) => string[],
  params: Record<string, unknown>,
): PlannedAction[] {
  const actions: PlannedAction[] = [];
  for (const item of bySystem(items)) {
    const categories = [...new Set(concerned(item))];
    if (categories.length === 0) continue;
    if (item.role === 'processor') {
      actions.push({
        dispatch: false,
        kind: 'forward',
        systemId: item.systemId,
        categories,
        reason: `processor system: the request must be forwarded to the controller ${item.controller ?? '(controller not registered)'}`,
        ...(item.controller ? { controller: item.controller } : {}),
      });
    } else if (item.capabilities.includes(capability)) {
      actions.push({ dispatch: true, kind, systemId: item.systemId, categories, params });
    } else {
      actions.push({
        dispatch: false,
        kind,
        systemId: item.systemId,
        categories,
        reason: `system ${item.systemId} cannot ${capability} (no '${capability}' capability): do it by hand, then close the action`,
      });
    }
  }
  return actions;
}

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

/** Art. 21: suppress commands for the purposes objected to, to every system holding a category objection applies to. */
export function planSuppression(
  policy: Pick<Policy, 'categories'>,
  items: readonly PlanItem[],
  purposes: readonly string[],
): PlannedAction[] {
  const concerned = (item: PlanItem) => item.categories.filter((c) => effectOf(policy, 'objection', c) === 'apply');
  return perSystem(items, 'suppress', 'suppress', concerned, { purposes: [...purposes] });
}

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

/** Objection to these purposes is absolute: direct marketing, prospection (Art. 21(2)–(3)). */
export const ABSOLUTE_OBJECTION_PURPOSES: readonly string[] = ['prospection', 'direct-marketing'];

export interface SystemPurposes {
  purposes: string[];
}

/**
 * Art. 21: for every system pursuing a purpose objected to. Prospection (Art. 21(3)):
 * a suppress command, at once. Processing on legitimate interest (Art. 21(1)): the DPO
 * decides whether compelling legitimate grounds override the objection: an action
 * escalated to them, closed with their decision.
 */
export function planObjection(
  policy: Pick<Policy, 'categories'>,
  items: readonly PlanItem[],
  purposes: readonly string[],
  registrations: ReadonlyMap<string, SystemPurposes>,
): PlannedAction[] {
  const absolute = purposes.filter((p) => ABSOLUTE_OBJECTION_PURPOSES.includes(p));
  const weighed = purposes.filter((p) => !ABSOLUTE_OBJECTION_PURPOSES.includes(p));
  const actions: PlannedAction[] = [];
  for (const item of bySystem(items)) {
    const pursued = registrations.get(item.systemId)?.purposes ?? [];
    const applies = item.categories.filter((c) => effectOf(policy, 'objection', c) === 'apply');
    const categories = [...new Set(applies.length > 0 ? applies : item.categories)];
    const stop = absolute.filter((p) => pursued.includes(p));
    if (stop.length > 0) {
      actions.push(
        ...perSystem([{ ...item, categories }], 'suppress', 'suppress', (i) => i.categories, {
          purposes: stop,
          reason: 'objection to direct marketing (GDPR Art. 21(3))',
        }),
      );
    }
    const weigh = weighed.filter((p) => pursued.includes(p));
    if (weigh.length > 0 && item.role !== 'processor') {
      actions.push({
        dispatch: false,
        kind: 'suppress',
        systemId: item.systemId,
        categories,
        reason: `objection to ${weigh.join(', ')} (legitimate interest, GDPR Art. 21(1)): the DPO decides whether compelling legitimate grounds override it`,
        params: { purposes: weigh, reason: 'objection upheld by the DPO (GDPR Art. 21(1))' },
      });
    }
  }
  return actions;
}

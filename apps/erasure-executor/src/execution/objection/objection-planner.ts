/**
 * What an objection (Art. 21) means for each system of the plan, per the policy and the
 * purposes each system registered. Pure: no I/O, unit-tested.
 */
import type { PlanItem } from '@datarights/contracts';
import { directMarketingOf, effectOf, type Policy } from '@datarights/policy';
import { bySystem, perSystem, type PlannedAction } from '../actions/planned-action';

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
  policy: Pick<Policy, 'categories' | 'directMarketing'>,
  items: readonly PlanItem[],
  purposes: readonly string[],
  registrations: ReadonlyMap<string, SystemPurposes>,
): PlannedAction[] {
  // Objection to direct marketing is absolute (Art. 21(3)); its purposes are the policy's.
  const absolute = directMarketingOf(policy.directMarketing, purposes);
  const weighed = purposes.filter((p) => !absolute.includes(p));
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

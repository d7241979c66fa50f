/**
 * What an erasure request (Art. 17) means for each system of the plan, per the policy:
 * which actions to send and which holds to record. Pure: no I/O, unit-tested.
 */
import type { PlanItem } from '@datarights/contracts';
import { addDuration, erasureDecision, type Policy } from '@datarights/policy';
import { bySystem, forwardToController, type ExecutionPlan, type PlannedHold } from '../actions/planned-action';

export function planErasure(
  policy: Pick<Policy, 'categories'>,
  items: readonly PlanItem[],
  requestedAt: Date,
): ExecutionPlan {
  const plan: ExecutionPlan = { actions: [], holds: [] };
  for (const item of bySystem(items)) {
    const categories = [...new Set(item.categories)];
    if (categories.length === 0) continue;
    if (item.role === 'processor') {
      plan.actions.push(forwardToController(item, categories));
      continue;
    }
    const toErase: string[] = [];
    const held: PlannedHold[] = [];
    for (const category of categories) {
      const decision = erasureDecision(policy, category);
      if (decision.action === 'erase') {
        toErase.push(category);
        continue;
      }
      const r = decision.retention;
      // The period runs from the record's own date (e.g. the invoice date), which the plan
      // does not carry: the request date is used instead. It is later than the record
      // date, so the hold never ends too early. With several obligations on one category,
      // the longest applies (erasureDecision). The hold-expiry schedule erases it then.
      held.push({
        systemId: item.systemId,
        category,
        ground: r.ground,
        legalText: r.legalText,
        period: r.period,
        from: r.from,
        until: addDuration(requestedAt, r.period),
        canErase: item.capabilities.includes('erase'),
      });
    }
    if (toErase.length > 0) {
      plan.actions.push(
        item.capabilities.includes('erase')
          ? { dispatch: true, kind: 'erase', systemId: item.systemId, categories: toErase, params: {} }
          : {
              dispatch: false,
              kind: 'erase',
              systemId: item.systemId,
              categories: toErase,
              reason: `system ${item.systemId} cannot erase (no 'erase' capability): erase by hand, then close the action`,
            },
      );
    }
    plan.holds.push(...held);
    // docs/gdpr-rules.md: "While a period runs, data kept for it is restricted" (Art. 18(2): only
    // stored). One restrict command per end date, since a command carries one `until`.
    if (held.length > 0 && item.capabilities.includes('restrict')) {
      const byUntil = new Map<string, string[]>();
      for (const h of held)
        byUntil.set(h.until.toISOString(), [...(byUntil.get(h.until.toISOString()) ?? []), h.category]);
      for (const [until, cats] of byUntil) {
        plan.actions.push({
          dispatch: true,
          kind: 'restrict',
          systemId: item.systemId,
          categories: cats,
          params: { ground: 'legal-hold', until, action: 'place' },
        });
      }
    }
  }
  return plan;
}

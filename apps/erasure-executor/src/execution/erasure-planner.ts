/**
 * What an erasure request (Art. 17) means for each system of the plan, per the policy:
 * which actions to send and which holds to record. Pure: no I/O, unit-tested.
 */
import type { PlanItem } from '@datarights/contracts';
import { addDuration, erasureDecision, type Policy } from '@datarights/policy';

export interface PlannedCommand {
  dispatch: true;
  kind: 'erase' | 'restrict' | 'rectify' | 'suppress';
  systemId: string;
  categories: string[];
  /** Command fields beyond the common ones. */
  params: Record<string, unknown>;
}

/**
 * An action that is not a command: a forward to the controller of a processor system
 * (Art. 28), or an escalation to the DPO at once (no capability; a processor system whose
 * controller left no contact). `reason` is what the DPO reads if it is escalated.
 */
export interface PlannedEscalation {
  dispatch: false;
  kind: 'erase' | 'forward' | 'rectify' | 'restrict' | 'suppress';
  systemId: string;
  categories: string[];
  reason: string;
  /** For a forward: the controller, as the plan names it. */
  controller?: string;
  /** Command fields, should the DPO's decision send it after all (an upheld objection, Art. 21(1)). */
  params?: Record<string, unknown>;
}

export type PlannedAction = PlannedCommand | PlannedEscalation;

export interface PlannedHold {
  systemId: string;
  category: string;
  ground: string;
  legalText: string;
  period: string;
  from: string;
  until: Date;
  /** Whether the system can erase: when the hold ends, the erase command is sent, or escalated. */
  canErase: boolean;
}

export interface ErasurePlan {
  actions: PlannedAction[];
  holds: PlannedHold[];
}

export function planErasure(
  policy: Pick<Policy, 'categories'>,
  items: readonly PlanItem[],
  requestedAt: Date,
): ErasurePlan {
  const plan: ErasurePlan = { actions: [], holds: [] };
  for (const item of bySystem(items)) {
    const categories = [...new Set(item.categories)];
    if (categories.length === 0) continue;
    if (item.role === 'processor') {
      // Art. 28: for data its customers host, the company is only the processor; the
      // customer (the controller) decides what to do with the request: it is forwarded
      // to them (or escalated, if they left no contact). No command, no hold.
      plan.actions.push({
        dispatch: false,
        kind: 'forward',
        systemId: item.systemId,
        categories,
        reason: `processor system: the request must be forwarded to the controller ${item.controller ?? '(controller not registered)'}`,
        ...(item.controller ? { controller: item.controller } : {}),
      });
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
    // GDPR-RULES.md: "While a period runs, data kept for it is restricted" (Art. 18(2): only
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

/** One entry per system (a plan listing a system twice gets one set of actions and holds for it). */
export function bySystem(items: readonly PlanItem[]): PlanItem[] {
  const merged = new Map<string, PlanItem>();
  for (const item of items) {
    const seen = merged.get(item.systemId);
    merged.set(item.systemId, seen ? { ...seen, categories: [...seen.categories, ...item.categories] } : item);
  }
  return [...merged.values()];
}

/**
 * What a right's planner returns and the two helpers every planner shares: the actions
 * to start (commands, or escalations/forwards that are not commands) and the holds to
 * record, one entry per system. Pure.
 */
import type { Capability, PlanItem } from '@datarights/contracts';

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
  /** The end of the hold; with `startPending`, the earliest it can end. */
  until: Date;
  /** Whether the system can erase: when the hold ends, the erase command is sent, or escalated. */
  canErase: boolean;
  /** The records kept (each held to its own end); absent: every record of the category before the hold. */
  recordRefs?: string[];
  /** The anchor whose event has not happened (the contract runs): held with no end until the system reports it. */
  startPending?: string;
}

/** What a request means for the plan's systems. */
export interface ExecutionPlan {
  actions: PlannedAction[];
  holds: PlannedHold[];
}

/**
 * Art. 28: for data its customers host, the company is only the processor; the customer
 * (the controller) decides what to do with the request: it is forwarded to them (or
 * escalated, if they left no contact). No command, no hold.
 */
export function forwardToController(item: PlanItem, categories: string[]): PlannedEscalation {
  return {
    dispatch: false,
    kind: 'forward',
    systemId: item.systemId,
    categories,
    reason: `processor system: the request must be forwarded to the controller ${item.controller ?? '(controller not registered)'}`,
    ...(item.controller ? { controller: item.controller } : {}),
  };
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

export type CommandKind = 'rectify' | 'suppress' | 'restrict';

/** One action per system for `categories(item)` (those the request concerns there). */
export function perSystem(
  items: readonly PlanItem[],
  kind: CommandKind,
  capability: Capability,
  concerned: (item: PlanItem) => string[],
  params: Record<string, unknown>,
): PlannedAction[] {
  const actions: PlannedAction[] = [];
  for (const item of bySystem(items)) {
    const categories = [...new Set(concerned(item))];
    if (categories.length === 0) continue;
    if (item.role === 'processor') {
      actions.push(forwardToController(item, categories));
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

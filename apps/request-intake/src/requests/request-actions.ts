/**
 * What happened to each system of a request: one row per command the executor sent (or per
 * plan item before a command exists), merged from the executor's events. Pure, so that
 * out-of-order and repeated events are tested without a database: a late event never
 * takes an action back (a dispatch after its reply, an escalation after a reply).
 */
import type { ActionKind, CommandOutcome } from '@datarights/contracts';
import type { RequestStatus } from './request-state';

/** `awaiting-acknowledgement`: forwarded to the controller of a processor system (Art. 28), until the DPO records its answer. */
export const ACTION_STATUSES = [
  'planned',
  'dispatched',
  'escalated',
  'completed',
  'closed-manually',
  'awaiting-acknowledgement',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ACTION_OUTCOMES = [
  'pending',
  'done',
  'not-found',
  'partial',
  'failed',
  'closed-manually',
  'retained',
  'forwarded',
] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

export interface ActionState {
  systemId: string;
  commandId: string | null;
  kind: ActionKind | null;
  categories: string[];
  status: ActionStatus;
  outcome: ActionOutcome;
  affectedRecords: number | null;
  attempts: number;
  reason: string | null;
}

export type ActionUpdate =
  | {
      event: 'dispatched';
      commandId: string;
      systemId: string;
      kind: ActionKind;
      categories: string[];
      attempt: number;
    }
  | {
      event: 'completed';
      commandId: string;
      systemId: string;
      kind: ActionKind;
      outcome: CommandOutcome;
      affectedRecords: number;
      error?: string;
    }
  | { event: 'escalated'; commandId: string; systemId: string; kind: ActionKind; reason: string; attempts: number }
  | { event: 'closed-manually'; commandId: string; systemId: string; reason: string }
  | { event: 'forwarded'; commandId: string; systemId: string; categories: string[] }
  | { event: 'acknowledged'; commandId: string; systemId: string };

/** An action that has ended: a reply came, or the DPO closed it. */
export function isActionFinal(status: ActionStatus): boolean {
  switch (status) {
    case 'completed':
    case 'closed-manually':
      return true;
    case 'planned':
    case 'dispatched':
    case 'escalated':
    case 'awaiting-acknowledgement':
      return false;
  }
}

/** A plan item before the executor sends anything. */
export function plannedAction(systemId: string, categories: string[]): ActionState {
  return {
    systemId,
    commandId: null,
    kind: null,
    categories: [...categories],
    status: 'planned',
    outcome: 'pending',
    affectedRecords: null,
    attempts: 0,
    reason: null,
  };
}

/** Merges one executor event into an action (the existing command row, or the system's plan row, or nothing yet). */
export function mergeAction(current: ActionState | undefined, u: ActionUpdate): ActionState {
  const base: ActionState =
    current ?? plannedAction(u.systemId, u.event === 'dispatched' || u.event === 'forwarded' ? u.categories : []);
  const next: ActionState = { ...base, commandId: u.commandId, systemId: u.systemId };
  switch (u.event) {
    case 'dispatched': {
      next.kind = u.kind;
      if (base.commandId === null || base.categories.length === 0) next.categories = [...u.categories];
      next.attempts = Math.max(base.attempts, u.attempt);
      // A new attempt after an escalation lifts it; a late dispatch after a reply changes nothing.
      if (
        base.status === 'planned' ||
        base.status === 'dispatched' ||
        (base.status === 'escalated' && u.attempt > base.attempts)
      ) {
        next.status = 'dispatched';
      }
      return next;
    }
    case 'completed':
      // The system's reply is the truth, even after the DPO closed the action by hand.
      next.kind = u.kind;
      next.status = 'completed';
      next.outcome = u.outcome;
      next.affectedRecords = u.affectedRecords;
      next.attempts = Math.max(base.attempts, 1);
      if (u.error) next.reason = u.error;
      return next;
    case 'escalated':
      next.kind = u.kind;
      next.attempts = Math.max(base.attempts, u.attempts);
      if (!isActionFinal(base.status)) {
        next.status = 'escalated';
        next.reason = u.reason;
      }
      return next;
    case 'closed-manually':
      if (base.status !== 'completed') {
        next.status = 'closed-manually';
        next.outcome = 'closed-manually';
        next.reason = u.reason;
      }
      return next;
    case 'forwarded':
      next.kind = 'forward';
      if (base.commandId === null || base.categories.length === 0) next.categories = [...u.categories];
      // A late `forwarded` after the acknowledgement changes nothing.
      if (!isActionFinal(base.status)) {
        next.status = 'awaiting-acknowledgement';
        next.reason = 'forwarded to the controller (processor system): awaiting its acknowledgement';
      }
      return next;
    case 'acknowledged':
      next.kind = 'forward';
      next.status = 'completed';
      next.outcome = 'forwarded';
      next.reason = 'the controller acknowledged the forwarded request';
      return next;
  }
}

/** Why the request needs the DPO: every action escalated and not yet closed, and every forward awaiting the controller's acknowledgement. */
export function attentionReasons(actions: ActionState[]): string[] {
  return actions
    .filter((a) => a.status === 'escalated' || a.status === 'awaiting-acknowledgement')
    .map((a) => `${a.systemId}: ${a.reason ?? (a.status === 'escalated' ? 'escalated' : 'awaiting acknowledgement')}`);
}

/** While actions run: the request needs the DPO as long as one of them is escalated and not closed. */
export function actionsTarget(
  actions: readonly ActionState[],
): Extract<RequestStatus, 'in-progress' | 'needs-attention'> {
  return actions.some((a) => a.status === 'escalated') ? 'needs-attention' : 'in-progress';
}

const isActionOutcome = (o: string): o is ActionOutcome => (ACTION_OUTCOMES as readonly string[]).includes(o);

/**
 * At the end of execution, the executor's per-system outcomes settle the systems that never
 * got a command of their own (e.g. everything retained under a hold): their plan rows take
 * the outcome, and a system with no row at all gets one. Rows of commands keep their own detail.
 */
export function settleWithOutcomes<A extends ActionState & { id: string }>(
  actions: readonly A[],
  outcomes: ReadonlyArray<{ systemId: string; outcome: string; affectedRecords: number; categories: string[] }>,
): Array<{ id?: string; state: ActionState }> {
  const changes: Array<{ id?: string; state: ActionState }> = [];
  for (const o of outcomes) {
    const outcome: ActionOutcome = isActionOutcome(o.outcome) ? o.outcome : 'failed';
    const rows = actions.filter((a) => a.systemId === o.systemId);
    if (rows.length === 0) {
      changes.push({
        state: {
          ...plannedAction(o.systemId, o.categories),
          status: 'completed',
          outcome,
          affectedRecords: o.affectedRecords,
        },
      });
      continue;
    }
    for (const row of rows.filter((a) => a.status === 'planned')) {
      const { id, ...rest } = row;
      const state: ActionState = {
        systemId: rest.systemId,
        commandId: rest.commandId,
        kind: rest.kind,
        attempts: rest.attempts,
        reason: rest.reason,
        categories: rest.categories.length > 0 ? rest.categories : [...o.categories],
        status: 'completed',
        outcome,
        affectedRecords: o.affectedRecords,
      };
      changes.push({ id, state });
    }
  }
  return changes;
}

/**
 * The completion rule: a request's execution ends when every action is terminal
 * (completed, or closed by the DPO); escalated actions wait for the DPO. Pure, unit-tested.
 */
import type { CommandOutcome, ExecutionCompleted, HoldRecorded, SystemOutcome } from '@datarights/contracts';
import type { ActionStatus } from '../entities/action.entity';

export const TERMINAL_STATUSES: readonly ActionStatus[] = ['completed', 'closed-manually'];

export function isTerminal(status: ActionStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface ActionView {
  systemId: string;
  kind: string;
  categories: string[];
  status: ActionStatus;
  outcome: CommandOutcome | 'forwarded' | null;
  affectedRecords: number | null;
}

/**
 * The outcome of one system:
 * - `closed-manually` if the DPO closed any of its actions;
 * - `retained` if nothing was to be erased (every category under a hold), or nothing was
 *   found to erase and some categories are held;
 * - `partial` if it erased what it had to and some categories are held (see `holds`);
 * - else its erase (or forward) outcome, `partial` if several disagree.
 */
export function systemOutcome(actions: ActionView[], holds: Pick<HoldRecorded, 'category'>[]): string {
  if (actions.some((a) => a.status === 'closed-manually')) return 'closed-manually';
  const outcomes = [...new Set(actions.filter((a) => a.kind !== 'restrict').map((a) => a.outcome ?? 'done'))];
  if (outcomes.length === 0) return 'retained';
  const outcome = outcomes.length === 1 ? outcomes[0] : 'partial';
  if (holds.length === 0) return outcome;
  if (outcome === 'not-found') return 'retained';
  return 'partial';
}

/** The `executionCompleted` payload, or null while some action is not terminal. */
export function summariseExecution(
  requestId: string,
  actions: ActionView[],
  holds: HoldRecorded[],
): ExecutionCompleted | null {
  if (!actions.every((a) => isTerminal(a.status))) return null;
  const systemIds = [...new Set([...actions.map((a) => a.systemId), ...holds.map((h) => h.systemId)])].sort();
  const systems: SystemOutcome[] = systemIds.map((systemId) => {
    const mine = actions.filter((a) => a.systemId === systemId);
    const held = holds.filter((h) => h.systemId === systemId);
    return {
      systemId,
      outcome: systemOutcome(mine, held),
      affectedRecords: mine.reduce((n, a) => n + (a.affectedRecords ?? 0), 0),
      categories: [...new Set([...mine.flatMap((a) => a.categories), ...held.map((h) => h.category)])].sort(),
    };
  });
  return { requestId, systems, holds };
}

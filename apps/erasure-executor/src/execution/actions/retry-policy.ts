/**
 * Timing of commands, from the policy's `commands` section. Replies may come late, twice
 * or never (docs/kafka-contract.md): a command is re-sent with the same commandId, each time with a
 * longer window, and escalated to the DPO after `maxAttempts`. Pure, unit-tested.
 */
import { addDuration, scaleDuration, type CommandsPolicy } from '@datarights/policy';

/** The doubling factor for attempt n (1-based): 1, 2, 4, ... */
export function backoffFactor(attempt: number): number {
  if (!Number.isSafeInteger(attempt) || attempt < 1)
    throw new Error(`attempt must be a whole number ≥ 1, not ${attempt}`);
  return 2 ** Math.min(attempt - 1, 30);
}

/** `respondBy` of attempt n: its send time + respondWithin × 2^(n-1). */
export function respondByFor(commands: Pick<CommandsPolicy, 'respondWithin'>, attempt: number, sentAt: Date): Date {
  return addDuration(sentAt, scaleDuration(commands.respondWithin, backoffFactor(attempt)));
}

/** After attempt n failed: re-send at now + retryBackoff × 2^(n-1). */
export function retryAtAfterFailure(
  commands: Pick<CommandsPolicy, 'retryBackoff'>,
  failedAttempt: number,
  now: Date,
): Date {
  return addDuration(now, scaleDuration(commands.retryBackoff, backoffFactor(failedAttempt)));
}

export type NextStep = { step: 'resend'; attempt: number } | { step: 'escalate'; reason: string };

/**
 * What to do with an action whose time has come: re-send (same commandId) while attempts
 * remain, else escalate — with the last failure's error if the last attempt failed.
 */
export function nextStep(
  action: { attempts: number; status: 'sent' | 'retry-pending'; lastReason: string | null },
  commands: Pick<CommandsPolicy, 'maxAttempts'>,
): NextStep {
  if (action.attempts < commands.maxAttempts) return { step: 'resend', attempt: action.attempts + 1 };
  if (action.status === 'retry-pending' && action.lastReason) return { step: 'escalate', reason: action.lastReason };
  return { step: 'escalate', reason: `no reply after ${action.attempts} attempt${action.attempts === 1 ? '' : 's'}` };
}

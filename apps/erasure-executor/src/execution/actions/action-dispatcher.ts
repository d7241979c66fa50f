/**
 * Starting and sending actions, for every right: an action is a command sent to a system
 * (tracked: reply, retries, escalation) or, when it cannot be sent, an escalation to the
 * DPO at once. A command is published with `actionDispatched`, on first send and on
 * every re-send (the same commandId). No TypeORM or Kafka here: writes through the
 * caller's transaction, events through its outbox. Subject keys are never logged.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventName, LinkedSubjectKeys } from '@datarights/contracts';
import type { Policy } from '@datarights/policy';
import { POLICY } from '../../policy/policy.module';
import type { ActionEntity } from '../entities/action.entity';
import { respondByFor } from './retry-policy';
import type { ExecutionTx } from '../store/execution-tx';
import type { PlannedAction } from './planned-action';

const COMMAND_EVENT = {
  erase: 'eraseCommand',
  restrict: 'restrictCommand',
  rectify: 'rectifyCommand',
  suppress: 'suppressCommand',
} as const satisfies Record<string, EventName>;

/**
 * The contract wants `attempts >= 1` in `actionEscalated`; an action escalated before any
 * send (no capability, processor system) reports 1: the one try was finding it cannot be sent.
 */
const reportedAttempts = (attempts: number) => Math.max(1, attempts);

export type SendableAction = Pick<
  ActionEntity,
  'commandId' | 'requestId' | 'systemId' | 'kind' | 'categories' | 'params'
>;

@Injectable()
export class ActionDispatcher {
  private readonly logger = new Logger(ActionDispatcher.name);

  constructor(@Inject(POLICY) private readonly policy: Policy) {}

  /**
   * Starts one action: sends its command, or escalates it at once when it cannot be sent.
   * Used for the plan's actions and for the erasure of held data when a hold ends
   * (`holdId`). Returns the action's commandId.
   */
  async start(
    tx: ExecutionTx,
    requestId: string,
    subjectKeys: LinkedSubjectKeys,
    a: PlannedAction,
    now: Date,
    holdId?: string,
  ): Promise<string> {
    const commandId = randomUUID();
    const base = { commandId, requestId, systemId: a.systemId, kind: a.kind, categories: a.categories };
    if (!a.dispatch) {
      await tx.actions.insert({
        ...base,
        params: a.params ?? {},
        status: 'escalated',
        attempts: 0,
        respondBy: null,
        dueAt: null,
        lastReason: a.reason,
        holdId: holdId ?? null,
      });
      await tx.publish('actionEscalated', { ...base, reason: a.reason, attempts: reportedAttempts(0) });
      this.logger.warn(
        `request ${requestId}: ${a.kind} on ${a.systemId} escalated at once to the DPO (${a.kind === 'forward' ? 'processor system without a contact' : 'no capability, or a decision of theirs'})`,
      );
      return commandId;
    }
    const respondBy = respondByFor(this.policy.commands, 1, now);
    await tx.actions.insert({
      ...base,
      params: a.params,
      status: 'sent',
      attempts: 1,
      respondBy,
      dueAt: respondBy,
      lastReason: null,
      holdId: holdId ?? null,
    });
    await this.send(tx, { ...base, params: a.params }, subjectKeys, 1, respondBy);
    return commandId;
  }

  /** Publishes the command (first send or re-send: the same commandId) and `actionDispatched`. */
  async send(
    tx: ExecutionTx,
    a: SendableAction,
    subjectKeys: LinkedSubjectKeys,
    attempt: number,
    respondBy: Date,
  ): Promise<void> {
    // A re-suppression (a new record of a suppressed subject) names the record's own keys.
    const keys = (a.params as { subjectKeys?: LinkedSubjectKeys }).subjectKeys ?? subjectKeys;
    const common = {
      commandId: a.commandId,
      requestId: a.requestId,
      systemId: a.systemId,
      subjectKeys: keys,
      categories: a.categories,
      respondBy: respondBy.toISOString(),
    };
    if (a.kind === 'erase')
      // A deferred erase (a hold that ended) names its cut-off and records: never data created after the request.
      await tx.publish(COMMAND_EVENT.erase, {
        ...common,
        ...pick(a.params as { createdBefore?: string; recordRefs?: string[] }, ['createdBefore', 'recordRefs']),
      });
    else if (a.kind === 'restrict')
      await tx.publish(COMMAND_EVENT.restrict, {
        ...common,
        ...(a.params as { ground: string; until?: string; action?: 'place' | 'lift' }),
      });
    else if (a.kind === 'rectify')
      await tx.publish(COMMAND_EVENT.rectify, {
        ...common,
        changes: (a.params as { changes: Record<string, string> }).changes,
      });
    else if (a.kind === 'suppress')
      await tx.publish(COMMAND_EVENT.suppress, { ...common, ...(a.params as { purposes: string[]; reason?: string }) });
    else throw new Error(`erasure-executor does not send ${a.kind} commands`);
    await tx.publish('actionDispatched', {
      requestId: a.requestId,
      commandId: a.commandId,
      systemId: a.systemId,
      kind: a.kind,
      categories: a.categories,
      attempt,
      respondBy: respondBy.toISOString(),
    });
  }

  /** The action goes to the DPO: no more re-sends; a late reply still completes it. */
  async escalate(tx: ExecutionTx, action: ActionEntity, reason: string): Promise<void> {
    await tx.actions.update(action.commandId, { status: 'escalated', dueAt: null, lastReason: reason });
    await tx.publish('actionEscalated', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      kind: action.kind,
      reason,
      attempts: reportedAttempts(action.attempts),
    });
    this.logger.warn(`command ${action.commandId} on ${action.systemId} escalated after ${action.attempts} attempts`);
  }
}

/** The keys of `o` among `keys` whose value is defined. */
function pick<T extends object, K extends keyof T>(o: T | undefined, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o?.[k] !== undefined) out[k] = o[k];
  return out;
}

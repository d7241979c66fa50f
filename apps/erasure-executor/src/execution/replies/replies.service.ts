/**
 * What happens to a sent command: the system's reply (late, twice or never: replies are
 * matched to the locked action), the retries after a failure or a silence (retry-policy.ts),
 * the escalation to the DPO after the last attempt, and the DPO closing an escalated
 * action by hand. A completed action tells the system's recipients (Art. 19, ../../recipients).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ActionCloseRequested, type CommandReply, LinkedSubjectKeys } from '@datarights/contracts';
import { PermanentError } from '@datarights/messaging';
import type { Policy } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import { POLICY } from '../../policy/policy.module';
import { RecipientNoticeService } from '../../recipients/recipient-notice.service';
import { ActionDispatcher } from '../actions/action-dispatcher';
import { nextStep, respondByFor, retryAtAfterFailure } from '../actions/retry-policy';
import { ExecutionCompletion } from '../completion/execution-completion';
import type { ActionEntity } from '../entities/action.entity';
import type { ExecutionTx } from '../store/execution-tx';

@Injectable()
export class RepliesService {
  private readonly logger = new Logger(RepliesService.name);

  constructor(
    @Inject(POLICY) private readonly policy: Policy,
    private readonly actions: ActionDispatcher,
    private readonly completion: ExecutionCompletion,
    private readonly recipients: RecipientNoticeService,
    private readonly clock: Clock,
  ) {}

  /** A reply on `pdata.replies.<systemId>.v1`. Replies may come late, twice or never (docs/kafka-contract.md). */
  async onReply(tx: ExecutionTx, reply: CommandReply, reported: 'completed' | 'failed'): Promise<void> {
    const action = await tx.actions.lock(reply.commandId);
    if (!action) {
      // A recipient's answer to an Art. 19 notice.
      if (await this.recipients.onReply(tx, reply, reported)) return;
      // A request this service does not execute (access, portability: data-locator's
      // exports answer there). A reply to a command never sent is refused by data-locator's
      // and audit's own checks there.
      if (!(await tx.requests.get(reply.requestId))) return;
      throw new PermanentError(`reply for unknown command ${reply.commandId}`);
    }
    if (action.requestId !== reply.requestId || action.systemId !== reply.systemId) {
      throw new PermanentError(
        `reply for command ${reply.commandId} does not match it (request ${reply.requestId}, system ${reply.systemId})`,
      );
    }
    if (action.status === 'completed' || action.status === 'closed-manually') {
      this.logger.log(`command ${action.commandId}: reply for an action already ${action.status}, ignored`);
      return;
    }
    if (reported === 'failed' || reply.outcome === 'failed')
      return this.onFailure(tx, action, reply.error ?? `${reply.systemId} reported a failure without a reason`);

    // A late answer to an escalated action still completes it: the DPO need not close it.
    await tx.actions.update(action.commandId, {
      status: 'completed',
      outcome: reply.outcome,
      affectedRecords: reply.affectedRecords,
      retained: reply.retained ?? [],
      dueAt: null,
    });
    // Nothing will be sent again: a re-suppression's own keys are not kept (Art. 5(1)(c)).
    if ((action.params as { subjectKeys?: unknown }).subjectKeys) await tx.actions.forgetKeys(action.commandId);
    await tx.publish('actionCompleted', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      kind: action.kind,
      outcome: reply.outcome,
      affectedRecords: reply.affectedRecords,
      retained: reply.retained ?? [],
      ...(reply.error ? { error: reply.error } : {}),
    });
    this.logger.log(
      `command ${action.commandId} on ${action.systemId}: ${reply.outcome}, ${reply.affectedRecords} records`,
    );
    // Art. 19: the system's recipients hear of a rectification, erasure or restriction.
    await this.recipients.afterAction(tx, {
      ...action,
      outcome: reply.outcome,
      affectedRecords: reply.affectedRecords,
    });
    await this.completion.completeIfDone(tx, action.requestId);
  }

  /** A failure counts as a failed attempt: retried after the backoff, escalated after the last one. */
  private async onFailure(tx: ExecutionTx, action: ActionEntity, error: string): Promise<void> {
    if (action.status === 'escalated') {
      this.logger.log(`command ${action.commandId}: failure reply for an escalated action, ignored`);
      return;
    }
    if (action.status === 'retry-pending') {
      // A second failure for the same attempt (a duplicate reply): the retry is already planned.
      await tx.actions.update(action.commandId, { lastReason: error });
      return;
    }
    if (action.attempts >= this.policy.commands.maxAttempts) {
      await this.actions.escalate(tx, action, error);
      return;
    }
    const retryAt = retryAtAfterFailure(this.policy.commands, action.attempts, this.clock.now());
    await tx.actions.update(action.commandId, { status: 'retry-pending', dueAt: retryAt, lastReason: error });
    this.logger.warn(
      `command ${action.commandId} on ${action.systemId} failed (attempt ${action.attempts}); retry at ${retryAt.toISOString()}`,
    );
  }

  /** The timeout loop found an action past its time: re-send it or escalate it. */
  async onDue(tx: ExecutionTx, action: ActionEntity, now: Date): Promise<void> {
    if (action.status !== 'sent' && action.status !== 'retry-pending') return;
    const step = nextStep(
      { attempts: action.attempts, status: action.status, lastReason: action.lastReason },
      this.policy.commands,
    );
    if (step.step === 'escalate') return this.actions.escalate(tx, action, step.reason);
    const request = await tx.requests.get(action.requestId);
    if (!request) throw new Error(`action ${action.commandId} has no request row`);
    const respondBy = respondByFor(this.policy.commands, step.attempt, now);
    await tx.actions.update(action.commandId, {
      status: 'sent',
      attempts: step.attempt,
      respondBy,
      dueAt: respondBy,
    });
    await this.actions.send(
      tx,
      action,
      plainToInstance(LinkedSubjectKeys, request.subjectKeys),
      step.attempt,
      respondBy,
    );
    this.logger.warn(`command ${action.commandId} on ${action.systemId}: re-sent (attempt ${step.attempt})`);
  }

  /** The DPO closes an escalated action by hand; the reason is kept as evidence. */
  async onCloseRequested(tx: ExecutionTx, req: ActionCloseRequested): Promise<void> {
    const action = await tx.actions.lock(req.commandId);
    if (!action || action.requestId !== req.requestId)
      throw new PermanentError(`close requested for unknown command ${req.commandId} of request ${req.requestId}`);
    if (action.status !== 'escalated') {
      this.logger.warn(
        `command ${action.commandId}: close requested while ${action.status}, ignored (only escalated actions are closed by hand)`,
      );
      return;
    }
    await tx.actions.update(action.commandId, {
      status: 'closed-manually',
      closedBy: req.closedBy,
      closedReason: req.reason,
      dueAt: null,
    });
    await tx.publish('actionClosedManually', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      reason: req.reason,
      closedBy: req.closedBy,
    });
    this.logger.log(`command ${action.commandId} on ${action.systemId} closed by hand`);
    await this.completion.completeIfDone(tx, action.requestId);
  }
}

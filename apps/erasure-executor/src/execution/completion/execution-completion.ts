/**
 * The end of a request's execution: `executionCompleted`, published once, when every
 * action is terminal (the rule: completion.ts). Called by every use case that may end the
 * last action (a reply, a manual close, an acknowledged forward, an overridden objection,
 * a plan with nothing to send).
 */
import { Injectable, Logger } from '@nestjs/common';
import type { HoldRecorded } from '@datarights/contracts';
import { Clock } from '@datarights/service-kit';
import type { HoldEntity } from '../entities/hold.entity';
import type { ExecutionTx } from '../store/execution-tx';
import { summariseExecution } from './completion';

@Injectable()
export class ExecutionCompletion {
  private readonly logger = new Logger(ExecutionCompletion.name);

  constructor(private readonly clock: Clock) {}

  /**
   * The request row is locked first: two transactions finishing a request's last two
   * actions at the same time run this one after the other, and the second sees the
   * first's action (READ COMMITTED, a fresh snapshot per statement).
   */
  async completeIfDone(tx: ExecutionTx, requestId: string): Promise<void> {
    const request = await tx.requests.lock(requestId);
    if (!request || request.completed) return;
    const actions = await tx.actions.ofRequest(requestId);
    const holds = await tx.holds.ofRequest(requestId);
    const summary = summariseExecution(requestId, actions, holds.map(toHoldRecorded));
    if (!summary) return;
    await tx.requests.markCompleted(requestId, this.clock.now());
    await tx.publish('executionCompleted', summary);
    this.logger.log(
      `request ${requestId}: execution completed (${summary.systems.length} systems, ${summary.holds.length} holds)`,
    );
  }
}

function toHoldRecorded(h: HoldEntity): HoldRecorded {
  return {
    requestId: h.requestId,
    holdId: h.holdId,
    systemId: h.systemId,
    category: h.category,
    ground: h.ground,
    legalText: h.legalText,
    until: h.until.toISOString(),
    ...(h.recordRefs ? { records: h.recordRefs.length } : {}),
    ...(h.startPending ? { startPending: h.startPending } : {}),
  };
}

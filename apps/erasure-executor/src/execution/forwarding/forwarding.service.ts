/**
 * Art. 28: a processor system gets no command; the request goes to its controller (a
 * notice to its registered contact, forward-notice.ts), and the action awaits the
 * acknowledgement the DPO records (`actionAcknowledgementRecorded`). A controller without
 * a contact: the action is escalated to the DPO, who forwards by hand.
 */
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActionAcknowledgementRecorded, PlanBuilt, RequestType } from '@datarights/contracts';
import { PermanentError } from '@datarights/messaging';
import { ErasureExecutorConfig } from '../../config/app.config';
import { ActionDispatcher } from '../actions/action-dispatcher';
import type { PlannedEscalation } from '../actions/planned-action';
import { ExecutionCompletion } from '../completion/execution-completion';
import type { ProcessorSystemEntity } from '../entities/processor-system.entity';
import type { ExecutionTx } from '../store/execution-tx';
import { forwardNotice, noContactReason } from './forward-notice';

@Injectable()
export class ForwardingService {
  private readonly logger = new Logger(ForwardingService.name);

  constructor(
    private readonly actions: ActionDispatcher,
    private readonly completion: ExecutionCompletion,
    private readonly config: ErasureExecutorConfig,
  ) {}

  /** A planned forward: to the controller's registered contact, or escalated when there is none. */
  async start(
    tx: ExecutionTx,
    plan: PlanBuilt,
    a: PlannedEscalation,
    processor: ProcessorSystemEntity | undefined,
    now: Date,
  ): Promise<void> {
    const contact = processor?.controllerContact;
    if (contact)
      return this.forward(tx, plan, a.systemId, a.categories, processor.controller ?? a.controller ?? null, contact);
    await this.actions.start(
      tx,
      plan.requestId,
      plan.subjectKeys,
      { ...a, reason: noContactReason(a.systemId, a.controller ?? null) },
      now,
    );
  }

  private async forward(
    tx: ExecutionTx,
    plan: PlanBuilt,
    systemId: string,
    categories: string[],
    controller: string | null,
    contact: string,
  ): Promise<void> {
    const commandId = randomUUID();
    const notificationId = randomUUID();
    await tx.actions.insert({
      commandId,
      requestId: plan.requestId,
      systemId,
      kind: 'forward',
      categories,
      params: {},
      status: 'awaiting-acknowledgement',
      attempts: 1,
      respondBy: null,
      dueAt: null,
      lastReason: null,
    });
    await tx.publish(
      'notificationRequested',
      forwardNotice({
        notificationId,
        commandId,
        requestId: plan.requestId,
        requestType: plan.requestType as RequestType,
        systemId,
        controller,
        contact,
        categories,
        subjectKeys: plan.subjectKeys,
        locale: this.config.NOTICE_LOCALE,
      }),
    );
    await tx.publish('actionForwarded', {
      requestId: plan.requestId,
      commandId,
      systemId,
      categories,
      ...(controller ? { controller } : {}),
      notificationId,
    });
    this.logger.log(`request ${plan.requestId}: forwarded to the controller of processor system ${systemId}`);
  }

  /** The DPO recorded the controller's acknowledgement of a forward: the action completes with outcome `forwarded`. */
  async onAcknowledgementRecorded(tx: ExecutionTx, ack: ActionAcknowledgementRecorded): Promise<void> {
    const action = await tx.actions.lock(ack.commandId);
    if (!action || action.requestId !== ack.requestId)
      throw new PermanentError(`acknowledgement for unknown command ${ack.commandId} of request ${ack.requestId}`);
    if (action.kind !== 'forward' || action.status !== 'awaiting-acknowledgement') {
      this.logger.warn(
        `command ${action.commandId}: acknowledgement for a ${action.kind} action ${action.status}, ignored`,
      );
      return;
    }
    await tx.actions.update(action.commandId, {
      status: 'completed',
      outcome: 'forwarded',
      affectedRecords: 0,
      retained: [],
      dueAt: null,
    });
    await tx.publish('actionAcknowledged', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      acknowledgedBy: ack.recordedBy,
    });
    this.logger.log(`command ${action.commandId} on ${action.systemId}: the controller acknowledged the forward`);
    await this.completion.completeIfDone(tx, action.requestId);
  }
}

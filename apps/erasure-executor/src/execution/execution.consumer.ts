/**
 * Kafka handlers of the execution feature, thin: each runs in the transaction that also
 * writes its inbox row, so its writes and the events it publishes commit together.
 */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type {
  ActionAcknowledgementRecorded,
  RecipientAcknowledgementRecorded,
  ActionCloseRequested,
  CommandCompleted,
  CommandFailed,
  ObjectionDecided,
  PlanBuilt,
  RequestClosed,
  RequestSubmitted,
  RestrictionLiftRequested,
  SystemApproved,
} from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { RecipientNoticeService } from '../recipients/recipient-notice.service';
import { ForwardingService } from './forwarding/forwarding.service';
import { ObjectionRight } from './objection/objection.right';
import { PlanExecution } from './plan/plan-execution.service';
import { RepliesService } from './replies/replies.service';
import { RestrictionRight } from './restriction/restriction.right';
import { ExecutionTxFactory, type ExecutionTx } from './store/execution-tx';

@Controller()
export class ExecutionConsumer {
  constructor(
    private readonly plans: PlanExecution,
    private readonly replies: RepliesService,
    private readonly forwarding: ForwardingService,
    private readonly objection: ObjectionRight,
    private readonly restriction: RestrictionRight,
    private readonly recipients: RecipientNoticeService,
    private readonly txs: ExecutionTxFactory,
  ) {}

  @OnEvent('planBuilt')
  async onPlanBuilt(@Payload() plan: PlanBuilt, @Ctx() ctx: MessageContext): Promise<void> {
    // Access and portability are data-locator's; erasure, rectification, objection and restriction are executed here.
    if (!this.plans.executes(plan.requestType)) return;
    // The plan's time stands for the request date (see erasure-planner.ts).
    await this.plans.onPlanBuilt(this.tx(ctx), plan, new Date(ctx.envelope.time));
  }

  /** What a rectification, objection or restriction asks (Art. 16, 21, 18) comes with the request. */
  @OnEvent('requestSubmitted')
  async onRequestSubmitted(@Payload() submitted: RequestSubmitted, @Ctx() ctx: MessageContext): Promise<void> {
    await this.plans.onRequestSubmitted(this.tx(ctx), submitted);
  }

  /** The DPO lifts a restriction (Art. 18(3)): the subject is told first. */
  @OnEvent('restrictionLiftRequested')
  async onRestrictionLiftRequested(
    @Payload() req: RestrictionLiftRequested,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    await this.restriction.onLiftRequested(this.tx(ctx), req);
  }

  /** The DPO decided an objection on legitimate interest (Art. 21(1)). */
  @OnEvent('objectionDecided')
  async onObjectionDecided(@Payload() d: ObjectionDecided, @Ctx() ctx: MessageContext): Promise<void> {
    await this.objection.onDecided(this.tx(ctx), d);
  }

  @OnEvent('commandCompleted')
  async onCommandCompleted(@Payload() reply: CommandCompleted, @Ctx() ctx: MessageContext): Promise<void> {
    await this.replies.onReply(this.tx(ctx), reply, 'completed');
  }

  @OnEvent('commandFailed')
  async onCommandFailed(@Payload() reply: CommandFailed, @Ctx() ctx: MessageContext): Promise<void> {
    await this.replies.onReply(this.tx(ctx), reply, 'failed');
  }

  @OnEvent('actionCloseRequested')
  async onActionCloseRequested(@Payload() req: ActionCloseRequested, @Ctx() ctx: MessageContext): Promise<void> {
    await this.replies.onCloseRequested(this.tx(ctx), req);
  }

  @OnEvent('actionAcknowledgementRecorded')
  async onAcknowledgementRecorded(
    @Payload() ack: ActionAcknowledgementRecorded,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    await this.forwarding.onAcknowledgementRecorded(this.tx(ctx), ack);
  }

  /** The DPO recorded a recipient's acknowledgement of an Art. 19 notice obtained by other means. */
  @OnEvent('recipientAcknowledgementRecorded')
  async onRecipientAcknowledgementRecorded(
    @Payload() rec: RecipientAcknowledgementRecorded,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    await this.recipients.onAcknowledgementRecorded(this.tx(ctx), rec);
  }

  @OnEvent('requestClosed')
  async onRequestClosed(@Payload() closed: RequestClosed, @Ctx() ctx: MessageContext): Promise<void> {
    await this.plans.onRequestClosed(this.tx(ctx), closed);
  }

  /**
   * Where to forward requests about a processor system's data (Art. 28): its controller's
   * contact. Only a registration data-locator put in force counts (approved by the DPO when
   * it redirects personal data, Art. 28, 32), never a system's raw registration: whoever
   * writes a system's topic could otherwise send a subject's requests anywhere.
   */
  @OnEvent('systemApproved')
  async onSystemApproved(@Payload() system: SystemApproved, @Ctx() ctx: MessageContext): Promise<void> {
    const systems = this.tx(ctx).systems;
    // An objection goes to every system pursuing the purpose (Art. 21); its recipients hear of what is done (Art. 19).
    await systems.saveRegistration(system.systemId, system.purposes, system.capabilities, system.recipients);
    if (system.role === 'processor')
      await systems.saveProcessor(system.systemId, system.controller ?? null, system.controllerContact ?? null);
    else await systems.forgetProcessor(system.systemId);
  }

  private tx(ctx: MessageContext): ExecutionTx {
    return this.txs.forMessage(ctx);
  }
}

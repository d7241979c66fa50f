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
  RequestType,
  RestrictionLiftRequested,
  SystemRegistered,
} from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { ExecutionRepository } from './execution.repository';
import { ExecutionTxFactory, type ExecutionTx } from './execution-tx';
import { RecipientNoticeService } from '../recipients/recipient-notice.service';
import { ExecutionService } from './execution.service';

const EXECUTED: readonly RequestType[] = ['erasure', 'rectification', 'objection', 'restriction'];

@Controller()
export class ExecutionConsumer {
  constructor(
    private readonly execution: ExecutionService,
    private readonly repository: ExecutionRepository,
    private readonly txs: ExecutionTxFactory,
    private readonly recipients: RecipientNoticeService,
  ) {}

  @OnEvent('planBuilt')
  async onPlanBuilt(@Payload() plan: PlanBuilt, @Ctx() ctx: MessageContext): Promise<void> {
    // Access and portability are data-locator's; erasure, rectification, objection and restriction are executed here.
    if (!EXECUTED.includes(plan.requestType)) return;
    // The plan's time stands for the request date (see erasure-planner.ts).
    await this.execution.onPlanBuilt(this.tx(ctx), plan, new Date(ctx.envelope.time));
  }

  /** What a rectification, objection or restriction asks (Art. 16, 21, 18) comes with the request. */
  @OnEvent('requestSubmitted')
  async onRequestSubmitted(@Payload() submitted: RequestSubmitted, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execution.onRequestSubmitted(this.tx(ctx), submitted);
  }

  /** The DPO lifts a restriction (Art. 18(3)): the subject is told first. */
  @OnEvent('restrictionLiftRequested')
  async onRestrictionLiftRequested(
    @Payload() req: RestrictionLiftRequested,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    await this.execution.onRestrictionLiftRequested(this.tx(ctx), req);
  }

  /** The DPO decided an objection on legitimate interest (Art. 21(1)). */
  @OnEvent('objectionDecided')
  async onObjectionDecided(@Payload() d: ObjectionDecided, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execution.onObjectionDecided(this.tx(ctx), d);
  }

  @OnEvent('commandCompleted')
  async onCommandCompleted(@Payload() reply: CommandCompleted, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execution.onReply(this.tx(ctx), reply, 'completed');
  }

  @OnEvent('commandFailed')
  async onCommandFailed(@Payload() reply: CommandFailed, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execution.onReply(this.tx(ctx), reply, 'failed');
  }

  @OnEvent('actionCloseRequested')
  async onActionCloseRequested(@Payload() req: ActionCloseRequested, @Ctx() ctx: MessageContext): Promise<void> {
    await this.execution.onCloseRequested(this.tx(ctx), req);
  }

  @OnEvent('actionAcknowledgementRecorded')
  async onAcknowledgementRecorded(
    @Payload() ack: ActionAcknowledgementRecorded,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    await this.execution.onAcknowledgementRecorded(this.tx(ctx), ack);
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
    await this.execution.onRequestClosed(this.tx(ctx), closed);
  }

  /** Where to forward requests about a processor system's data (Art. 28): its controller's contact. */
  @OnEvent('systemRegistered')
  async onSystemRegistered(@Payload() system: SystemRegistered, @Ctx() ctx: MessageContext): Promise<void> {
    const store = this.repository.in(ctx.manager);
    // An objection goes to every system pursuing the purpose (Art. 21); its recipients hear of what is done (Art. 19).
    await store.saveRegistration(system.systemId, system.purposes, system.capabilities, system.recipients);
    if (system.role === 'processor')
      await store.saveProcessor(system.systemId, system.controller ?? null, system.controllerContact ?? null);
    else await store.forgetProcessor(system.systemId);
  }

  private tx(ctx: MessageContext): ExecutionTx {
    return this.txs.forMessage(ctx);
  }
}

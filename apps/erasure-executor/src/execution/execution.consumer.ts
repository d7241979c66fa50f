/**
 * Kafka handlers of the execution feature, thin: each runs in the transaction that also
 * writes its inbox row, so its writes and the events it publishes commit together.
 */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { ActionCloseRequested, CommandCompleted, CommandFailed, PayloadOf, PlanBuilt } from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { ExecutionRepository } from './execution.repository';
import { ExecutionService, type ExecutionTx } from './execution.service';

@Controller()
export class ExecutionConsumer {
  constructor(
    private readonly execution: ExecutionService,
    private readonly repository: ExecutionRepository,
  ) {}

  @OnEvent('planBuilt')
  async onPlanBuilt(@Payload() plan: PlanBuilt, @Ctx() ctx: MessageContext): Promise<void> {
    // Other request types are other features' (access and portability: data-locator).
    if (plan.requestType !== 'erasure') return;
    // The plan's time stands for the request date (see erasure-planner.ts).
    await this.execution.onPlanBuilt(this.tx(ctx), plan, new Date(ctx.envelope.time));
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

  private tx(ctx: MessageContext): ExecutionTx {
    return {
      store: this.repository.in(ctx.manager),
      publish: (name, data) => ctx.publish(name, data as PayloadOf<typeof name>, { correlationId: (data as { requestId: string }).requestId }),
    };
  }
}

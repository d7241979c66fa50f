/**
 * Kafka handlers of the collection feature, thin: the plan starts the collection (access,
 * portability), replies on `pdata.replies.<systemId>.v1` feed it. Each runs in the transaction that
 * writes its inbox row, so its writes and the events it publishes commit together.
 */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CommandCompleted, CommandFailed, PlanBuilt } from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { Clock } from '@datarights/service-kit';
import { CollectionService, type CollectionTx } from './collection.service';

@Controller()
export class CollectionConsumer {
  constructor(
    private readonly collection: CollectionService,
    private readonly clock: Clock,
  ) {}

  @OnEvent('planBuilt')
  async onPlanBuilt(@Payload() plan: PlanBuilt, @Ctx() ctx: MessageContext): Promise<void> {
    if (!this.collection.isCollected(plan.requestType)) return; // erasure and the others: the executor's
    await this.collection.start(this.tx(ctx), plan, this.clock.now());
  }

  @OnEvent('commandCompleted')
  async onCommandCompleted(@Payload() reply: CommandCompleted, @Ctx() ctx: MessageContext): Promise<void> {
    await this.collection.onReply(this.tx(ctx), reply, 'completed', this.clock.now());
  }

  @OnEvent('commandFailed')
  async onCommandFailed(@Payload() reply: CommandFailed, @Ctx() ctx: MessageContext): Promise<void> {
    await this.collection.onReply(this.tx(ctx), reply, 'failed', this.clock.now());
  }

  private tx(ctx: MessageContext): CollectionTx {
    return {
      manager: ctx.manager,
      publish: (name, data) => ctx.publish(name, data, { correlationId: (data as { requestId: string }).requestId }),
    };
  }
}

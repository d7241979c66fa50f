/** Kafka handler of `dsr.identity.v1`: a verified request gets its plan. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { IdentityVerified } from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { PlanService } from './plan.service';

@Controller()
export class PlanConsumer {
  constructor(private readonly plans: PlanService) {}

  @OnEvent('identityVerified')
  async onIdentityVerified(@Payload() data: IdentityVerified, @Ctx() ctx: MessageContext): Promise<void> {
    const plan = await this.plans.build(ctx.manager, data, ctx.envelope.id);
    if (plan) await ctx.publish('planBuilt', plan, { correlationId: data.requestId });
  }
}

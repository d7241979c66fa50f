/** Kafka handler of `dsr.identity.v1`: a verified request gets its plan. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Logger } from '@nestjs/common';
import { TOPICS, type IdentityVerified } from '@datarights/contracts';
import { ConsumerProgress, MessageContext, OnEvent } from '@datarights/messaging';
import { DataLocatorConfig } from '../config/app.config';
import { PlanService } from './plan.service';

@Controller()
export class PlanConsumer {
  private readonly logger = new Logger(PlanConsumer.name);

  constructor(
    private readonly plans: PlanService,
    private readonly progress: ConsumerProgress,
    private readonly config: DataLocatorConfig,
  ) {}

  @OnEvent('identityVerified')
  async onIdentityVerified(@Payload() data: IdentityVerified, @Ctx() ctx: MessageContext): Promise<void> {
    // The plan is built on the index as it stands: first let it read the data events that
    // existed now (a system that has just arrived, a backlog after a restart).
    const waitMs = this.config.PLAN_INDEX_WAIT_MS;
    const unread = waitMs > 0 ? await this.progress.caughtUpOrRetry(ctx.envelope.id, TOPICS.dataEvents, waitMs) : 0;
    if (unread > 0)
      this.logger.warn(
        `request ${data.requestId}: plan built with ${unread} data events still unread after ${waitMs} ms`,
      );
    const plan = await this.plans.build(ctx.manager, data, ctx.envelope.id);
    if (plan) await ctx.publish('planBuilt', plan, { correlationId: data.requestId });
  }
}

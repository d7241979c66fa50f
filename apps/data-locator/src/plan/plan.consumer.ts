/** Kafka handler of `dsr.identity.v1`: a verified request gets its plan. */
import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type IdentityVerified } from '@datarights/contracts';
import { AwaitingEvent, ConsumerProgress, MessageContext, OnEvent } from '@datarights/messaging';
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
    await this.indexCaughtUp(data, ctx);
    const plan = await this.plans.build(ctx.manager, data, ctx.envelope.id);
    if (plan) await ctx.publish('planBuilt', plan, { correlationId: data.requestId });
  }

  /**
   * The plan is built on the index as it stands: first let it read the data events that
   * existed now (a system that has just arrived, a backlog after a restart). While it has
   * not, the verification is set aside (not retried in place: that would hold a consumer
   * slot the data events need) and handled again once they are read, or after
   * PLAN_INDEX_WAIT_MS anyway, with the events still unread in the log.
   */
  private async indexCaughtUp(data: IdentityVerified, ctx: MessageContext): Promise<void> {
    const waitMs = this.config.PLAN_INDEX_WAIT_MS;
    if (ctx.awaited) {
      if (!ctx.awaited.caughtUp)
        this.logger.warn(
          `request ${data.requestId}: plan built with ${ctx.awaited.behind ?? 'an unknown number of'} data events still unread after ${waitMs} ms`,
        );
      return;
    }
    if (waitMs === 0) return;
    // As the index stood when the verification was written (a later snapshot, when one is at hand).
    const { targets, behind: unread } = await this.progress.behindSince(TOPICS.dataEvents, new Date(ctx.envelope.time));
    if (unread > 0)
      throw new AwaitingEvent(`the index has ${unread} data events to read before the plan`, {
        topic: TOPICS.dataEvents.name,
        targets,
        maxWaitMs: waitMs,
      });
  }
}

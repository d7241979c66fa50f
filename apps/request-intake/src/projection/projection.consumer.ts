/**
 * Kafka handlers of the events that move a request (thin: each hands the validated payload
 * to the projection, in the handler's transaction, publishing through the outbox).
 */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  ActionClosedManually,
  ActionCompleted,
  ActionDispatched,
  ActionEscalated,
  ActionAcknowledged,
  ActionForwarded,
  ExecutionCompleted,
  HoldExpired,
  HoldRecorded,
  IdentityChallengeSent,
  IdentityVerified,
  PlanBuilt,
  SubjectResolved,
} from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { ProjectionService, type ProjectedEvent } from './projection.service';

@Controller()
export class ProjectionConsumer {
  constructor(private readonly projection: ProjectionService) {}

  @OnEvent('subjectResolved')
  onSubjectResolved(@Payload() data: SubjectResolved, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'subjectResolved', data });
  }

  @OnEvent('identityVerified')
  onIdentityVerified(@Payload() data: IdentityVerified, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'identityVerified', data });
  }

  @OnEvent('planBuilt')
  onPlanBuilt(@Payload() data: PlanBuilt, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'planBuilt', data });
  }

  @OnEvent('actionDispatched')
  onActionDispatched(@Payload() data: ActionDispatched, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'actionDispatched', data });
  }

  @OnEvent('actionCompleted')
  onActionCompleted(@Payload() data: ActionCompleted, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'actionCompleted', data });
  }

  @OnEvent('actionEscalated')
  onActionEscalated(@Payload() data: ActionEscalated, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'actionEscalated', data });
  }

  @OnEvent('actionClosedManually')
  onActionClosedManually(@Payload() data: ActionClosedManually, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'actionClosedManually', data });
  }

  @OnEvent('holdRecorded')
  onHoldRecorded(@Payload() data: HoldRecorded, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'holdRecorded', data });
  }

  @OnEvent('executionCompleted')
  onExecutionCompleted(@Payload() data: ExecutionCompleted, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'executionCompleted', data });
  }

  @OnEvent('holdExpired')
  onHoldExpired(@Payload() data: HoldExpired, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'holdExpired', data });
  }

  @OnEvent('actionForwarded')
  onActionForwarded(@Payload() data: ActionForwarded, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'actionForwarded', data });
  }

  @OnEvent('actionAcknowledged')
  onActionAcknowledged(@Payload() data: ActionAcknowledged, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'actionAcknowledged', data });
  }

  @OnEvent('identityChallengeSent')
  onIdentityChallengeSent(@Payload() data: IdentityChallengeSent, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'identityChallengeSent', data });
  }

  private apply(ctx: MessageContext, event: ProjectedEvent): Promise<void> {
    return this.projection.apply(ctx.manager, ctx.publish, ctx.envelope, event);
  }
}

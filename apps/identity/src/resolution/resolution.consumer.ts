/** Kafka handlers of the request events identity acts on (thin: each hands the event to the service). */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { RequestClosed, RequestSubmitted, SubjectDecided, VerificationAttested } from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { ResolutionService } from './resolution.service';

@Controller()
export class ResolutionConsumer {
  constructor(private readonly resolution: ResolutionService) {}

  @OnEvent('requestSubmitted')
  async onRequestSubmitted(@Payload() data: RequestSubmitted, @Ctx() ctx: MessageContext): Promise<void> {
    await this.resolution.onRequestSubmitted(data, ctx);
  }

  @OnEvent('subjectDecided')
  async onSubjectDecided(@Payload() data: SubjectDecided, @Ctx() ctx: MessageContext): Promise<void> {
    await this.resolution.onSubjectDecided(data, ctx);
  }

  @OnEvent('verificationAttested')
  async onVerificationAttested(@Payload() data: VerificationAttested, @Ctx() ctx: MessageContext): Promise<void> {
    await this.resolution.onVerificationAttested(data, ctx);
  }

  @OnEvent('requestClosed')
  async onRequestClosed(@Payload() data: RequestClosed, @Ctx() ctx: MessageContext): Promise<void> {
    await this.resolution.onRequestClosed(data, ctx);
  }
}

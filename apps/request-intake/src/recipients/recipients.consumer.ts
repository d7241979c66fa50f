/** Kafka handlers of the executor's Art. 19 notice events (thin): projected in the handler's transaction. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type {
  RecipientAcknowledged,
  RecipientDeclined,
  RecipientNotified,
  RecipientNotNotified,
  RecipientReminded,
  RecipientUnacknowledged,
} from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { RecipientsService, type RecipientEvent } from './recipients.service';

@Controller()
export class RecipientsConsumer {
  constructor(private readonly recipients: RecipientsService) {}

  @OnEvent('recipientNotified')
  onNotified(@Payload() data: RecipientNotified, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'recipientNotified', data });
  }

  @OnEvent('recipientNotNotified')
  onNotNotified(@Payload() data: RecipientNotNotified, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'recipientNotNotified', data });
  }

  @OnEvent('recipientReminded')
  onReminded(@Payload() data: RecipientReminded, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'recipientReminded', data });
  }

  @OnEvent('recipientAcknowledged')
  onAcknowledged(@Payload() data: RecipientAcknowledged, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'recipientAcknowledged', data });
  }

  @OnEvent('recipientDeclined')
  onDeclined(@Payload() data: RecipientDeclined, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'recipientDeclined', data });
  }

  @OnEvent('recipientUnacknowledged')
  onUnacknowledged(@Payload() data: RecipientUnacknowledged, @Ctx() ctx: MessageContext): Promise<void> {
    return this.apply(ctx, { name: 'recipientUnacknowledged', data });
  }

  private apply(ctx: MessageContext, event: RecipientEvent): Promise<void> {
    return this.recipients.project(ctx.manager, ctx.envelope, event);
  }
}

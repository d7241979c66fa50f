/** Kafka handler of `dsr.notifications.v1`: every notification lands in the demo mailbox. */
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { NotificationRequested } from '@datarights/contracts';
import { MessageContext, OnEvent } from '@datarights/messaging';
import { MailService } from './mail.service';

@Controller()
export class MailConsumer {
  constructor(private readonly mail: MailService) {}

  @OnEvent('notificationRequested')
  async onNotificationRequested(@Payload() data: NotificationRequested, @Ctx() ctx: MessageContext): Promise<void> {
    await this.mail.receive(ctx.manager, data);
  }
}

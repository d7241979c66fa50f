/** The mail sink: consumes dsr.notifications.v1 into a mailbox the demo shows (GET /mail). */
import { Module } from '@nestjs/common';
import { MailConsumer } from './mail.consumer';
import { MailController } from './mail.controller';
import { MailRepository } from './mail.repository';
import { MailService } from './mail.service';

@Module({
  controllers: [MailController, MailConsumer],
  providers: [MailRepository, MailService],
})
export class MailModule {}

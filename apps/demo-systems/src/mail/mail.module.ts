/**
 * The demo mailbox: the notices requested on dsr.notifications.v1 (consumed here), and the
 * e-mails the mail gateway delivered for them to the development SMTP sink (GET /mail).
 */
import { Module } from '@nestjs/common';
import { MailConsumer } from './mail.consumer';
import { MailController } from './mail.controller';
import { MailRepository } from './mail.repository';
import { MailService } from './mail.service';
import { SmtpSinkService } from './smtp-sink.service';

@Module({
  controllers: [MailController, MailConsumer],
  providers: [MailRepository, MailService, SmtpSinkService],
})
export class MailModule {}

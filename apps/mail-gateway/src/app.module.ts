/**
 * mail-gateway: sends the notices of `dsr.notifications.v1` (to subjects, and to
 * controllers for a processor's forwarded requests) as e-mail over SMTP.
 *
 * Its own service rather than a module of request-intake or identity: the SMTP
 * credentials and the one egress to the mail relay live in one small pod whose Kafka
 * user may only read notices (deploy/kafka/users.yaml); a slow or failing relay backs up
 * notices only, never request processing; and it scales and retries on its own.
 */
import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@datarights/service-kit';
import { appConfig, MailGatewayConfig } from './config/app.config';
import { MailSender } from './mail/mail.sender';
import { NotificationConsumer } from './mail/notification.consumer';

export const SERVICE = 'mail-gateway';
export const SCHEMA = 'mail_gateway';

@Module({
  imports: [ServiceKitModule.forRoot({ service: SERVICE, schema: SCHEMA, entities: [], migrations: [] })],
  controllers: [NotificationConsumer],
  providers: [{ provide: MailGatewayConfig, useFactory: () => appConfig() }, MailSender],
})
export class AppModule {}

/**
 * Kafka handler of `dsr.notifications.v1`: every e-mail notice leaves over SMTP.
 *
 * - Renders the notice with its template (templates.ts); an unknown template goes to the
 *   dead-letter topic at once (PermanentError), as does an address the SMTP server refuses
 *   for good (5xx).
 * - A temporary SMTP failure is retried by the sender, then by the messaging lib's bounded
 *   retries, then dead-lettered with the reason (`npm run dlq -- replay` sends it again).
 * - Each notice is handled once (the inbox), so a redelivered event does not mail twice
 *   unless the process died between the send and the commit (at-least-once; the
 *   Message-ID then repeats).
 * - Other channels (sms, post) are for other gateways: counted and left alone.
 */
import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { NotificationRequested } from '@datarights/contracts';
import { OnEvent, PermanentError } from '@datarights/messaging';
import { MailGatewayConfig } from '../config/app.config';
import { isPermanentSmtpError, mailMetrics, MailSender } from './mail.sender';
import { renderMail, UnknownTemplateError } from './templates';

@Controller()
export class NotificationConsumer {
  private readonly logger = new Logger(NotificationConsumer.name);

  constructor(
    private readonly sender: MailSender,
    private readonly config: MailGatewayConfig,
  ) {}

  @OnEvent('notificationRequested')
  async onNotificationRequested(@Payload() n: NotificationRequested): Promise<void> {
    if (n.channel !== 'email') {
      mailMetrics.skipped.inc({ channel: n.channel });
      return;
    }
    let rendered;
    try {
      rendered = renderMail(n.template, n.locale, n.variables, this.config.MAIL_LINK_BASE_URL);
    } catch (err) {
      if (err instanceof UnknownTemplateError) throw new PermanentError(err.message);
      throw err;
    }
    try {
      await this.sender.send({
        notificationId: n.notificationId,
        requestId: n.requestId,
        template: n.template,
        to: n.to,
        ...rendered,
      });
    } catch (err) {
      if (isPermanentSmtpError(err))
        throw new PermanentError(`SMTP refused the notice (${(err as { responseCode: number }).responseCode})`);
      throw err;
    }
    this.logger.log(`notice ${n.notificationId} (${n.template}) of request ${n.requestId} sent`);
  }
}

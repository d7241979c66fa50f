/**
 * Sends one notice over SMTP (nodemailer), retrying a temporary failure (a 4xx answer, a
 * refused or dropped connection) with a doubling wait; a permanent one (5xx: an address
 * the server refuses) is not retried here. The Message-ID is derived from the
 * notificationId, so a notice sent twice (a redelivery after a crash between the send and
 * the commit) can be recognised as the same message by the receiving side.
 */
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { Counter, register } from 'prom-client';
import { MailGatewayConfig } from '../config/app.config';

export interface OutgoingMail {
  notificationId: string;
  requestId: string;
  template: string;
  to: string;
  subject: string;
  text: string;
}

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}
export const mailMetrics = {
  sent: counter('mail_sent_total', 'Notices accepted by the SMTP server', ['template']),
  failed: counter('mail_send_failures_total', 'SMTP sends that failed', ['template', 'kind']),
  skipped: counter('mail_skipped_total', 'Notices for another channel than e-mail', ['channel']),
};

/** A 5xx answer: the server refuses this message for good (unknown mailbox, policy). */
export function isPermanentSmtpError(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

@Injectable()
export class MailSender implements OnModuleDestroy {
  private readonly logger = new Logger(MailSender.name);
  private readonly transport: Transporter;

  constructor(private readonly config: MailGatewayConfig) {
    const url = new URL(config.SMTP_URL!);
    const secure = url.protocol === 'smtps:';
    this.transport = createTransport({
      host: url.hostname,
      port: Number(url.port || (secure ? 465 : 587)),
      secure,
      requireTLS: !secure && config.SMTP_STARTTLS === 'required',
      ignoreTLS: !secure && config.SMTP_STARTTLS === 'opportunistic' ? false : undefined,
      auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const domain = /@([^>\s]+)>?\s*$/.exec(this.config.MAIL_FROM)?.[1] ?? 'datarights.invalid';
    let wait = this.config.MAIL_RETRY_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transport.sendMail({
          from: this.config.MAIL_FROM,
          replyTo: this.config.MAIL_REPLY_TO,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: `<${mail.notificationId}@${domain}>`,
          headers: {
            'X-Datarights-Request-Id': mail.requestId,
            'X-Datarights-Notification-Id': mail.notificationId,
            'X-Datarights-Template': mail.template,
            // Transactional: no auto-replies or bounces to a list manager.
            'Auto-Submitted': 'auto-generated',
          },
        });
        mailMetrics.sent.inc({ template: mail.template });
        return;
      } catch (err) {
        const permanent = isPermanentSmtpError(err);
        mailMetrics.failed.inc({ template: mail.template, kind: permanent ? 'permanent' : 'temporary' });
        if (permanent || attempt >= this.config.MAIL_SEND_ATTEMPTS) throw err;
        // The error's message only: it may quote the address, which is personal data.
        this.logger.warn(
          `notice ${mail.notificationId}: SMTP send failed (${(err as { code?: string }).code ?? 'error'}, attempt ${attempt}), retrying in ${wait} ms`,
        );
        await new Promise((r) => setTimeout(r, wait));
        wait *= 2;
      }
    }
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

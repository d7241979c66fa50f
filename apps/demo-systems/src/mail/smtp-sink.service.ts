/**
 * DEMO ONLY: the development SMTP sink. The mail gateway delivers the notices here over
 * real SMTP, as it would to the company's mail relay; the sink accepts every message
 * (no TLS, no authentication: a development tool on a development network), parses it
 * and keeps it, and the demo mail page shows it (GET /mail, /mail/smtp).
 */
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { DemoSystemsConfig } from '../config/app.config';

/** 10 MiB: far above any notice. */
const MAX_SIZE = 10 * 1024 * 1024;

@Injectable()
export class SmtpSinkService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SmtpSinkService.name);
  private server?: SMTPServer;

  constructor(
    private readonly config: DemoSystemsConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SMTP_SINK_PORT === 0) return;
    this.server = new SMTPServer({
      name: 'datarights-demo-sink',
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: MAX_SIZE,
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => this.keep(mail, session.envelope))
          .then(() => callback())
          .catch((err: Error) => {
            this.logger.warn(`SMTP sink: message not kept (${err.message})`);
            callback(err);
          });
      },
    });
    this.server.on('error', (err) => this.logger.warn(`SMTP sink: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.SMTP_SINK_PORT, this.config.SMTP_SINK_HOST, () => resolve());
    });
    this.logger.log(`SMTP sink listening on ${this.config.SMTP_SINK_HOST}:${this.config.SMTP_SINK_PORT}`);
  }

  private async keep(
    mail: Awaited<ReturnType<typeof simpleParser>>,
    envelope: { mailFrom: false | { address: string }; rcptTo: Array<{ address: string }> },
  ): Promise<void> {
    const header = (name: string) => {
      const v = mail.headers.get(name);
      return typeof v === 'string' ? v : undefined;
    };
    await this.dataSource.query(
      `INSERT INTO smtp_messages (message_id, notification_id, request_id, template, mail_from, rcpt_to, subject, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        mail.messageId ?? null,
        header('x-datarights-notification-id') ?? null,
        header('x-datarights-request-id') ?? null,
        header('x-datarights-template') ?? null,
        envelope.mailFrom ? envelope.mailFrom.address : '',
        envelope.rcptTo.map((r) => r.address),
        mail.subject ?? null,
        mail.text ?? '',
      ],
    );
  }

  async onModuleDestroy(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** The only TypeORM user of the mail sink: the mailbox of notifications received. */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationRequested } from '@datarights/contracts';

export interface MailMessage {
  notificationId: string;
  requestId: string;
  channel: string;
  to: string;
  template: string;
  locale: string;
  variables: Record<string, unknown>;
  receivedAt: Date;
}

export interface MailFilter {
  to?: string;
  requestId?: string;
  template?: string;
  limit: number;
}

type Row = {
  notification_id: string;
  request_id: string;
  channel: string;
  to_address: string;
  template: string;
  locale: string;
  variables: Record<string, unknown>;
  received_at: Date;
};

@Injectable()
export class MailRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the handler's transaction (with its inbox row); a notification seen twice is kept once. */
  async save(tx: EntityManager, n: NotificationRequested): Promise<void> {
    await tx.query(
      `INSERT INTO mail_messages (notification_id, request_id, channel, to_address, template, locale, variables)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (notification_id) DO NOTHING`,
      [n.notificationId, n.requestId, n.channel, n.to, n.template, n.locale, JSON.stringify(n.variables ?? {})],
    );
  }

  /** Newest first. */
  async find(f: MailFilter): Promise<MailMessage[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT notification_id, request_id, channel, to_address, template, locale, variables, received_at
         FROM mail_messages
        WHERE ($1::text IS NULL OR lower(to_address) = lower($1))
          AND ($2::uuid IS NULL OR request_id = $2)
          AND ($3::text IS NULL OR template = $3)
        ORDER BY received_at DESC, notification_id
        LIMIT $4`,
      [f.to ?? null, f.requestId ?? null, f.template ?? null, f.limit],
    );
    return rows.map((r) => ({
      notificationId: r.notification_id,
      requestId: r.request_id,
      channel: r.channel,
      to: r.to_address,
      template: r.template,
      locale: r.locale,
      variables: r.variables,
      receivedAt: r.received_at,
    }));
  }

  /** What the SMTP sink received, newest first (smtp-sink.service.ts). */
  async findDelivered(f: MailFilter): Promise<SmtpMessage[]> {
    const rows: SmtpRow[] = await this.dataSource.query(
      `SELECT message_id, notification_id, request_id, template, mail_from, rcpt_to, subject, body, received_at
         FROM smtp_messages
        WHERE ($1::text IS NULL OR lower($1) = ANY (SELECT lower(r) FROM unnest(rcpt_to) r))
          AND ($2::text IS NULL OR request_id = $2)
          AND ($3::text IS NULL OR template = $3)
        ORDER BY id DESC
        LIMIT $4`,
      [f.to ?? null, f.requestId ?? null, f.template ?? null, f.limit],
    );
    return rows.map((r) => ({
      messageId: r.message_id ?? undefined,
      notificationId: r.notification_id ?? undefined,
      requestId: r.request_id ?? undefined,
      template: r.template ?? undefined,
      from: r.mail_from,
      to: r.rcpt_to,
      subject: r.subject ?? undefined,
      text: r.body,
      receivedAt: r.received_at,
    }));
  }
}

export interface SmtpMessage {
  messageId?: string;
  notificationId?: string;
  requestId?: string;
  template?: string;
  from: string;
  to: string[];
  subject?: string;
  text: string;
  receivedAt: Date;
}

type SmtpRow = {
  message_id: string | null;
  notification_id: string | null;
  request_id: string | null;
  template: string | null;
  mail_from: string;
  rcpt_to: string[];
  subject: string | null;
  body: string;
  received_at: Date;
};

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the development SMTP sink received: the e-mail as the mail gateway sent it. */
export class SmtpSink1734000000000 implements MigrationInterface {
  name = 'SmtpSink1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE smtp_messages (
        id bigserial PRIMARY KEY,
        message_id text,
        notification_id text,
        request_id text,
        template text,
        mail_from text NOT NULL,
        rcpt_to text[] NOT NULL,
        subject text,
        body text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX smtp_messages_request ON smtp_messages (request_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE smtp_messages`);
  }
}

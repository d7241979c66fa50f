import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR Art. 19 on the request: each recipient told (or that could not be told) of a
 * rectification, erasure or restriction, as the executor reports it — for the DPO's view
 * and for the list the subject may ask for. Recipients are organisations, not subjects.
 */
export class RequestRecipients1733800000000 implements MigrationInterface {
  name = 'RequestRecipients1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE request_recipients (
        notice_id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES requests (id),
        name text NOT NULL,
        kind text NOT NULL,
        country text NOT NULL,
        system_id text,
        from_system_id text NOT NULL,
        action text NOT NULL,
        categories text[] NOT NULL,
        status text NOT NULL CHECK (status IN ('awaiting-acknowledgement', 'acknowledged', 'declined', 'unacknowledged', 'not-notified')),
        reminders int NOT NULL DEFAULT 0,
        respond_by timestamptz,
        -- Our reasons (no channel, no acknowledgement); a recipient's own answer is scrubbed of personal data.
        reason text,
        acknowledged_by text,
        -- The DPO asked the executor to record an acknowledgement (not yet confirmed).
        acknowledgement_requested_at timestamptz,
        notified_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX request_recipients_request ON request_recipients (request_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE request_recipients`);
  }
}

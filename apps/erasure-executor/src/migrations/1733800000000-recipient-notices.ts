import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR Art. 19 in erasure-executor: each system's recipients (from its registration) and
 * one row per notice to a recipient — sent, reminded, acknowledged, declined, or recorded
 * as impossible or unacknowledged, with the reason.
 */
export class RecipientNotices1733800000000 implements MigrationInterface {
  name = 'RecipientNotices1733800000000';

  async up(q: QueryRunner): Promise<void> {
    // The system's recipients as registered: name, kind, country, categories, systemId.
    await q.query(`ALTER TABLE system_registration ADD COLUMN recipients jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      CREATE TABLE recipient_notice (
        -- The commandId of the pdata.command.notify.v1 sent (the same on every reminder).
        notice_id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES request_execution (request_id),
        -- The action whose completion the notice tells; one notice per recipient per action.
        source_command_id uuid NOT NULL,
        from_system_id text NOT NULL,
        recipient_name text NOT NULL,
        recipient_kind text NOT NULL,
        recipient_country text NOT NULL,
        recipient_system_id text,
        action text NOT NULL CHECK (action IN ('erasure', 'rectification', 'restriction')),
        categories text[] NOT NULL,
        -- rectification: changes (personal data: removed once the notice has ended); restriction: ground.
        params jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('awaiting-acknowledgement', 'acknowledged', 'declined', 'unacknowledged', 'not-notified')),
        reminders int NOT NULL DEFAULT 0 CHECK (reminders >= 0),
        respond_by timestamptz,
        -- When the timeout loop must look at it (respond_by while awaiting the acknowledgement).
        due_at timestamptz,
        reason text,
        acknowledged_by text,
        acknowledged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source_command_id, recipient_name)
      )`);
    await q.query(`CREATE INDEX recipient_notice_request ON recipient_notice (request_id)`);
    await q.query(
      `CREATE INDEX recipient_notice_due ON recipient_notice (due_at) WHERE status = 'awaiting-acknowledgement'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recipient_notice`);
    await q.query(`ALTER TABLE system_registration DROP COLUMN recipients`);
  }
}

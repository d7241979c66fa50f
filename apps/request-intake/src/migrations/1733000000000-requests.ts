import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Requests, their per-system actions, legal holds, timeline, and idempotency keys.
 * Unqualified names: search_path is the service's schema.
 */
export class Requests1733000000000 implements MigrationInterface {
  name = 'Requests1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE requests (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        status text NOT NULL CHECK (status IN ('received', 'awaiting-subject-decision', 'awaiting-verification', 'verified', 'in-progress', 'needs-attention', 'completed', 'closed')),
        channel text NOT NULL,
        subject_email text,
        subject_customer_id text,
        subject_phone text,
        subject_name text,
        note text,
        filed_by text NOT NULL,
        filed_by_principal text NOT NULL,
        received_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        closed_at timestamptz,
        outcome text,
        subject_ref text,
        candidates jsonb,
        verified_emails jsonb,
        verification_method text,
        verified_at timestamptz,
        attestation_note text,
        attested_by text,
        attested_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (subject_email IS NOT NULL OR subject_customer_id IS NOT NULL OR subject_phone IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX requests_received_at ON requests (received_at DESC, id)`);
    await q.query(`CREATE INDEX requests_status ON requests (status, type)`);
    await q.query(`CREATE INDEX requests_open_due_at ON requests (due_at) WHERE closed_at IS NULL`);

    await q.query(`
      CREATE TABLE request_actions (
        id bigserial PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
        system_id text NOT NULL,
        command_id uuid,
        kind text,
        categories jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL,
        outcome text NOT NULL,
        affected_records int,
        attempts int NOT NULL DEFAULT 0,
        reason text,
        close_requested_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per command; before any command, one plan row per system.
    await q.query(
      `CREATE UNIQUE INDEX request_actions_command ON request_actions (request_id, command_id) WHERE command_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX request_actions_planned ON request_actions (request_id, system_id) WHERE command_id IS NULL`,
    );

    await q.query(`
      CREATE TABLE request_holds (
        hold_id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
        system_id text NOT NULL,
        category text NOT NULL,
        ground text NOT NULL,
        legal_text text NOT NULL,
        until timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX request_holds_request ON request_holds (request_id)`);

    await q.query(`
      CREATE TABLE request_events (
        request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        seq bigserial NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        summary text NOT NULL,
        PRIMARY KEY (request_id, event_id)
      )`);

    // The key row is written before the request in the same transaction (so that a
    // concurrent duplicate waits on it): the foreign key is checked at commit.
    await q.query(`
      CREATE TABLE idempotency_keys (
        principal_id text NOT NULL,
        key text NOT NULL,
        body_hash text NOT NULL,
        request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_id, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE request_events`);
    await q.query(`DROP TABLE request_holds`);
    await q.query(`DROP TABLE request_actions`);
    await q.query(`DROP TABLE requests`);
  }
}

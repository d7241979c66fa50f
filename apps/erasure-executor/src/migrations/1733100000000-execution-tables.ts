import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What erasure-executor owns: one row per request it executes, the actions (commands sent
 * to systems, escalations) and the legal holds (data kept under Art. 17(3)).
 */
export class ExecutionTables1733100000000 implements MigrationInterface {
  name = 'ExecutionTables1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE request_execution (
        request_id uuid PRIMARY KEY,
        request_type text NOT NULL,
        -- Every key linked to the subject, to (re-)send commands. Never logged.
        subject_keys jsonb NOT NULL,
        -- The plan's time, used as the request date (start of the holds' periods).
        requested_at timestamptz NOT NULL,
        completed boolean NOT NULL DEFAULT false,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE action (
        command_id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES request_execution (request_id),
        system_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('export', 'erase', 'rectify', 'restrict', 'suppress', 'forward')),
        categories text[] NOT NULL,
        -- Command fields beyond the common ones (restrict: ground, until).
        params jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('sent', 'retry-pending', 'completed', 'escalated', 'closed-manually')),
        attempts int NOT NULL CHECK (attempts >= 0),
        respond_by timestamptz,
        -- When the timeout loop must look at it: respond_by while sent, the retry time while retry-pending.
        due_at timestamptz,
        outcome text,
        affected_records int,
        retained jsonb,
        last_reason text,
        closed_by text,
        closed_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX action_request ON action (request_id)`);
    await q.query(`CREATE INDEX action_due ON action (due_at) WHERE status IN ('sent', 'retry-pending')`);
    await q.query(`
      CREATE TABLE hold (
        hold_id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES request_execution (request_id),
        system_id text NOT NULL,
        category text NOT NULL,
        ground text NOT NULL,
        legal_text text NOT NULL,
        period text NOT NULL,
        period_from text NOT NULL,
        until timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (request_id, system_id, category)
      )`);
    await q.query(`CREATE INDEX hold_until ON hold (until)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hold`);
    await q.query(`DROP TABLE action`);
    await q.query(`DROP TABLE request_execution`);
  }
}

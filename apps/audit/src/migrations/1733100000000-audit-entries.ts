import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evidence log (Art. 5(2), accountability): hash-chained and append-only. A trigger
 * refuses UPDATE, DELETE and TRUNCATE even to the table's owner, the service's own role,
 * so that neither a bug nor a compromised service rewrites history without first
 * disabling the trigger (which needs DDL rights and is itself visible in PostgreSQL's log).
 */
export class AuditEntries1733100000000 implements MigrationInterface {
  name = 'AuditEntries1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_entries (
        seq bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        type text NOT NULL,
        source text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        request_id uuid,
        subject_hashes text[] NOT NULL DEFAULT '{}',
        payload jsonb NOT NULL,
        key_id text NOT NULL,
        prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX audit_entries_request ON audit_entries (request_id, seq) WHERE request_id IS NOT NULL`);
    // Every entry about a subject, for the DPO who holds the HMAC key.
    await q.query(`CREATE INDEX audit_entries_subjects ON audit_entries USING gin (subject_hashes)`);
    await q.query(`
      CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`);
    // Other roles of the database get no write access at all.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_entries`);
    await q.query(`DROP FUNCTION audit_entries_append_only()`);
  }
}

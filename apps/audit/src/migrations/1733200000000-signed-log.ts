import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evidence log signed and anchored (Art. 5(2), 32(1)(b)).
 *
 * - Each entry gets the Ed25519 signature of its hash and the signing key's id: the key is
 *   outside the database, so recomputing the chain after a rewrite no longer hides it.
 * - `audit_checkpoints` keeps the signed checkpoints this service published (Kafka,
 *   files): append-only like the entries.
 *
 * The runtime role (DATABASE_RUNTIME_ROLE) gets SELECT and INSERT only on both tables
 * (APPEND_ONLY_TABLES, passed to the migration runner by main.ts): it owns nothing, so it
 * can neither drop the append-only triggers nor alter the tables.
 */
export class SignedLog1733200000000 implements MigrationInterface {
  name = 'SignedLog1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_entries ADD COLUMN signature text, ADD COLUMN sig_key_id text`);
    await q.query(`
      CREATE TABLE audit_checkpoints (
        id bigserial PRIMARY KEY,
        log text NOT NULL,
        entries bigint NOT NULL CHECK (entries >= 0),
        head_seq bigint NOT NULL CHECK (head_seq >= 0),
        head_hash text NOT NULL CHECK (head_hash ~ '^[0-9a-f]{64}$'),
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_checkpoints_latest ON audit_checkpoints (log, entries DESC, signed_at DESC)`);
    await q.query(`
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`);
    await q.query(`REVOKE ALL ON audit_entries, audit_checkpoints FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_checkpoints`);
    await q.query(`ALTER TABLE audit_entries DROP COLUMN signature, DROP COLUMN sig_key_id`);
  }
}

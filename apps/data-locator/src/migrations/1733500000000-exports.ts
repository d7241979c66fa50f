import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Collection for access (GDPR Art. 15) and portability (Art. 20) requests: the request,
 * one export command per system (sent, retried, escalated like the executor's), and the
 * parts of each reply until the package is assembled — then the parts are deleted, so
 * data-locator keeps no copy of the subject's data (Art. 5(1)(c), (e)) — and the encrypted
 * package until its parts are sent.
 */
export class Exports1733500000000 implements MigrationInterface {
  name = 'Exports1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE export_requests (
        request_id uuid PRIMARY KEY,
        request_type text NOT NULL CHECK (request_type IN ('access', 'portability')),
        subject_keys jsonb NOT NULL,
        status text NOT NULL DEFAULT 'collecting' CHECK (status IN ('collecting', 'packaged')),
        package_id uuid,
        records integer,
        created_at timestamptz NOT NULL,
        packaged_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE export_commands (
        command_id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES export_requests (request_id),
        system_id text NOT NULL,
        categories text[] NOT NULL,
        status text NOT NULL CHECK (status IN ('sent', 'retry-pending', 'completed', 'escalated')),
        attempts integer NOT NULL,
        respond_by timestamptz,
        due_at timestamptz,
        last_reason text,
        outcome text,
        parts integer,
        affected_records integer NOT NULL DEFAULT 0,
        UNIQUE (request_id, system_id)
      )`);
    await q.query(`CREATE INDEX export_commands_due ON export_commands (due_at) WHERE due_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE export_parts (
        command_id uuid NOT NULL REFERENCES export_commands (command_id) ON DELETE CASCADE,
        part integer NOT NULL,
        records jsonb NOT NULL,
        PRIMARY KEY (command_id, part)
      )`);
    // The encrypted package while its parts go out one at a time (a Kafka record batch is
    // at most 1 MiB: two parts in one relay batch would be refused); deleted once sent.
    await q.query(`
      CREATE TABLE export_packages (
        package_id uuid PRIMARY KEY,
        request_id uuid NOT NULL UNIQUE REFERENCES export_requests (request_id),
        request_type text NOT NULL,
        encrypted text NOT NULL,
        sha256 text NOT NULL,
        parts integer NOT NULL,
        next_part integer NOT NULL DEFAULT 1,
        records integer NOT NULL,
        categories text[] NOT NULL,
        outcomes jsonb NOT NULL,
        assembled_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_packages`);
    await q.query(`DROP TABLE export_parts`);
    await q.query(`DROP TABLE export_commands`);
    await q.query(`DROP TABLE export_requests`);
  }
}

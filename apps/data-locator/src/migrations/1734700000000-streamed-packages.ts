import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Packages are assembled as a stream (issue 19): a package of a million records is never
 * whole in memory, nor in one column. When every export command has ended the request is
 * `assembling`; the package sender loop then assembles it in its own transaction (not in
 * the Kafka handler of the last reply, which a long assembly would keep from its
 * heartbeat), writing the encrypted package as chunks of one Kafka part each
 * (`export_package_chunks`, bytea), each deleted as its part goes into the outbox.
 * The packages queued before are split into chunks here (their base64 text splits at any
 * multiple of 4 characters).
 */
export class StreamedPackages1734700000000 implements MigrationInterface {
  name = 'StreamedPackages1734700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE export_requests DROP CONSTRAINT export_requests_status_check`);
    await q.query(
      `ALTER TABLE export_requests ADD CONSTRAINT export_requests_status_check CHECK (status IN ('collecting', 'assembling', 'packaged'))`,
    );
    await q.query(`
      CREATE TABLE export_package_chunks (
        package_id uuid NOT NULL REFERENCES export_packages (package_id) ON DELETE CASCADE,
        part integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (package_id, part)
      )`);
    // 614400 characters = PACKAGE_PART_MAX_CHARS, the part size the sender used.
    await q.query(`
      INSERT INTO export_package_chunks (package_id, part, data)
      SELECT package_id, n, decode(substr(encrypted, (n - 1) * 614400 + 1, 614400), 'base64')
        FROM export_packages, generate_series(next_part, parts) AS n`);
    await q.query(`ALTER TABLE export_packages DROP COLUMN encrypted`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Parts already sent are gone from the chunks: a package half sent cannot be put back whole.
    const pending = (await q.query(`SELECT 1 FROM export_packages LIMIT 1`)) as unknown[];
    if (pending.length > 0) throw new Error('packages are still being sent: revert once export_packages is empty');
    await q.query(`ALTER TABLE export_packages ADD COLUMN encrypted text NOT NULL`);
    await q.query(`DROP TABLE export_package_chunks`);
    await q.query(`UPDATE export_requests SET status = 'collecting' WHERE status = 'assembling'`);
    await q.query(`ALTER TABLE export_requests DROP CONSTRAINT export_requests_status_check`);
    await q.query(
      `ALTER TABLE export_requests ADD CONSTRAINT export_requests_status_check CHECK (status IN ('collecting', 'packaged'))`,
    );
  }
}

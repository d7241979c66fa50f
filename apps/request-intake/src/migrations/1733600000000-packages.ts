import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access (Art. 15) and portability (Art. 20) packages, as data-locator sends them: the
 * parts until the package is whole, then the package, encrypted at rest (AES-256-GCM,
 * Art. 32(1)(a)), deleted after its keeping period (Art. 5(1)(e)) — the row stays, without
 * the package, as the trace that it existed and when it was deleted.
 */
export class Packages1733600000000 implements MigrationInterface {
  name = 'Packages1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE package_parts (
        package_id uuid NOT NULL,
        request_id uuid NOT NULL,
        part integer NOT NULL,
        parts integer NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (package_id, part)
      )`);
    await q.query(`
      CREATE TABLE packages (
        package_id uuid PRIMARY KEY,
        request_id uuid NOT NULL UNIQUE,
        request_type text NOT NULL,
        encrypted bytea,
        sha256 text NOT NULL,
        records integer NOT NULL,
        categories text[] NOT NULL,
        stored_at timestamptz NOT NULL,
        delete_after timestamptz NOT NULL,
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX packages_to_delete ON packages (delete_after) WHERE deleted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE packages`);
    await q.query(`DROP TABLE package_parts`);
  }
}

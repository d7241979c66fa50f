import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Packages kept as chunks (issue 19): each `dsr.package.ready.v1` part is stored as it
 * comes, as bytes, in `package_chunks`, and stays there once the package is whole — the
 * package is never put together in memory, nor in one column; downloads read it a chunk
 * at a time. `packages.encrypted` is kept only for the packages stored whole before.
 * The parts still in flight are moved over here.
 */
export class PackageChunks1734700000000 implements MigrationInterface {
  name = 'PackageChunks1734700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE package_chunks (
        package_id uuid NOT NULL,
        request_id uuid NOT NULL,
        part integer NOT NULL,
        parts integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (package_id, part)
      )`);
    await q.query(
      `INSERT INTO package_chunks (package_id, request_id, part, parts, data)
       SELECT package_id, request_id, part, parts, decode(data, 'base64') FROM package_parts`,
    );
    await q.query(`DROP TABLE package_parts`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Packages stored as chunks cannot go back into one column without being whole in memory: refuse.
    const kept = (await q.query(
      `SELECT 1 FROM package_chunks c JOIN packages p USING (package_id) WHERE p.deleted_at IS NULL LIMIT 1`,
    )) as unknown[];
    if (kept.length > 0) throw new Error('packages are stored as chunks: revert once they are deleted');
    await q.query(`
      CREATE TABLE package_parts (
        package_id uuid NOT NULL,
        request_id uuid NOT NULL,
        part integer NOT NULL,
        parts integer NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (package_id, part)
      )`);
    await q.query(
      `INSERT INTO package_parts (package_id, request_id, part, parts, data)
       SELECT package_id, request_id, part, parts, translate(encode(data, 'base64'), E'\\n', '') FROM package_chunks
        WHERE package_id NOT IN (SELECT package_id FROM packages)`,
    );
    await q.query(`DROP TABLE package_chunks`);
  }
}

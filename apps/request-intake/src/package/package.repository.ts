/**
 * The only TypeORM user of the package feature: `package_chunks` (the encrypted package, a
 * Kafka part per row, kept as it came) and `packages` (raw SQL, scoped by id).
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface StoredPackage {
  packageId: string;
  requestId: string;
  requestType: string;
  /** Stored whole in `packages.encrypted` (before chunks, migration 1734700000000); else in `package_chunks`. */
  whole: boolean;
  records: number;
  deleteAfter: Date;
  deletedAt: Date | null;
}

const COLUMNS = `package_id AS "packageId", request_id AS "requestId", request_type AS "requestType", encrypted IS NOT NULL AS whole, records, delete_after AS "deleteAfter", deleted_at AS "deletedAt"`;

@Injectable()
export class PackageRepository {
  /** Stores one part (a repeated one, or one of a package already stored, is ignored); returns how many distinct parts are in (0 once stored). */
  async addPart(
    tx: EntityManager,
    p: { packageId: string; requestId: string; part: number; parts: number; data: string },
  ): Promise<number> {
    if (((await tx.query(`SELECT 1 FROM packages WHERE package_id = $1`, [p.packageId])) as unknown[]).length > 0)
      return 0;
    await tx.query(
      `INSERT INTO package_chunks (package_id, request_id, part, parts, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [p.packageId, p.requestId, p.part, p.parts, Buffer.from(p.data, 'base64')],
    );
    const rows = (await tx.query(`SELECT count(*)::int AS n FROM package_chunks WHERE package_id = $1`, [
      p.packageId,
    ])) as { n: number }[];
    return rows[0].n;
  }

  /** The encrypted package, a chunk at a time, in order: never whole in memory. */
  async *chunksOf(m: EntityManager, packageId: string): AsyncGenerator<Buffer> {
    for (let after = 0; ;) {
      const rows = (await m.query(
        `SELECT part, data FROM package_chunks WHERE package_id = $1 AND part > $2 ORDER BY part LIMIT 1`,
        [packageId, after],
      )) as { part: number; data: Buffer }[];
      if (rows.length === 0) return;
      after = rows[0].part;
      yield rows[0].data;
    }
  }

  /** A package stored whole, before chunks (StoredPackage.whole). */
  async *wholeOf(m: EntityManager, packageId: string): AsyncGenerator<Buffer> {
    const rows = (await m.query(`SELECT encrypted FROM packages WHERE package_id = $1 AND encrypted IS NOT NULL`, [
      packageId,
    ])) as { encrypted: Buffer }[];
    if (rows.length) yield rows[0].encrypted;
  }

  /** True if stored now; false if the request already has its package. */
  async store(
    tx: EntityManager,
    p: {
      packageId: string;
      requestId: string;
      requestType: string;
      sha256: string;
      records: number;
      categories: string[];
      storedAt: Date;
      deleteAfter: Date;
    },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO packages (package_id, request_id, request_type, sha256, records, categories, stored_at, delete_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING package_id`,
      [p.packageId, p.requestId, p.requestType, p.sha256, p.records, p.categories, p.storedAt, p.deleteAfter],
    )) as unknown[];
    // Another package for a request that has one (a re-assembly): its chunks are not kept.
    if (rows.length === 0)
      await tx.query(
        `DELETE FROM package_chunks WHERE package_id = $1 AND NOT EXISTS (SELECT 1 FROM packages WHERE package_id = $1)`,
        [p.packageId],
      );
    return rows.length === 1;
  }

  async ofRequest(tx: EntityManager, requestId: string): Promise<StoredPackage | undefined> {
    const rows = (await tx.query(`SELECT ${COLUMNS} FROM packages WHERE request_id = $1`, [
      requestId,
    ])) as StoredPackage[];
    return rows[0];
  }

  /** Packages past their keeping period, locked (SKIP LOCKED: replicas share the work). */
  async takeExpired(tx: EntityManager, now: Date, limit: number): Promise<StoredPackage[]> {
    return (await tx.query(
      `SELECT ${COLUMNS} FROM packages WHERE deleted_at IS NULL AND delete_after <= $1 ORDER BY delete_after LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as StoredPackage[];
  }

  async markDeleted(tx: EntityManager, packageId: string, at: Date): Promise<void> {
    await tx.query(`UPDATE packages SET encrypted = NULL, deleted_at = $2 WHERE package_id = $1`, [packageId, at]);
    await tx.query(`DELETE FROM package_chunks WHERE package_id = $1`, [packageId]);
  }
}

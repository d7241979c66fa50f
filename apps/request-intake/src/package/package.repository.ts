/** The only TypeORM user of the package feature: `package_parts` and `packages` (raw SQL, scoped by id). */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface StoredPackage {
  packageId: string;
  requestId: string;
  requestType: string;
  encrypted: Buffer | null;
  records: number;
  deleteAfter: Date;
  deletedAt: Date | null;
}

const COLUMNS = `package_id AS "packageId", request_id AS "requestId", request_type AS "requestType", encrypted, records, delete_after AS "deleteAfter", deleted_at AS "deletedAt"`;

@Injectable()
export class PackageRepository {
  /** Stores one part (a repeated one, or one of a package already stored, is ignored); returns the parts in, in order (none once stored). */
  async addPart(
    tx: EntityManager,
    p: { packageId: string; requestId: string; part: number; parts: number; data: string },
  ): Promise<{ part: number; data: string }[]> {
    if (((await tx.query(`SELECT 1 FROM packages WHERE package_id = $1`, [p.packageId])) as unknown[]).length > 0)
      return [];
    await tx.query(
      `INSERT INTO package_parts (package_id, request_id, part, parts, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [p.packageId, p.requestId, p.part, p.parts, p.data],
    );
    return (await tx.query(`SELECT part, data FROM package_parts WHERE package_id = $1 ORDER BY part`, [
      p.packageId,
    ])) as { part: number; data: string }[];
  }

  /** True if stored now; false if the request already has its package. */
  async store(
    tx: EntityManager,
    p: {
      packageId: string;
      requestId: string;
      requestType: string;
      encrypted: Buffer;
      sha256: string;
      records: number;
      categories: string[];
      storedAt: Date;
      deleteAfter: Date;
    },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO packages (package_id, request_id, request_type, encrypted, sha256, records, categories, stored_at, delete_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING package_id`,
      [
        p.packageId,
        p.requestId,
        p.requestType,
        p.encrypted,
        p.sha256,
        p.records,
        p.categories,
        p.storedAt,
        p.deleteAfter,
      ],
    )) as unknown[];
    await tx.query(`DELETE FROM package_parts WHERE package_id = $1`, [p.packageId]);
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
  }
}

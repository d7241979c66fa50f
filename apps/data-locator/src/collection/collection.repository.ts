/**
 * The only TypeORM user of the collection feature: export requests, their commands and the
 * parts of the replies, in raw SQL (tables of migration 1733500000000-exports). Every
 * method takes the transaction's manager and the scope (request or command id) it needs.
 * Long on purpose: the SQL of one aggregate (an export collection with its commands, parts
 * and package chunks).
 */
import type { LinkedSubjectKeys } from '@datarights/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type ExportStatus = 'sent' | 'retry-pending' | 'completed' | 'escalated';

export interface ExportCommandRow {
  commandId: string;
  requestId: string;
  systemId: string;
  categories: string[];
  status: ExportStatus;
  attempts: number;
  respondBy: Date | null;
  dueAt: Date | null;
  lastReason: string | null;
  outcome: string | null;
  parts: number | null;
  affectedRecords: number;
}

export interface ExportRequestRow {
  requestId: string;
  requestType: 'access' | 'portability';
  /** The plan's keys as stored when the collection began (`PlanBuilt.subjectKeys`). */
  subjectKeys: LinkedSubjectKeys;
  status: 'collecting' | 'assembling' | 'packaged';
  createdAt: Date;
}

const REQUEST_COLUMNS = `request_id AS "requestId", request_type AS "requestType", subject_keys AS "subjectKeys", status, created_at AS "createdAt"`;
const COMMAND_COLUMNS = `command_id AS "commandId", request_id AS "requestId", system_id AS "systemId", categories, status, attempts,
  respond_by AS "respondBy", due_at AS "dueAt", last_reason AS "lastReason", outcome, parts, affected_records AS "affectedRecords"`;

@Injectable()
export class CollectionRepository {
  /** True if the request is new (one collection per request, whatever the redeliveries). */
  async insertRequest(
    tx: EntityManager,
    r: { requestId: string; requestType: string; subjectKeys: object; createdAt: Date },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO export_requests (request_id, request_type, subject_keys, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
      [r.requestId, r.requestType, JSON.stringify(r.subjectKeys), r.createdAt],
    )) as unknown[];
    return rows.length === 1;
  }

  async lockRequest(tx: EntityManager, requestId: string): Promise<ExportRequestRow | undefined> {
    const rows = (await tx.query(`SELECT ${REQUEST_COLUMNS} FROM export_requests WHERE request_id = $1 FOR UPDATE`, [
      requestId,
    ])) as ExportRequestRow[];
    return rows[0];
  }

  /** Every command has ended: the package sender loop assembles it next (takeAssembling). */
  async markAssembling(tx: EntityManager, requestId: string): Promise<void> {
    await tx.query(`UPDATE export_requests SET status = 'assembling' WHERE request_id = $1`, [requestId]);
  }

  /** The oldest request waiting for its package, locked (SKIP LOCKED: replicas assemble different ones). */
  async takeAssembling(tx: EntityManager): Promise<ExportRequestRow | undefined> {
    const rows = (await tx.query(
      `SELECT ${REQUEST_COLUMNS} FROM export_requests WHERE status = 'assembling' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    )) as ExportRequestRow[];
    return rows[0];
  }

  /**
   * Packaged: every command has completed or been escalated, so no export command will be
   * sent (or re-sent) again, and the subject's keys it carried are no longer needed here:
   * they are dropped (Art. 5(1)(c), (e); issue 13).
   */
  async markPackaged(
    tx: EntityManager,
    requestId: string,
    packageId: string,
    records: number,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE export_requests SET status = 'packaged', package_id = $2, records = $3, packaged_at = $4, subject_keys = '{}'::jsonb
        WHERE request_id = $1`,
      [requestId, packageId, records, at],
    );
  }

  async insertCommand(
    tx: EntityManager,
    c: Omit<ExportCommandRow, 'outcome' | 'parts' | 'affectedRecords'>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO export_commands (command_id, request_id, system_id, categories, status, attempts, respond_by, due_at, last_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [c.commandId, c.requestId, c.systemId, c.categories, c.status, c.attempts, c.respondBy, c.dueAt, c.lastReason],
    );
  }

  async lockCommand(tx: EntityManager, commandId: string): Promise<ExportCommandRow | undefined> {
    const rows = (await tx.query(`SELECT ${COMMAND_COLUMNS} FROM export_commands WHERE command_id = $1 FOR UPDATE`, [
      commandId,
    ])) as ExportCommandRow[];
    return rows[0];
  }

  async updateCommand(
    tx: EntityManager,
    commandId: string,
    patch: Partial<
      Pick<
        ExportCommandRow,
        'status' | 'attempts' | 'respondBy' | 'dueAt' | 'lastReason' | 'outcome' | 'parts' | 'affectedRecords'
      >
    >,
  ): Promise<void> {
    const columns: Record<string, string> = {
      status: 'status',
      attempts: 'attempts',
      respondBy: 'respond_by',
      dueAt: 'due_at',
      lastReason: 'last_reason',
      outcome: 'outcome',
      parts: 'parts',
      affectedRecords: 'affected_records',
    };
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([k], i) => `${columns[k]} = $${i + 2}`).join(', ');
    await tx.query(`UPDATE export_commands SET ${sets} WHERE command_id = $1`, [
      commandId,
      ...entries.map(([, v]) => v),
    ]);
  }

  async commandsOf(tx: EntityManager, requestId: string): Promise<ExportCommandRow[]> {
    return (await tx.query(`SELECT ${COMMAND_COLUMNS} FROM export_commands WHERE request_id = $1 ORDER BY system_id`, [
      requestId,
    ])) as ExportCommandRow[];
  }

  /** Commands past their time, locked so that two replicas never handle one twice. */
  async takeDue(tx: EntityManager, now: Date, limit: number): Promise<ExportCommandRow[]> {
    return (await tx.query(
      `SELECT ${COMMAND_COLUMNS} FROM export_commands WHERE due_at IS NOT NULL AND due_at <= $1 AND status IN ('sent', 'retry-pending')
       ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as ExportCommandRow[];
  }

  /** Stores one part (a repeated part is ignored) and returns how many distinct parts are in. */
  async addPart(
    tx: EntityManager,
    commandId: string,
    part: number,
    records: Record<string, unknown>[],
  ): Promise<number> {
    await tx.query(`INSERT INTO export_parts (command_id, part, records) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      commandId,
      part,
      JSON.stringify(records),
    ]);
    const rows = (await tx.query(`SELECT count(*)::int AS n FROM export_parts WHERE command_id = $1`, [commandId])) as {
      n: number;
    }[];
    return rows[0].n;
  }

  /** How many records a command's parts hold, counted by PostgreSQL (the records stay there). */
  async recordCount(tx: EntityManager, commandId: string): Promise<number> {
    const rows = (await tx.query(
      `SELECT coalesce(sum(jsonb_array_length(records)), 0)::int AS n FROM export_parts WHERE command_id = $1`,
      [commandId],
    )) as { n: number }[];
    return rows[0].n;
  }

  /** A command's records, one stored part at a time, parts in order: never all of them at once. */
  async *partsOf(tx: EntityManager, commandId: string): AsyncGenerator<Record<string, unknown>[]> {
    for (let after = 0; ;) {
      const rows = (await tx.query(
        `SELECT part, records FROM export_parts WHERE command_id = $1 AND part > $2 ORDER BY part LIMIT 1`,
        [commandId, after],
      )) as { part: number; records: Record<string, unknown>[] }[];
      if (rows.length === 0) return;
      after = rows[0].part;
      yield rows[0].records;
    }
  }

  /** Once packaged, data-locator keeps no copy of the subject's records. */
  async deleteParts(tx: EntityManager, requestId: string): Promise<void> {
    await tx.query(
      `DELETE FROM export_parts WHERE command_id IN (SELECT command_id FROM export_commands WHERE request_id = $1)`,
      [requestId],
    );
  }

  async insertPackage(tx: EntityManager, p: PendingPackage): Promise<void> {
    await tx.query(
      `INSERT INTO export_packages (package_id, request_id, request_type, sha256, parts, records, categories, outcomes, assembled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        p.packageId,
        p.requestId,
        p.requestType,
        p.sha256,
        p.parts,
        p.records,
        p.categories,
        JSON.stringify(p.outcomes),
        p.assembledAt,
      ],
    );
  }

  /** One chunk of the encrypted package: what one `packageReady` part carries. */
  async addPackageChunk(tx: EntityManager, packageId: string, part: number, data: Buffer): Promise<void> {
    await tx.query(`INSERT INTO export_package_chunks (package_id, part, data) VALUES ($1, $2, $3)`, [
      packageId,
      part,
      data,
    ]);
  }

  /** The package's chunks are all written: how many, and the digest of them all. */
  async finishPackage(
    tx: EntityManager,
    packageId: string,
    parts: number,
    sha256: string,
    content: { records: number; categories: string[]; thirdPartyRecords?: number },
  ): Promise<void> {
    await tx.query(
      `UPDATE export_packages SET parts = $2, sha256 = $3, records = $4, categories = $5, third_party_data = $6 WHERE package_id = $1`,
      [packageId, parts, sha256, content.records, content.categories, (content.thirdPartyRecords ?? 0) > 0],
    );
  }

  /** Takes a chunk to send: deleted here in the transaction that puts it into the outbox. */
  async takePackageChunk(tx: EntityManager, packageId: string, part: number): Promise<Buffer> {
    const rows = (await tx.query(
      // As a SELECT: TypeORM returns [rows, count] for a bare DELETE … RETURNING.
      `WITH taken AS (DELETE FROM export_package_chunks WHERE package_id = $1 AND part = $2 RETURNING data) SELECT data FROM taken`,
      [packageId, part],
    )) as { data: Buffer }[];
    if (rows.length === 0) throw new Error(`package ${packageId}: chunk ${part} missing`);
    return rows[0].data;
  }

  /**
   * The next package with a part to send, locked — or none while a package part is still
   * unsent in the outbox (one part per relay batch: a Kafka record batch is at most 1 MiB).
   */
  async nextPackageToSend(tx: EntityManager): Promise<PendingPackage | undefined> {
    const [{ locked }] = (await tx.query(
      `SELECT pg_try_advisory_xact_lock(hashtext('datarights.data-locator.package-sender')) AS locked`,
    )) as { locked: boolean }[];
    if (!locked) return undefined;
    const inFlight = (await tx.query(
      `SELECT 1 FROM outbox WHERE sent_at IS NULL AND envelope->>'type' = 'dsr.package.ready.v1' LIMIT 1`,
    )) as unknown[];
    if (inFlight.length > 0) return undefined;
    const rows = (await tx.query(
      `SELECT package_id AS "packageId", request_id AS "requestId", request_type AS "requestType", sha256, parts, next_part AS "nextPart",
              records, categories, outcomes, assembled_at AS "assembledAt", third_party_data AS "thirdPartyData"
       FROM export_packages ORDER BY assembled_at LIMIT 1 FOR UPDATE`,
    )) as PendingPackage[];
    return rows[0];
  }

  async advancePackage(tx: EntityManager, packageId: string, nextPart: number): Promise<void> {
    await tx.query(`UPDATE export_packages SET next_part = $2 WHERE package_id = $1`, [packageId, nextPart]);
  }

  async deletePackage(tx: EntityManager, packageId: string): Promise<void> {
    await tx.query(`DELETE FROM export_packages WHERE package_id = $1`, [packageId]);
  }
}

export interface PendingPackage {
  packageId: string;
  requestId: string;
  requestType: 'access' | 'portability';
  /** Of the whole encrypted package (its chunks in `export_package_chunks`). */
  sha256: string;
  parts: number;
  nextPart: number;
  records: number;
  categories: string[];
  outcomes: { systemId: string; outcome: string; affectedRecords: number; categories: string[] }[];
  assembledAt: Date;
  /** A system flagged records of it as holding other people's data: the DPO releases it (Art. 15(4)). */
  thirdPartyData?: boolean;
}

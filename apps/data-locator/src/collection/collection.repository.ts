/**
 * The only TypeORM user of the collection feature: export requests, their commands and the
 * parts of the replies, in raw SQL (tables of migration 1733500000000-exports). Every
 * method takes the transaction's manager and the scope (request or command id) it needs.
 */
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
  subjectKeys: Record<string, string[]>;
  status: 'collecting' | 'packaged';
}

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
    const rows = (await tx.query(
      `SELECT request_id AS "requestId", request_type AS "requestType", subject_keys AS "subjectKeys", status FROM export_requests WHERE request_id = $1 FOR UPDATE`,
      [requestId],
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

  /** Every record of a command, parts in order. */
  async recordsOf(tx: EntityManager, commandId: string): Promise<Record<string, unknown>[]> {
    const rows = (await tx.query(`SELECT records FROM export_parts WHERE command_id = $1 ORDER BY part`, [
      commandId,
    ])) as { records: Record<string, unknown>[] }[];
    return rows.flatMap((r) => r.records);
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
      `INSERT INTO export_packages (package_id, request_id, request_type, encrypted, sha256, parts, records, categories, outcomes, assembled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        p.packageId,
        p.requestId,
        p.requestType,
        p.encrypted,
        p.sha256,
        p.parts,
        p.records,
        p.categories,
        JSON.stringify(p.outcomes),
        p.assembledAt,
      ],
    );
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
      `SELECT package_id AS "packageId", request_id AS "requestId", request_type AS "requestType", encrypted, sha256, parts, next_part AS "nextPart",
              records, categories, outcomes, assembled_at AS "assembledAt"
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
  /** Base64 of the encrypted zip. */
  encrypted: string;
  sha256: string;
  parts: number;
  nextPart: number;
  records: number;
  categories: string[];
  outcomes: { systemId: string; outcome: string; affectedRecords: number; categories: string[] }[];
  assembledAt: Date;
}

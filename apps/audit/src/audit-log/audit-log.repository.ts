/** The only TypeORM user for appending to the evidence log; every call runs in the handler's transaction. */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChainedContent } from './canonical-hash';

/** The transaction a caller hands through (the service never touches TypeORM itself). */
export type Tx = EntityManager;

export interface NewEntry extends ChainedContent {
  prevHash: string;
  hash: string;
  signature: string;
  sigKeyId: string;
}

@Injectable()
export class AuditLogRepository {
  /**
   * Serialises appends for the rest of the transaction, across partitions and replicas:
   * two entries reading the same last hash would fork the chain. Transaction-scoped, so a
   * crash can never leave it held.
   */
  async lockChain(tx: Tx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit-chain'))`);
  }

  /** Whether the log holds a command with this id sent to this system. */
  async commandSentTo(tx: Tx, commandId: string, systemId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM audit_entries
       WHERE type LIKE 'pdata.command.%' AND type NOT IN ('pdata.command.completed.v1', 'pdata.command.failed.v1')
         AND payload->>'commandId' = $1 AND payload->>'systemId' = $2 LIMIT 1`,
      [commandId, systemId],
    );
    return rows.length > 0;
  }

  /**
   * Where the chain stands for an event about to be appended (call under the lock), in one
   * round trip: whether the event is already in the log, else the last entry's hash and
   * the next sequence number (taken only when it will be used, so that a repeated event
   * leaves no gap). Three statements before, on every event the service reads.
   */
  async head(
    tx: Tx,
    eventId: string,
  ): Promise<{ recorded: true } | { recorded: false; lastHash?: string; seq: number }> {
    const rows: { recorded: boolean; last_hash: string | null; seq: string | null }[] = await tx.query(
      `WITH recorded AS (SELECT EXISTS (SELECT 1 FROM audit_entries WHERE event_id = $1) AS yes)
       SELECT recorded.yes AS recorded,
              CASE WHEN recorded.yes THEN NULL ELSE (SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1) END AS last_hash,
              CASE WHEN recorded.yes THEN NULL ELSE nextval(pg_get_serial_sequence('audit_entries', 'seq'))::text END AS seq
         FROM recorded`,
      [eventId],
    );
    const row = rows[0]!;
    if (row.recorded) return { recorded: true };
    return { recorded: false, ...(row.last_hash ? { lastHash: row.last_hash } : {}), seq: Number(row.seq) };
  }

  async insert(tx: Tx, e: NewEntry): Promise<void> {
    await tx.query(
      `INSERT INTO audit_entries (seq, event_id, type, source, occurred_at, request_id, subject_hashes, payload, key_id, prev_hash, hash, signature, sig_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        e.seq,
        e.eventId,
        e.type,
        e.source,
        e.occurredAt,
        e.requestId,
        e.subjectHashes,
        JSON.stringify(e.payload),
        e.keyId,
        e.prevHash,
        e.hash,
        e.signature,
        e.sigKeyId,
      ],
    );
  }
}

/** The only SQL of checkpoints: the log's head, and the checkpoints this service signed (append-only). */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Checkpoint } from '../signing/checkpoint';

interface CheckpointRow {
  log: string;
  entries: string;
  head_seq: string;
  head_hash: string;
  signed_at: Date;
  key_id: string;
  signature: string;
}

const fromRow = (r: CheckpointRow): Checkpoint => ({
  log: r.log,
  entries: Number(r.entries),
  headSeq: Number(r.head_seq),
  headHash: r.head_hash,
  time: r.signed_at.toISOString(),
  keyId: r.key_id,
  signature: r.signature,
});

@Injectable()
export class CheckpointRepository {
  /** One checkpoint at a time across replicas, for the rest of the transaction. */
  async lock(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit-checkpoint'))`);
  }

  /** The last entry (committed entries are in sequence order: appends hold the chain lock). */
  async head(m: EntityManager): Promise<{ seq: number; hash: string } | undefined> {
    const rows: { seq: string; hash: string }[] = await m.query(
      `SELECT e.seq::text AS seq, e.hash FROM audit_entries e ORDER BY e.seq DESC LIMIT 1`,
    );
    return rows[0] && { seq: Number(rows[0].seq), hash: rows[0].hash };
  }

  /** How many entries have a sequence number in (after, upTo]. */
  async countBetween(m: EntityManager, after: number, upTo: number): Promise<number> {
    const rows: { n: string }[] = await m.query(
      `SELECT count(*)::text AS n FROM audit_entries WHERE seq > $1 AND seq <= $2`,
      [after, upTo],
    );
    return Number(rows[0]!.n);
  }

  /** The latest stored checkpoints of a log, newest first (the caller checks their signatures). */
  async latest(m: EntityManager, log: string, limit = 5): Promise<Checkpoint[]> {
    const rows: CheckpointRow[] = await m.query(
      `SELECT c.log, c.entries::text AS entries, c.head_seq::text AS head_seq, c.head_hash, c.signed_at, c.key_id, c.signature
         FROM audit_checkpoints c WHERE c.log = $1 ORDER BY c.entries DESC, c.signed_at DESC LIMIT $2`,
      [log, limit],
    );
    return rows.map(fromRow);
  }

  async insert(m: EntityManager, c: Checkpoint): Promise<void> {
    await m.query(
      `INSERT INTO audit_checkpoints (log, entries, head_seq, head_hash, signed_at, key_id, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.log, c.entries, c.headSeq, c.headHash, c.time, c.keyId, c.signature],
    );
  }
}

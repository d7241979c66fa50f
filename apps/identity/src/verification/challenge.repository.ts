/**
 * The only TypeORM user for challenges; every method is scoped by request id (or, for the
 * per-subject count of wrong codes, by subject) and takes the caller's transaction.
 */
import { Injectable } from '@nestjs/common';
import type { Tx } from '../subject-graph/subject-graph.repository';
import type { ChallengeState } from './challenge-rules';

export interface StoredChallenge extends ChallengeState {
  requestId: string;
  channel: 'email' | 'sms';
}

interface Row {
  request_id: string;
  channel: 'email' | 'sms';
  code_hash: string;
  issue: number;
  attempts: number;
  sent_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

@Injectable()
export class ChallengeRepository {
  /** Locks the challenge row for the rest of the transaction (answers to one request are serialised). */
  async lock(tx: Tx, requestId: string): Promise<StoredChallenge | undefined> {
    const rows: Row[] = await tx.query(`SELECT * FROM challenges WHERE request_id = $1 FOR UPDATE`, [requestId]);
    const r = rows[0];
    return (
      r && {
        requestId: r.request_id,
        channel: r.channel,
        codeHash: r.code_hash,
        issue: r.issue,
        attempts: r.attempts,
        sentAt: r.sent_at,
        expiresAt: r.expires_at,
        usedAt: r.used_at,
      }
    );
  }

  /** A new code for the request (the first, or a resend): attempts start again. */
  async put(
    tx: Tx,
    requestId: string,
    c: { channel: 'email' | 'sms'; codeHash: string; issue: number; sentAt: Date; expiresAt: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO challenges (request_id, channel, code_hash, issue, attempts, sent_at, expires_at, used_at) VALUES ($1, $2, $3, $4, 0, $5, $6, NULL)
       ON CONFLICT (request_id) DO UPDATE SET channel = $2, code_hash = $3, issue = $4, attempts = 0, sent_at = $5, expires_at = $6, used_at = NULL`,
      [requestId, c.channel, c.codeHash, c.issue, c.sentAt, c.expiresAt],
    );
  }

  async recordAttempt(tx: Tx, requestId: string, attempts: number, usedAt: Date | null): Promise<void> {
    await tx.query(`UPDATE challenges SET attempts = $2, used_at = COALESCE($3, used_at) WHERE request_id = $1`, [
      requestId,
      attempts,
      usedAt,
    ]);
  }

  /**
   * Serialises the answers of one subject, across their requests, for the rest of the
   * transaction: without it two answers to two requests could both read a count one below
   * the limit and both be compared.
   */
  async lockSubject(tx: Tx, subjectRef: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('identity.wrong_codes:' || $1, 0))`, [subjectRef]);
  }

  /** The subject's wrong codes since `since`, over all their requests. */
  async wrongCodesSince(tx: Tx, subjectRef: string, since: Date): Promise<number> {
    const rows: { n: number }[] = await tx.query(
      `SELECT count(*)::int AS n FROM wrong_codes WHERE subject_ref = $1 AND at > $2`,
      [subjectRef, since],
    );
    return rows[0]?.n ?? 0;
  }

  /** Records a wrong code, and forgets every wrong code (anyone's) older than the window. */
  async recordWrongCode(tx: Tx, subjectRef: string, requestId: string, at: Date, forgetBefore: Date): Promise<void> {
    await tx.query(`INSERT INTO wrong_codes (subject_ref, request_id, at) VALUES ($1, $2, $3)`, [
      subjectRef,
      requestId,
      at,
    ]);
    await tx.query(`DELETE FROM wrong_codes WHERE at <= $1`, [forgetBefore]);
  }
}

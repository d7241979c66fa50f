/** The only TypeORM user for challenges; every method is scoped by request id and takes the caller's transaction. */
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
}

/**
 * The reads behind the executor's metrics: per system, the commands waiting for a reply
 * and the time of its last reply, and the actions completed by a reply since a time. The
 * action table has no reply timestamp of its own: a completed action is never updated
 * again (later replies are ignored), so its `updated_at` is when the completing reply was
 * handled, and its `created_at` when the command was first sent. Forwards to a processor
 * system's controller (Art. 28) are answered by the DPO, not by the system: not replies.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PENDING_STATUSES } from '../execution/store/action.store';

export interface SystemSnapshot {
  systemId: string;
  pending: number;
  /** The last completing reply, or null if the system never sent one. */
  lastReplyAt: Date | null;
  /** The first send of its oldest command still waiting for a reply, or null. */
  oldestPendingAt: Date | null;
}

export interface CompletedAction {
  commandId: string;
  systemId: string;
  completedAt: Date;
  roundTripSeconds: number;
}

@Injectable()
export class ExecutorMetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async now(): Promise<Date> {
    const [row] = await this.dataSource.query(`SELECT now() AS now`);
    return new Date(row.now);
  }

  /** Every system the executor ever sent a command to (one grouped scan of the action table). */
  async systems(): Promise<SystemSnapshot[]> {
    const rows: Array<{ system_id: string; pending: number; last_reply: Date | null; oldest_pending: Date | null }> =
      await this.dataSource.query(
        `SELECT system_id,
              count(*) FILTER (WHERE status = ANY($1::text[]))::int AS pending,
              max(updated_at) FILTER (WHERE status = 'completed' AND kind <> 'forward') AS last_reply,
              min(created_at) FILTER (WHERE status = ANY($1::text[]) AND kind <> 'forward') AS oldest_pending
         FROM action
        GROUP BY system_id`,
        [PENDING_STATUSES],
      );
    return rows.map((r) => ({
      systemId: r.system_id,
      pending: r.pending,
      lastReplyAt: r.last_reply ? new Date(r.last_reply) : null,
      oldestPendingAt: r.oldest_pending ? new Date(r.oldest_pending) : null,
    }));
  }

  /** Art. 19 notices to recipients, per recipient system (`none` without one) and status. */
  async recipientNotices(): Promise<Array<{ recipient: string; status: string; count: number }>> {
    const rows: Array<{ recipient: string; status: string; count: number }> = await this.dataSource.query(
      `SELECT COALESCE(recipient_system_id, 'none') AS recipient, status, count(*)::int AS count FROM recipient_notice GROUP BY 1, 2`,
    );
    return rows;
  }

  /** Actions completed by a reply after `since`, oldest first: first send → completing reply. */
  async completedSince(since: Date, limit = 5000): Promise<CompletedAction[]> {
    const rows: Array<{ command_id: string; system_id: string; completed_at: Date; seconds: number }> =
      await this.dataSource.query(
        `SELECT command_id, system_id, updated_at AS completed_at,
              GREATEST(EXTRACT(EPOCH FROM updated_at - created_at), 0)::float AS seconds
         FROM action
        WHERE status = 'completed' AND kind <> 'forward' AND updated_at > $1
        ORDER BY updated_at
        LIMIT $2`,
        [since, limit],
      );
    return rows.map((r) => ({
      commandId: r.command_id,
      systemId: r.system_id,
      completedAt: new Date(r.completed_at),
      roundTripSeconds: r.seconds,
    }));
  }
}

/**
 * The Art. 19 notices in PostgreSQL. Every method works in the caller's transaction
 * (`in(manager)`); rows the timeout loop takes are locked FOR UPDATE SKIP LOCKED, so two
 * replicas never remind the same recipient twice.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  NoticeAction,
  Recipient,
  RecipientNoticeStatus as NoticeStatus,
  RecipientRef,
} from '@datarights/contracts';

export interface Notice {
  noticeId: string;
  requestId: string;
  sourceCommandId: string;
  fromSystemId: string;
  recipient: RecipientRef;
  action: NoticeAction;
  categories: string[];
  params: { changes?: Record<string, string>; ground?: string };
  status: NoticeStatus;
  reminders: number;
  respondBy: Date | null;
  reason: string | null;
}

export type NewNotice = Omit<Notice, 'reminders'>;

interface Row {
  notice_id: string;
  request_id: string;
  source_command_id: string;
  from_system_id: string;
  recipient_name: string;
  recipient_kind: string;
  recipient_country: string;
  recipient_system_id: string | null;
  action: NoticeAction;
  categories: string[];
  params: Notice['params'];
  status: NoticeStatus;
  reminders: number;
  respond_by: Date | null;
  reason: string | null;
}

const toNotice = (r: Row): Notice => ({
  noticeId: r.notice_id,
  requestId: r.request_id,
  sourceCommandId: r.source_command_id,
  fromSystemId: r.from_system_id,
  recipient: {
    name: r.recipient_name,
    kind: r.recipient_kind,
    country: r.recipient_country,
    ...(r.recipient_system_id ? { systemId: r.recipient_system_id } : {}),
  },
  action: r.action,
  categories: r.categories,
  params: r.params,
  status: r.status,
  reminders: r.reminders,
  respondBy: r.respond_by,
  reason: r.reason,
});

export class RecipientNoticeStore {
  constructor(private readonly m: EntityManager) {}

  /** The recipients a system registered (Art. 30(1)(d)); empty for a system never registered. */
  async recipientsOf(systemId: string): Promise<Recipient[]> {
    const rows = (await this.m.query(`SELECT recipients FROM system_registration WHERE system_id = $1`, [
      systemId,
    ])) as { recipients: Recipient[] }[];
    return rows[0]?.recipients ?? [];
  }

  /** False if this recipient was already told of this action (a redelivered reply). */
  async insert(n: NewNotice): Promise<boolean> {
    const rows = (await this.m.query(
      `INSERT INTO recipient_notice (notice_id, request_id, source_command_id, from_system_id, recipient_name, recipient_kind, recipient_country, recipient_system_id,
                                     action, categories, params, status, respond_by, due_at, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
       ON CONFLICT (source_command_id, recipient_name) DO NOTHING RETURNING notice_id`,
      [
        n.noticeId,
        n.requestId,
        n.sourceCommandId,
        n.fromSystemId,
        n.recipient.name,
        n.recipient.kind,
        n.recipient.country,
        n.recipient.systemId ?? null,
        n.action,
        n.categories,
        JSON.stringify(n.params),
        n.status,
        n.respondBy,
        n.reason,
      ],
    )) as unknown[];
    return rows.length > 0;
  }

  /** The notice, locked until the transaction ends (replies, the DPO and the loop serialise on it). */
  async lock(noticeId: string): Promise<Notice | undefined> {
    const rows = (await this.m.query(`SELECT * FROM recipient_notice WHERE notice_id = $1 FOR UPDATE`, [
      noticeId,
    ])) as Row[];
    return rows[0] && toNotice(rows[0]);
  }

  /** Notices past their time without an acknowledgement, locked; rows another replica holds are skipped. */
  async takeDue(now: Date, limit: number): Promise<Notice[]> {
    const rows = (await this.m.query(
      `SELECT * FROM recipient_notice WHERE status = 'awaiting-acknowledgement' AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as Row[];
    return rows.map(toNotice);
  }

  async reminded(noticeId: string, reminders: number, respondBy: Date): Promise<void> {
    await this.m.query(
      `UPDATE recipient_notice SET reminders = $2, respond_by = $3, due_at = $3, updated_at = now() WHERE notice_id = $1`,
      [noticeId, reminders, respondBy],
    );
  }

  /**
   * The notice has ended (acknowledged, declined, unacknowledged): nothing will be sent
   * again, so a rectification's corrected values are not kept (Art. 5(1)(c)).
   */
  async end(
    noticeId: string,
    status: Exclude<NoticeStatus, 'awaiting-acknowledgement' | 'not-notified'>,
    change: { reason?: string; acknowledgedBy?: string; at: Date },
  ): Promise<void> {
    await this.m.query(
      `UPDATE recipient_notice SET status = $2, due_at = NULL, params = params - 'changes', reason = COALESCE($3, reason),
              acknowledged_by = $4, acknowledged_at = CASE WHEN $4::text IS NULL THEN acknowledged_at ELSE $5 END, updated_at = now()
       WHERE notice_id = $1`,
      [noticeId, status, change.reason ?? null, change.acknowledgedBy ?? null, change.at],
    );
  }
}

@Injectable()
export class RecipientNoticeRepository {
  in(manager: EntityManager): RecipientNoticeStore {
    return new RecipientNoticeStore(manager);
  }
}

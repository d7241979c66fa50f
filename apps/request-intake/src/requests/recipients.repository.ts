/** The request's Art. 19 recipients in PostgreSQL (request_recipients), in the caller's transaction. */
import { Injectable } from '@nestjs/common';
import type { RecipientNoticeStatus as RecipientStatus, RecipientRef } from '@datarights/contracts';
import type { Tx } from './requests.repository';

export interface RecipientRow {
  noticeId: string;
  recipient: RecipientRef;
  fromSystemId: string;
  action: string;
  categories: string[];
  status: RecipientStatus;
  reminders: number;
  respondBy: Date | null;
  reason: string | null;
  acknowledgedBy: string | null;
  acknowledgementRequestedAt: Date | null;
  notifiedAt: Date;
  updatedAt: Date;
}

/** A notice first heard of (`recipientNotified` or `recipientNotNotified`). */
export type NewRecipientRow = Pick<
  RecipientRow,
  'noticeId' | 'recipient' | 'fromSystemId' | 'action' | 'categories' | 'status' | 'respondBy' | 'reason' | 'notifiedAt'
>;
export type RecipientChange = Partial<
  Pick<RecipientRow, 'status' | 'reminders' | 'respondBy' | 'reason' | 'acknowledgedBy'>
> & { at: Date };

interface Row {
  notice_id: string;
  name: string;
  kind: string;
  country: string;
  system_id: string | null;
  from_system_id: string;
  action: string;
  categories: string[];
  status: RecipientStatus;
  reminders: number;
  respond_by: Date | null;
  reason: string | null;
  acknowledged_by: string | null;
  acknowledgement_requested_at: Date | null;
  notified_at: Date;
  updated_at: Date;
}

const toRow = (r: Row): RecipientRow => ({
  noticeId: r.notice_id,
  recipient: { name: r.name, kind: r.kind, country: r.country, ...(r.system_id ? { systemId: r.system_id } : {}) },
  fromSystemId: r.from_system_id,
  action: r.action,
  categories: r.categories,
  status: r.status,
  reminders: r.reminders,
  respondBy: r.respond_by,
  reason: r.reason,
  acknowledgedBy: r.acknowledged_by,
  acknowledgementRequestedAt: r.acknowledgement_requested_at,
  notifiedAt: r.notified_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class RecipientsRepository {
  /** Idempotent: a redelivered event inserts nothing. */
  async add(tx: Tx, requestId: string, r: NewRecipientRow): Promise<void> {
    await tx.query(
      `INSERT INTO request_recipients (notice_id, request_id, name, kind, country, system_id, from_system_id, action, categories, status, respond_by, reason, notified_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) ON CONFLICT (notice_id) DO NOTHING`,
      [
        r.noticeId,
        requestId,
        r.recipient.name,
        r.recipient.kind,
        r.recipient.country,
        r.recipient.systemId ?? null,
        r.fromSystemId,
        r.action,
        r.categories,
        r.status,
        r.respondBy,
        r.reason,
        r.notifiedAt,
      ],
    );
  }

  /** A later event about the notice (events of one request come in order, on one partition; the inbox drops redeliveries). */
  async change(tx: Tx, requestId: string, noticeId: string, c: RecipientChange): Promise<boolean> {
    const result = (await tx.query(
      `UPDATE request_recipients SET status = COALESCE($3, status), reminders = COALESCE($4, reminders), respond_by = COALESCE($5, respond_by),
              reason = COALESCE($6, reason), acknowledged_by = COALESCE($7, acknowledged_by), updated_at = $8
       WHERE request_id = $1 AND notice_id = $2`,
      [
        requestId,
        noticeId,
        c.status ?? null,
        c.reminders ?? null,
        c.respondBy ?? null,
        c.reason ?? null,
        c.acknowledgedBy ?? null,
        c.at,
      ],
    )) as [unknown[], number];
    return result[1] > 0;
  }

  async markAcknowledgementRequested(tx: Tx, requestId: string, noticeId: string, at: Date): Promise<void> {
    await tx.query(
      `UPDATE request_recipients SET acknowledgement_requested_at = $3 WHERE request_id = $1 AND notice_id = $2`,
      [requestId, noticeId, at],
    );
  }

  async of(tx: Tx, requestId: string): Promise<RecipientRow[]> {
    const rows = (await tx.query(
      `SELECT * FROM request_recipients WHERE request_id = $1 ORDER BY notified_at, name, notice_id`,
      [requestId],
    )) as Row[];
    return rows.map(toRow);
  }
}

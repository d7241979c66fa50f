/**
 * Maps stored rows to what the API answers. Pure. The subject's identifiers and the
 * representative's name are the only personal data shown (to the DPO and operators); the
 * filing note and the attestation note only to the DPO; the verified addresses never.
 */
import type { CandidateDto, RequestSummaryDto, RequestViewDto, SystemActionDto } from './dto/request-view.dto';
import type { RequestEntity } from './entities';
import { attentionReasons } from './request-actions';
import type { HoldRow, StoredAction, SummaryRow, TimelineRow } from './requests.repository';
import { recipientAttention, toRecipientDto } from './recipient-list';
import type { RecipientRow } from './recipients.repository';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Open, its clock running (no information awaited: décret 2019-536 art. 77), and past its due date. */
export function isOverdue(
  r: { closedAt: Date | null; dueAt: Date; infoRequestedAt?: Date | null },
  now: Date,
): boolean {
  return r.closedAt === null && !r.infoRequestedAt && r.dueAt.getTime() < now.getTime();
}

export function toRequestView(
  r: RequestEntity,
  actions: StoredAction[],
  holds: HoldRow[],
  timeline: TimelineRow[],
  opts: { forDpo: boolean; now: Date; dueSoonUntil: Date; recipients?: RecipientRow[] },
): RequestViewDto {
  const recipients = opts.recipients ?? [];
  const attention = [...attentionReasons(actions), ...recipientAttention(recipients)];
  const systems: SystemActionDto[] = actions.map((a) => ({
    systemId: a.systemId,
    commandId: a.commandId,
    kind: a.kind,
    categories: a.categories,
    status: a.status,
    outcome: a.outcome,
    affectedRecords: a.affectedRecords,
    attempts: a.attempts,
    reason: a.reason,
  }));
  const candidates: CandidateDto[] | undefined = r.candidates?.map((c) => ({
    subjectRef: c.subjectRef,
    hints: c.hints,
    records: c.records,
  }));
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    channel: r.channel,
    receivedAt: r.receivedAt.toISOString(),
    ...(opts.forDpo ? { receiptEvidence: r.receiptEvidence ?? null } : {}),
    dueAt: r.dueAt.toISOString(),
    suspendedDays: r.suspendedDays ?? 0,
    ...(r.infoRequestedAt
      ? {
          informationAwaited: {
            since: r.infoRequestedAt.toISOString(),
            requestedBy: r.infoRequestedBy ?? 'unknown',
            ...(opts.forDpo && r.infoRequestReason ? { reason: r.infoRequestReason } : {}),
          },
        }
      : {}),
    closedAt: iso(r.closedAt),
    outcome: r.outcome,
    overdue: isOverdue(r, opts.now),
    dueSoon:
      r.closedAt === null &&
      !r.infoRequestedAt &&
      !isOverdue(r, opts.now) &&
      r.dueAt.getTime() < opts.dueSoonUntil.getTime(),
    ...(r.extendedAt && r.extensionMonths
      ? {
          extension: {
            months: r.extensionMonths,
            extendedAt: r.extendedAt.toISOString(),
            extendedBy: r.extendedBy ?? 'unknown',
            originalDueAt: (r.originalDueAt ?? r.dueAt).toISOString(),
            ...(opts.forDpo && r.extensionReason ? { reason: r.extensionReason } : {}),
          },
        }
      : {}),
    ...((r.outcome === 'refused' || r.outcome === 'rejected') && r.decidedBy
      ? {
          decision: {
            outcome: r.outcome,
            ground: r.rejectionGround,
            decidedBy: r.decidedBy,
            ...(opts.forDpo && r.decisionReason ? { reasons: r.decisionReason } : {}),
          },
        }
      : {}),
    ...(r.releasePendingSince
      ? {
          packageRelease: {
            waitingSince: r.releasePendingSince.toISOString(),
            releasedAt: iso(r.releasedAt),
            releasedBy: r.releasedBy,
          },
        }
      : {}),
    minimisedAt: iso(r.minimisedAt),
    subject: { email: r.subjectEmail, customerId: r.subjectCustomerId, phone: r.subjectPhone, name: r.subjectName },
    ...(r.representativeMandateRef !== null
      ? { representative: { mandateReference: r.representativeMandateRef, name: r.representativeName } }
      : {}),
    ...(opts.forDpo ? { note: r.note } : {}),
    ...(attention.length > 0 ? { attention } : {}),
    ...(candidates ? { candidates } : {}),
    verification: {
      method: r.verificationMethod,
      verifiedAt: iso(r.verifiedAt),
      attestedBy: r.attestedBy,
      attestedAt: iso(r.attestedAt),
      ...(opts.forDpo ? { note: r.attestationNote } : {}),
    },
    systems,
    holds: holds.map((h) => ({
      holdId: h.holdId,
      systemId: h.systemId,
      category: h.category,
      ground: h.ground,
      legalText: h.legalText,
      until: h.until.toISOString(),
      startPending: h.startPending ?? null,
      expiredAt: iso(h.expiredAt ?? null),
      eraseCommandId: h.eraseCommandId ?? null,
    })),
    recipients: recipients.map(toRecipientDto),
    timeline: timeline.map((t) => ({ at: t.at.toISOString(), event: t.type, summary: t.summary })),
  };
}

export function toSummary(r: SummaryRow): RequestSummaryDto {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    channel: r.channel,
    receivedAt: r.receivedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    closedAt: iso(r.closedAt),
    overdue: r.overdue,
    dueSoon: r.dueSoon,
  };
}

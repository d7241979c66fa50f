/**
 * A data-subject request as request-intake knows it: what was filed, its status, its
 * deadline (Art. 12(3)), and what the DPO decided. The subject's identifiers and the
 * verified e-mail addresses are personal data: they stay on this row only (never in logs,
 * never in the timeline).
 */
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Channel, RequestType } from '@datarights/contracts';
import type { RequestOutcome, RequestStatus } from '../request-state';

export interface StoredCandidate {
  subjectRef: string;
  hints: string[];
  records: number;
}

@Entity({ name: 'requests' })
export class RequestEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') type: RequestType;
  @Column('text') status: RequestStatus;
  @Column('text') channel: Channel;

  @Column('text', { name: 'subject_email', nullable: true }) subjectEmail: string | null;
  @Column('text', { name: 'subject_customer_id', nullable: true }) subjectCustomerId: string | null;
  @Column('text', { name: 'subject_phone', nullable: true }) subjectPhone: string | null;
  @Column('text', { name: 'subject_name', nullable: true }) subjectName: string | null;
  @Column('text', { nullable: true }) note: string | null;

  /** Filed by a representative under a mandate (Art. 80): its reference, and (personal data) the representative's name. */
  @Column('text', { name: 'representative_mandate_ref', nullable: true }) representativeMandateRef: string | null;
  @Column('text', { name: 'representative_name', nullable: true }) representativeName: string | null;
  /** Filed from a signed-in customer-space session; subjectCustomerId is then the session's customer number. */
  @Column('boolean', { name: 'portal_session', default: false }) portalSession: boolean;

  @Column('text', { name: 'filed_by' }) filedBy: 'dpo' | 'operator' | 'subject';
  @Column('text', { name: 'filed_by_principal' }) filedByPrincipal: string;

  /** When the controller received the request (Art. 12(3): the time limit runs from it), not when it was filed. */
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
  /** What proves the day of receipt when the DPO files a request received earlier (e.g. the e-mail's Message-ID). */
  @Column('text', { name: 'receipt_evidence', nullable: true }) receiptEvidence: string | null;
  /** Calendar days the time limit stood still, every suspension together (décret 2019-536 art. 77); kept through an extension. */
  @Column('int', { name: 'suspended_days', default: 0 }) suspendedDays: number;
  /** The DPO asked the subject for information and awaits it: the time limit stands still since then (décret 2019-536 art. 77). */
  @Column('timestamptz', { name: 'info_requested_at', nullable: true }) infoRequestedAt: Date | null;
  @Column('text', { name: 'info_request_reason', nullable: true }) infoRequestReason: string | null;
  @Column('text', { name: 'info_requested_by', nullable: true }) infoRequestedBy: string | null;
  @Column('timestamptz', { name: 'due_at' }) dueAt: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('text', { nullable: true }) outcome: RequestOutcome | null;

  @Column('text', { name: 'subject_ref', nullable: true }) subjectRef: string | null;
  @Column('jsonb', { nullable: true }) candidates: StoredCandidate[] | null;

  /** Personal data: the addresses identity verified, for the completion notice only. */
  @Column('jsonb', { name: 'verified_emails', nullable: true }) verifiedEmails: string[] | null;
  @Column('text', { name: 'verification_method', nullable: true }) verificationMethod: string | null;
  @Column('timestamptz', { name: 'verified_at', nullable: true }) verifiedAt: Date | null;

  /** What evidence the DPO saw (the document itself is never stored). */
  @Column('text', { name: 'attestation_note', nullable: true }) attestationNote: string | null;
  @Column('text', { name: 'attested_by', nullable: true }) attestedBy: string | null;
  @Column('timestamptz', { name: 'attested_at', nullable: true }) attestedAt: Date | null;

  /** Art. 12(3): the extension (once, within the first month) and the first due date. */
  @Column('timestamptz', { name: 'original_due_at', nullable: true }) originalDueAt: Date | null;
  @Column('timestamptz', { name: 'extended_at', nullable: true }) extendedAt: Date | null;
  @Column('int', { name: 'extension_months', nullable: true }) extensionMonths: number | null;
  @Column('text', { name: 'extension_reason', nullable: true }) extensionReason: string | null;
  @Column('text', { name: 'extended_by', nullable: true }) extendedBy: string | null;

  /** Art. 12(4) reasons, or Art. 12(5) justification with its ground. */
  @Column('text', { name: 'decision_reason', nullable: true }) decisionReason: string | null;
  @Column('text', { name: 'rejection_ground', nullable: true }) rejectionGround:
    'manifestly-unfounded' | 'excessive' | null;
  @Column('text', { name: 'decided_by', nullable: true }) decidedBy: string | null;

  /**
   * Art. 15(4): the package holds records flagged as other people's data, and waits for the
   * DPO's release: the execution's outcome kept to complete the request then.
   */
  @Column('jsonb', { name: 'release_pending', nullable: true }) releasePending: {
    systems: { systemId: string; outcome: string; affectedRecords: number; categories: string[] }[];
  } | null;
  @Column('timestamptz', { name: 'release_pending_since', nullable: true }) releasePendingSince: Date | null;
  @Column('timestamptz', { name: 'released_at', nullable: true }) releasedAt: Date | null;
  @Column('text', { name: 'released_by', nullable: true }) releasedBy: string | null;

  /** The due date the due-soon and overdue events were published for. */
  @Column('timestamptz', { name: 'due_soon_notified_for', nullable: true }) dueSoonNotifiedFor: Date | null;
  @Column('timestamptz', { name: 'overdue_notified_for', nullable: true }) overdueNotifiedFor: Date | null;

  /** closedAt + proofPeriod; set by the repository whenever closedAt is. */
  @Column('timestamptz', { name: 'minimise_after', nullable: true }) minimiseAfter: Date | null;
  @Column('timestamptz', { name: 'minimised_at', nullable: true }) minimisedAt: Date | null;

  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

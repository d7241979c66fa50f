/**
 * What every filing records first, whoever files (the DPO's API or self-service): the
 * subject's identifiers normalised so the systems' keys match, the receipt time and the due
 * date — Art. 12(3): one month from receipt (the policy's deadlines.response), in calendar
 * months ending with the last hour of the controller's local day: received 31 January →
 * due at the end of 28/29 February, Paris time (Regulation 1182/71, art. 3(2)(c); policy
 * deadlines.timeZone). Receipt is when the request reached the controller: the DPO may file
 * an e-mail received days earlier with its `receivedAt` and the evidence of it — then the
 * row both routes insert and the `dsr.request.submitted.v1` both publish, so that a fact a
 * request carries (a representative, a portal session, the changes of a rectification)
 * reaches identity and the executor the same way whichever route it came in by.
 */
import { randomUUID } from 'node:crypto';
import { normaliseKey, type RequestSubmitted } from '@datarights/contracts';
import { HttpStatus } from '@nestjs/common';
import { legalDueAt, type Policy } from '@datarights/policy';
import { AppError, ErrorCode } from '@datarights/service-kit';
import type { Clock } from '@datarights/service-kit';
import type { CreateRequestDto, FileRequestDto, RequestSubjectDto } from './dto/create-request.dto';
import { bodyHash } from './idempotency';
import type { NewRequest as NewRequestRow } from './requests.repository';

export interface NewRequest {
  id: string;
  subject: { email?: string; customerId?: string; phone?: string; name?: string };
  receivedAt: Date;
  dueAt: Date;
  /** What proves the time of receipt, when it is earlier than the filing (DPO filings only). */
  receiptEvidence?: string;
}

/** A receipt time the DPO gives: when the request reached the controller, and what proves it. */
export interface GivenReceipt {
  receivedAt?: string;
  receiptEvidence?: string;
}

/** The identifiers a filing gives for its subject, as validated (RequestSubjectDto). */
export type GivenSubject = Pick<RequestSubjectDto, 'email' | 'customerId' | 'phone' | 'name'>;

/** Who filed, as the row and the event record it. */
export interface Filer {
  filedBy: RequestSubmitted['filedBy'];
  /** The authenticated user's id (`subject:<id>` for a customer-space user), or `self-service` when anonymous. */
  principal: string;
  /** Filed from a signed-in customer-space session whose customer number is the subject's (checked by the caller). */
  portalSession?: boolean;
}

export function newRequest(given: GivenSubject, clock: Clock, policy: Policy, receipt: GivenReceipt = {}): NewRequest {
  const now = clock.now();
  const receivedAt = receipt.receivedAt !== undefined ? new Date(receipt.receivedAt) : now;
  if (receivedAt.getTime() > now.getTime()) {
    throw new AppError(
      HttpStatus.BAD_REQUEST,
      ErrorCode.ValidationFailed,
      `receivedAt ${receipt.receivedAt} is in the future: a request is filed after it was received`,
    );
  }
  return {
    id: randomUUID(),
    subject: {
      email: given.email !== undefined ? normaliseKey('email', given.email) : undefined,
      customerId: given.customerId !== undefined ? normaliseKey('customerId', given.customerId) : undefined,
      phone: given.phone !== undefined ? normaliseKey('phone', given.phone) : undefined,
      name: given.name?.trim() || undefined,
    },
    receivedAt,
    dueAt: legalDueAt({ receivedAt }, policy.deadlines.response, policy.deadlines.timeZone),
    ...(receipt.receiptEvidence !== undefined ? { receiptEvidence: receipt.receiptEvidence.trim() } : {}),
  };
}

/** The request's row as filed. The representative's name (personal data) stays here, for the DPO. */
export function requestRow(dto: CreateRequestDto, n: NewRequest, by: Filer): NewRequestRow {
  return {
    id: n.id,
    type: dto.type,
    status: 'received',
    channel: dto.channel,
    subjectEmail: n.subject.email ?? null,
    subjectCustomerId: n.subject.customerId ?? null,
    subjectPhone: n.subject.phone ?? null,
    subjectName: n.subject.name ?? null,
    note: dto.note ?? null,
    representativeMandateRef: dto.representative?.mandateReference.trim() ?? null,
    representativeName: dto.representative?.name?.trim() || null,
    portalSession: by.portalSession === true,
    filedBy: by.filedBy,
    filedByPrincipal: by.principal,
    receivedAt: n.receivedAt,
    receiptEvidence: n.receiptEvidence ?? null,
    dueAt: n.dueAt,
  };
}

/** The event that tells identity, the executor and the audit about the new request. */
export function submittedEvent(dto: CreateRequestDto, n: NewRequest, by: Filer): RequestSubmitted {
  return {
    requestId: n.id,
    type: dto.type,
    subject: Object.fromEntries(Object.entries(n.subject).filter(([, v]) => v !== undefined)),
    channel: dto.channel,
    receivedAt: n.receivedAt.toISOString(),
    dueAt: n.dueAt.toISOString(),
    filedBy: by.filedBy,
    // Art. 16: what to correct travels with the request to the executor (never to logs or audit).
    ...(dto.changes ? { changes: { ...dto.changes } } : {}),
    // Art. 21: the purposes objected to.
    ...(dto.purposes ? { purposes: [...new Set(dto.purposes)] } : {}),
    // Art. 18(1): the ground of a restriction.
    ...(dto.ground ? { ground: dto.ground } : {}),
    // Art. 80: the mandate's reference only; the representative's name never leaves this service.
    ...(dto.representative ? { representative: { mandateReference: dto.representative.mandateReference.trim() } } : {}),
    ...(by.portalSession ? { portalSession: true as const } : {}),
  };
}

/**
 * What an Idempotency-Key of a filing is bound to: the request as filed (the subject
 * normalised), hashed (the key table holds no personal data in clear). The same for one
 * filing and for a line of a bulk filing, so that either replays the other.
 */
export function filingHash(dto: FileRequestDto, subject: NewRequest['subject']): string {
  return bodyHash({
    type: dto.type,
    subject,
    channel: dto.channel,
    note: dto.note,
    ...(dto.changes ? { changes: dto.changes } : {}),
    ...(dto.purposes ? { purposes: dto.purposes } : {}),
    ...(dto.ground ? { ground: dto.ground } : {}),
    ...(dto.representative ? { representative: { ...dto.representative } } : {}),
    ...(dto.receivedAt ? { receivedAt: dto.receivedAt, receiptEvidence: dto.receiptEvidence } : {}),
  });
}

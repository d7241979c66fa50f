/**
 * Minimising closed requests (docs/architecture.md: "once a request is closed and its proof period
 * has passed, the request's own copy of the subject's identifiers is minimised too"):
 * after `deadlines.proofPeriod` from closure, a periodic job replaces the subject's
 * e-mail, phone, customer id and name, a representative's name and mandate reference, the
 * verified addresses, the subject-candidate
 * hints and every free-text note with keyed hashes (libs/pseudonym: HMAC-SHA256 with
 * SUBJECT_HASH_KEY, the key's id in every hash, Art. 4(5)), drops
 * the idempotency keys (they hold a hash of the filed body), marks the request minimised
 * and publishes dsr.request.minimised.v1. The audit log keeps the proof; the request no
 * longer holds the person. Rows are taken FOR UPDATE SKIP LOCKED; reads the Clock.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@datarights/messaging';
import { RequestIntakeConfig } from '../config/app.config';
import type { RequestEntity } from '../requests/entities';
import { RequestJournal } from '../requests/request-journal';
import { RequestMaintenanceRepository } from '../requests/request-maintenance.repository';
import { RequestsRepository, type RequestPatch, type Tx } from '../requests/requests.repository';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { normaliseIdentifier } from '@datarights/contracts';
import { isPseudonym, Pseudonymiser, subjectKeyring } from '@datarights/pseudonym';

/** The patch that replaces a request's personal data by keyed hashes. Pure. */
export function minimisedPatch(
  r: RequestEntity,
  hash: (kind: string, value: string) => string,
  at: Date,
): RequestPatch {
  const h = (kind: string, v: string | null): string | null => (v === null || isPseudonym(v) ? v : hash(kind, v));
  return {
    subjectEmail: h('email', r.subjectEmail),
    subjectPhone: h('phone', r.subjectPhone),
    subjectCustomerId: h('customerId', r.subjectCustomerId),
    subjectName: h('name', r.subjectName),
    representativeName: h('name', r.representativeName),
    representativeMandateRef: h('note', r.representativeMandateRef),
    verifiedEmails: r.verifiedEmails ? r.verifiedEmails.map((e) => h('email', e)!) : null,
    // Masked keys (j***@example.fr) still say something about the person: only the refs and counts stay.
    candidates: r.candidates
      ? r.candidates.map((c) => ({ subjectRef: c.subjectRef, hints: [], records: c.records }))
      : null,
    note: h('note', r.note),
    attestationNote: h('note', r.attestationNote),
    extensionReason: h('note', r.extensionReason),
    decisionReason: h('note', r.decisionReason),
    receiptEvidence: h('note', r.receiptEvidence ?? null),
    infoRequestReason: h('note', r.infoRequestReason ?? null),
    minimisedAt: at,
  };
}

@Injectable()
export class Minimiser extends PeriodicJob {
  protected readonly logger = new Logger(Minimiser.name);
  protected readonly everyMs: number;
  private readonly pseudonyms: Pseudonymiser;

  constructor(
    private readonly repo: RequestsRepository,
    private readonly maintenance: RequestMaintenanceRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    config: RequestIntakeConfig,
  ) {
    super();
    clock.onChange(() => this.kick());
    this.everyMs = config.MINIMISATION_CHECK_MS;
    // Throws in production without a key: the service does not start.
    const keyring = subjectKeyring(config, "the key of the hashes that replace closed requests' identifiers", (m) =>
      this.logger.warn(m),
    );
    this.pseudonyms = new Pseudonymiser(keyring, normaliseIdentifier);
  }

  async runOnce(): Promise<number> {
    const now = this.clock.now();
    return this.repo.transaction(async (tx) => {
      await this.maintenance.backfillMinimiseAfter(tx, this.batchSize);
      const due = await this.maintenance.takeDueForMinimisation(tx, now, this.batchSize);
      for (const r of due) await this.minimise(tx, r, now);
      return due.length;
    });
  }

  private async minimise(tx: Tx, r: RequestEntity, now: Date): Promise<void> {
    const hash = (kind: string, value: string) => this.pseudonyms.hash(kind, value);
    await this.repo.update(tx, r.id, minimisedPatch(r, hash, now));
    for (const n of await this.maintenance.acknowledgementNotesOf(tx, r.id)) {
      if (!isPseudonym(n.note)) await this.maintenance.setAcknowledgementNote(tx, r.id, n.id, hash('note', n.note));
    }
    await this.maintenance.deleteIdempotencyKeys(tx, r.id);
    const { publish } = this.publisher.unitOfWork(tx, { correlationId: r.id });
    await this.journal.publish(tx, publish, r.id, 'requestMinimised', {
      requestId: r.id,
      closedAt: (r.closedAt ?? now).toISOString(),
      minimisedAt: now.toISOString(),
    });
    this.logger.log({ requestId: r.id }, 'request minimised after its proof period');
  }
}

/**
 * The clock of requests that await the subject's proof of identity (décret 2019-536 art. 77,
 * policy `verification.suspendDeadline`, on by default): it stops when identity sends the
 * first code, and when the proof arrives the due date moves by the calendar days it stood
 * still (suspended-clock.ts), with `dsr.request.deadline-resumed.v1` on the timeline. Called
 * by the projection, in its transaction.
 */
import { Injectable, Logger } from '@nestjs/common';
import { Policy } from '@datarights/policy';
import type { RequestEntity } from '../requests/entities';
import { RequestJournal } from '../requests/request-journal';
import type { RequestPatch, Tx } from '../requests/requests.repository';
import { SelfServiceRepository } from './self-service.repository';
import { resumedDueAt, suspendedDays } from '../requests/suspended-clock';
import type { Publish } from '@datarights/messaging';

@Injectable()
export class VerificationClockService {
  private readonly logger = new Logger(VerificationClockService.name);

  constructor(
    private readonly repo: SelfServiceRepository,
    private readonly journal: RequestJournal,
    private readonly policy: Policy,
  ) {}

  /** A code went out: the time limit stands still from then (once per request). */
  async suspend(tx: Tx, requestId: string, sentAt: Date): Promise<void> {
    if (!this.policy.verification.suspendDeadline) return;
    await this.repo.suspend(tx, requestId, sentAt);
  }

  /** Identity is verified: the clock runs again, the due date moved by the days it stood still. */
  async resume(tx: Tx, publish: Publish, request: RequestEntity, verifiedAt: Date, patch: RequestPatch): Promise<void> {
    const running = await this.repo.suspension(tx, request.id);
    if (!running) return;
    const { response, timeZone } = this.policy.deadlines;
    const days = suspendedDays(running.suspendedAt, verifiedAt, timeZone);
    // Earlier suspensions (information the DPO asked for) count too.
    const total = request.suspendedDays + days;
    const dueAt = resumedDueAt(request, response, total, timeZone);
    await this.repo.resume(tx, request.id, verifiedAt, days);
    patch.dueAt = dueAt;
    patch.suspendedDays = total;
    await this.journal.publish(tx, publish, request.id, 'requestDeadlineResumed', {
      requestId: request.id,
      suspendedAt: running.suspendedAt.toISOString(),
      resumedAt: verifiedAt.toISOString(),
      suspendedDays: days,
      previousDueAt: request.dueAt.toISOString(),
      dueAt: dueAt.toISOString(),
      cause: 'identity-verified',
    });
    this.logger.log({ requestId: request.id, suspendedDays: days }, 'deadline resumed after the proof of identity');
  }
}

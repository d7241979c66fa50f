/**
 * Requests still awaiting the subject's proof of identity after the policy's
 * `verification.unverifiedAfter` (default 30 days) close as `unverified`, and the
 * requester is told (Art. 12(2), 12(6): the controller may decline to act when it cannot
 * identify the subject; the subject can file again). Periodic, reads the Clock.
 */
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventPublisher } from '@datarights/messaging';
import { addDuration, parseDuration, Policy } from '@datarights/policy';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { RequestIntakeConfig } from '../config/app.config';
import { notice, requesterRecipient } from '../requests/decision-notice';
import { RequestJournal } from '../requests/request-journal';
import { RequestsRepository } from '../requests/requests.repository';
import { SelfServiceRepository } from './self-service.repository';

@Injectable()
export class UnverifiedCheck extends PeriodicJob {
  protected readonly logger = new Logger(UnverifiedCheck.name);
  protected readonly everyMs: number;

  constructor(
    private readonly requests: RequestsRepository,
    private readonly repo: SelfServiceRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly policy: Policy,
    private readonly clock: Clock,
    private readonly config: RequestIntakeConfig,
  ) {
    super();
    clock.onChange(() => this.kick());
    this.everyMs = config.DEADLINE_CHECK_MS;
  }

  async runOnce(): Promise<number> {
    const now = this.clock.now();
    // now − unverifiedAfter, in calendar terms: negate every field of the duration.
    const d = parseDuration(this.policy.verification.unverifiedAfter);
    const before = addDuration(
      now,
      Object.fromEntries(Object.entries(d).map(([k, v]) => [k, -v])) as unknown as typeof d,
    );
    return this.requests.transaction(async (tx) => {
      const waiting = await this.repo.takeUnverified(tx, before, this.batchSize);
      for (const w of waiting) {
        const request = await this.requests.lock(tx, w.id);
        if (!request || request.status !== 'awaiting-verification') continue;
        const { publish } = this.publisher.unitOfWork(tx, { correlationId: w.id });
        await this.requests.update(tx, w.id, { status: 'closed', outcome: 'unverified', closedAt: now });
        await this.journal.publish(tx, publish, w.id, 'requestClosed', {
          requestId: w.id,
          type: request.type,
          outcome: 'unverified',
          closedAt: now.toISOString(),
          dueAt: request.dueAt.toISOString(),
          receivedAt: request.receivedAt.toISOString(),
        });
        await this.journal.publish(
          tx,
          publish,
          w.id,
          'notificationRequested',
          notice(
            randomUUID(),
            w.id,
            requesterRecipient(request.subjectEmail, request.verifiedEmails),
            this.config.NOTICE_LOCALE,
            'request-unverified',
            {
              requestId: w.id,
              requestType: request.type,
              waitingSince: w.suspendedAt.toISOString(),
              delay: this.policy.verification.unverifiedAfter,
            },
          ),
        );
        this.logger.log({ requestId: w.id }, 'request closed: identity not proven in time');
      }
      return waiting.length;
    });
  }
}

/**
 * The periodic deadline check (Art. 12(3)): finds open requests due soon (within the
 * policy's deadlines.dueSoonWithin) or overdue, and publishes dsr.request.deadline-approaching.v1
 * or dsr.request.overdue.v1 once per request and due date (the due date it was published
 * for is stored on the row, in the same transaction as the outbox write; an extension
 * moves the due date and re-arms both). Reads the Clock.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@datarights/messaging';
import { Policy } from '@datarights/policy';
import { RequestIntakeConfig } from '../config/app.config';
import { deadlineEvent, dueSoonUntil } from '../requests/deadlines';
import { RequestJournal } from '../requests/request-journal';
import { RequestMaintenanceRepository } from '../requests/request-maintenance.repository';
import { RequestsRepository } from '../requests/requests.repository';
import { Clock, PeriodicJob } from '@datarights/service-kit';

@Injectable()
export class DeadlineCheck extends PeriodicJob {
  protected readonly logger = new Logger(DeadlineCheck.name);
  protected readonly everyMs: number;

  constructor(
    private readonly repo: RequestsRepository,
    private readonly maintenance: RequestMaintenanceRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly policy: Policy,
    private readonly clock: Clock,
    config: RequestIntakeConfig,
  ) {
    super();
    clock.onChange(() => this.kick());
    this.everyMs = config.DEADLINE_CHECK_MS;
  }

  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const until = dueSoonUntil(now, this.policy.deadlines);
    return this.repo.transaction(async (tx) => {
      const candidates = await this.maintenance.takeDeadlineCandidates(tx, now, until, this.batchSize);
      for (const r of candidates) {
        const event = deadlineEvent({ ...r, closedAt: null }, now, this.policy.deadlines);
        const { publish } = this.publisher.unitOfWork(tx, { correlationId: r.id });
        if (event === 'requestOverdue') {
          await this.repo.update(tx, r.id, { overdueNotifiedFor: r.dueAt });
          await this.journal.publish(tx, publish, r.id, 'requestOverdue', {
            requestId: r.id,
            type: r.type,
            dueAt: r.dueAt.toISOString(),
            status: r.status,
          });
          this.logger.warn({ requestId: r.id, dueAt: r.dueAt.toISOString() }, 'request overdue (Art. 12(3))');
        } else if (event === 'requestDeadlineApproaching') {
          await this.repo.update(tx, r.id, { dueSoonNotifiedFor: r.dueAt });
          await this.journal.publish(tx, publish, r.id, 'requestDeadlineApproaching', {
            requestId: r.id,
            type: r.type,
            dueAt: r.dueAt.toISOString(),
            within: this.policy.deadlines.dueSoonWithin,
          });
          this.logger.log({ requestId: r.id, dueAt: r.dueAt.toISOString() }, 'request due soon');
        }
      }
      return candidates.length;
    });
  }
}

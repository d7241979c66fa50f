/**
 * A subject files their own request (no DPO token). Same body and same deadline as the
 * DPO's route; recorded with `filedBy: subject`, so that identity challenges the requester
 * with a code sent to a contact already on file. Requests of the same subject and type
 * within the policy's `verification.repeatWindow` are flagged for the DPO's decision under
 * Art. 12(5) — never rejected automatically. The answer is the same whether or not data is
 * held (nothing to probe). Logs: ids and counts only.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@datarights/messaging';
import { addDuration, parseDuration, Policy } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import type { CreateRequestDto } from '../requests/dto/create-request.dto';
import { RequestJournal, type Publish } from '../requests/request-journal';
import { RequestsRepository } from '../requests/requests.repository';
import type { SelfServiceFiledDto } from './dto/self-service.dto';
import { SelfServiceRepository } from './self-service.repository';
import { newRequest } from '../requests/request-filing';

export const NEXT_STEP = 'If we hold data about you, a one-time code was sent to the contact we have on file; answer with POST /v1/self-service/requests/{id}/verification.';

@Injectable()
export class SelfServiceService {
  private readonly logger = new Logger(SelfServiceService.name);

  constructor(
    private readonly requests: RequestsRepository,
    private readonly repo: SelfServiceRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly policy: Policy,
    private readonly clock: Clock,
  ) {}

  async file(dto: CreateRequestDto, principalId: string): Promise<SelfServiceFiledDto> {
    const { id, subject, receivedAt, dueAt } = newRequest(dto.subject, this.clock, this.policy);
    const repeats = await this.requests.transaction(async (tx) => {
      await this.requests.insert(tx, {
        id,
        type: dto.type,
        status: 'received',
        channel: dto.channel,
        subjectEmail: subject.email ?? null,
        subjectCustomerId: subject.customerId ?? null,
        subjectPhone: subject.phone ?? null,
        subjectName: subject.name ?? null,
        note: dto.note ?? null,
        filedBy: 'subject',
        filedByPrincipal: principalId,
        receivedAt,
        dueAt,
      });
      const publish: Publish = (name, data) => this.publisher.publish(tx, name, data, { correlationId: id });
      await this.journal.publish(tx, publish, id, 'requestSubmitted', {
        requestId: id,
        type: dto.type,
        subject: Object.fromEntries(Object.entries(subject).filter(([, v]) => v !== undefined)),
        channel: dto.channel,
        receivedAt: receivedAt.toISOString(),
        dueAt: dueAt.toISOString(),
        filedBy: 'subject',
      });
      // Art. 12(5): repetitive requests may be excessive — the DPO decides, with the burden of proof.
      const window = this.policy.verification.repeatWindow;
      const since = addDuration(receivedAt, negate(window));
      const earlier = await this.repo.earlierRequests(tx, id, dto.type, subject, since);
      if (earlier.length > 0) await this.journal.publish(tx, publish, id, 'requestRepeatFlagged', { requestId: id, type: dto.type, previousRequestIds: earlier, window });
      return earlier.length;
    });
    this.logger.log({ requestId: id, type: dto.type, repeats }, 'self-service request filed');
    return { id, status: 'received', receivedAt: receivedAt.toISOString(), dueAt: dueAt.toISOString(), next: NEXT_STEP.replace('{id}', id) };
  }
}

function negate(iso: string) {
  const d = parseDuration(iso);
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, -v])) as unknown as typeof d;
}

/**
 * A subject files their own request (no DPO token). Same body and same deadline as the
 * DPO's route; recorded with `filedBy: subject`, so that identity challenges the requester
 * with a code sent to a contact already on file — or, filed from a signed-in customer-space
 * session, verifies them by that session (portal-requester.ts); a representative's request
 * waits for the DPO's attestation instead. Requests of the same subject and type
 * within the policy's `verification.repeatWindow` are flagged for the DPO's decision under
 * Art. 12(5) — never rejected automatically. The answer is the same whether or not data is
 * held (nothing to probe). Logs: ids and counts only.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@datarights/messaging';
import { addDuration, parseDuration, Policy } from '@datarights/policy';
import { Clock, type Principal } from '@datarights/service-kit';
import type { CreateRequestDto } from '../requests/dto/create-request.dto';
import { RequestJournal } from '../requests/request-journal';
import { RequestsRepository } from '../requests/requests.repository';
import type { SelfServiceFiledDto, SelfServiceStatusDto } from './dto/self-service.dto';
import { SelfServiceRepository } from './self-service.repository';
import { newRequest, requestRow, submittedEvent, type Filer } from '../requests/request-filing';
import { selfServiceRequester } from './portal-requester';

export const NEXT_STEP =
  'If we hold data about you, a one-time code was sent to the contact we have on file; answer with POST /v1/self-service/requests/{id}/verification.';
export const NEXT_STEP_REPRESENTATIVE =
  'A request made under a mandate is checked by our data protection officer, who may contact you for the mandate and the identity of the person you represent; no code is sent.';
export const NEXT_STEP_PORTAL =
  'Filed from your signed-in customer space: if the customer number of your account is the one we hold data under, no further proof is needed; otherwise a one-time code is sent to the contact we have on file (answer with POST /v1/self-service/requests/{id}/verification).';

/** What the requester should expect next (the same whether or not data is held: nothing to probe). */
function nextStep(id: string, dto: CreateRequestDto, by: Filer): string {
  if (dto.representative) return NEXT_STEP_REPRESENTATIVE;
  return (by.portalSession ? NEXT_STEP_PORTAL : NEXT_STEP).replace('{id}', id);
}

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

  async status(id: string): Promise<SelfServiceStatusDto | undefined> {
    const request = await this.requests.find(this.requests.reader, id);
    return request ? selfServiceStatus(request) : undefined;
  }

  /** `principal`: the customer-space user the auth guard authenticated, if a token was presented. */
  async file(dto: CreateRequestDto, principal?: Principal): Promise<SelfServiceFiledDto> {
    // Refusals (a staff token, another customer's number) come before anything is recorded.
    const requester = selfServiceRequester(principal, dto.subject);
    if (requester.missingCustomerClaim)
      this.logger.warn(
        'a customer-space token without a customer number (AUTH_CUSTOMER_CLAIM): filed without the portal-session proof',
      );
    const filed = newRequest(requester.subject, this.clock, this.policy);
    const { id, subject, receivedAt, dueAt } = filed;
    const by = requester.filer;
    const repeats = await this.requests.transaction(async (tx) => {
      await this.requests.insert(tx, requestRow(dto, filed, by));
      const { publish } = this.publisher.unitOfWork(tx, { correlationId: id });
      await this.journal.publish(tx, publish, id, 'requestSubmitted', submittedEvent(dto, filed, by));
      // Art. 12(5): repetitive requests may be excessive — the DPO decides, with the burden of proof.
      const window = this.policy.verification.repeatWindow;
      const since = addDuration(receivedAt, negate(window));
      const earlier = await this.repo.earlierRequests(tx, id, dto.type, subject, since);
      if (earlier.length > 0)
        await this.journal.publish(tx, publish, id, 'requestRepeatFlagged', {
          requestId: id,
          type: dto.type,
          previousRequestIds: earlier,
          window,
        });
      return earlier.length;
    });
    this.logger.log(
      {
        requestId: id,
        type: dto.type,
        repeats,
        portalSession: by.portalSession === true,
        representative: dto.representative !== undefined,
      },
      'self-service request filed',
    );
    return {
      id,
      status: 'received',
      receivedAt: receivedAt.toISOString(),
      dueAt: dueAt.toISOString(),
      next: nextStep(id, dto, by),
    };
  }
}

/** Where a request stands, for whoever holds its id; 404 when unknown (no other detail). */
export function selfServiceStatus(r: {
  id: string;
  type: SelfServiceStatusDto['type'];
  status: SelfServiceStatusDto['status'];
  receivedAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  outcome: string | null;
}): SelfServiceStatusDto {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    receivedAt: r.receivedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    closedAt: r.closedAt ? r.closedAt.toISOString() : null,
    ...(r.outcome ? { outcome: r.outcome } : {}),
  };
}

function negate(iso: string) {
  const d = parseDuration(iso);
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, -v])) as unknown as typeof d;
}

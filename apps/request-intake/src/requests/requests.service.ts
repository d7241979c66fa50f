/**
 * What the DPO and operators do with requests through the API: file one (with its
 * deadline, Art. 12(3)), attest the requester's identity, decide who the subject is, close
 * a stuck action; and read requests. Every change commits with the events it publishes
 * (outbox), with the request row locked; an impossible transition changes nothing (409).
 * Long on purpose: filing, reading and the requester's own steps of a request, over the
 * same idempotency and transition helpers (request-tx.ts).
 */
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventPublisher } from '@datarights/messaging';
import { Policy } from '@datarights/policy';
import { AppError, Clock, ErrorCode, scrubPersonalData, type Principal } from '@datarights/service-kit';
import { RequestIntakeConfig } from '../config/app.config';
import { completionNotification, noDataHeldRecipient } from './completion-notice';
import type { FileRequestDto } from './dto/create-request.dto';
import type { AttestVerificationDto, CloseActionDto, SubjectDecisionDto } from './dto/decisions.dto';
import type { ListRequestsQueryDto } from './dto/list-requests.dto';
import type { AcceptedDto, FiledRequestDto, RequestPageDto, RequestViewDto } from './dto/request-view.dto';
import { dueSoonUntil } from './deadlines';
import { RequestJournal } from './request-journal';
import { toRequestView, toSummary } from './request-view';
import { RecipientsRepository } from './recipients.repository';
import { RequestsRepository } from './requests.repository';
import { advance } from './request-state';
import { applyActionUpdate, decide, lockRequest, notFound, transition, type Answer } from './request-tx';
import { filingHash, newRequest, requestRow, submittedEvent, type Filer } from './request-filing';

export type FileResult = Answer<FiledRequestDto>;

@Injectable()
export class RequestsService {
  private readonly logger = new Logger(RequestsService.name);

  constructor(
    private readonly repo: RequestsRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly config: RequestIntakeConfig,
    private readonly policy: Policy,
    private readonly clock: Clock,
    private readonly recipients: RecipientsRepository,
  ) {}

  async file(principal: Principal, dto: FileRequestDto, idempotencyKey?: string): Promise<FileResult> {
    const filed = newRequest(dto.subject, this.clock, this.policy, dto);
    const { id, subject, receivedAt, dueAt } = filed;
    const body: FiledRequestDto = {
      id,
      status: 'received',
      receivedAt: receivedAt.toISOString(),
      dueAt: dueAt.toISOString(),
    };
    const by: Filer = { filedBy: principal.roles.includes('dpo') ? 'dpo' : 'operator', principal: principal.id };

    const result = await this.repo.transaction(async (tx): Promise<FileResult> => {
      if (idempotencyKey) {
        const hash = filingHash(dto, subject);
        const claim = await this.repo.claimIdempotencyKey(tx, principal.id, idempotencyKey, hash, id, { ...body });
        if (!claim.claimed) {
          if (claim.bodyHash !== hash) {
            throw new AppError(
              HttpStatus.CONFLICT,
              ErrorCode.Conflict,
              'this Idempotency-Key was already used with a different body',
            );
          }
          return { replayed: true, body: claim.response as unknown as FiledRequestDto };
        }
      }
      await this.repo.insert(tx, requestRow(dto, filed, by));
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: id }).publish,
        id,
        'requestSubmitted',
        submittedEvent(dto, filed, by),
      );
      return { replayed: false, body };
    });
    this.logger.log(
      {
        requestId: result.body.id,
        type: dto.type,
        replayed: result.replayed,
        representative: dto.representative !== undefined,
      },
      'request filed',
    );
    return result;
  }

  /**
   * The DPO attests that they checked the requester's identity (décret 2019-536, art. 77: by
   * any means): the request is verified in this transaction, so that its view shows it at
   * once; identity's identityVerified, when it comes back, adds the subject's keys and moves
   * nothing back (ProjectionService, `advance`).
   */
  async attestVerification(
    principal: Principal,
    requestId: string,
    dto: AttestVerificationDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    return decide(this.repo, { principal, requestId, route: 'verification', body: dto, idempotencyKey }, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      if (request.attestedAt) {
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.Conflict,
          `identity was already attested for this request by ${request.attestedBy ?? 'the DPO'} at ${request.attestedAt.toISOString()}`,
          { status: request.status },
        );
      }
      const status = transition(request.status, 'attest-verification');
      const attestedAt = this.clock.now();
      // The note is for the DPO only: stored here, never in the event, never logged.
      await this.repo.update(tx, requestId, {
        status,
        verificationMethod: dto.method,
        verifiedAt: attestedAt,
        attestationNote: dto.note,
        attestedBy: principal.id,
        attestedAt,
      });
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'verificationAttested',
        {
          requestId,
          method: dto.method,
          attestedBy: principal.id,
          attestedAt: attestedAt.toISOString(),
        },
      );
      this.logger.log({ requestId }, 'identity attested by the DPO');
      return { id: requestId, status };
    });
  }

  /** The DPO picks the subject among the candidates, or answers that no data is held (the request ends). */
  async decideSubject(
    principal: Principal,
    requestId: string,
    dto: SubjectDecisionDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: 'subject-decision', body: dto, idempotencyKey };
    return decide(this.repo, call, async (tx): Promise<AcceptedDto> => {
      const request = await lockRequest(this.repo, tx, requestId);
      const publish = this.publisher.unitOfWork(tx, { correlationId: requestId }).publish;
      if (dto.decision === 'subject') {
        const status = transition(request.status, 'decide-subject');
        const candidate = (request.candidates ?? []).find((c) => c.subjectRef === dto.subjectRef);
        if (!candidate)
          throw new AppError(
            HttpStatus.BAD_REQUEST,
            ErrorCode.ValidationFailed,
            "subjectRef must be one of the request's candidates",
          );
        const include = [...new Set(dto.include ?? [])];
        const candidates = new Set((request.candidates ?? []).map((c) => c.subjectRef));
        if (include.some((ref) => ref === candidate.subjectRef || !candidates.has(ref)))
          throw new AppError(
            HttpStatus.BAD_REQUEST,
            ErrorCode.ValidationFailed,
            'include must list other candidates of the request than subjectRef',
          );
        await this.repo.update(tx, requestId, { status, subjectRef: candidate.subjectRef });
        await this.journal.publish(tx, publish, requestId, 'subjectDecided', {
          requestId,
          decision: 'subject',
          subjectRef: candidate.subjectRef,
          ...(include.length > 0 ? { alsoSubjectRefs: include.sort() } : {}),
          decidedBy: principal.id,
        });
        return { id: requestId, status, outcome: null };
      }
      const status = transition(request.status, 'decide-no-data-held');
      const closedAt = this.clock.now();
      await this.repo.update(tx, requestId, { status, outcome: 'no-data-held', closedAt });
      await this.journal.publish(tx, publish, requestId, 'subjectDecided', {
        requestId,
        decision: 'no-data-held',
        decidedBy: principal.id,
      });
      await this.journal.publish(tx, publish, requestId, 'requestClosed', {
        requestId,
        type: request.type,
        outcome: 'no-data-held',
        closedAt: closedAt.toISOString(),
        dueAt: request.dueAt.toISOString(),
        receivedAt: request.receivedAt.toISOString(),
      });
      await this.journal.publish(
        tx,
        publish,
        requestId,
        'notificationRequested',
        completionNotification(
          randomUUID(),
          requestId,
          noDataHeldRecipient(request.subjectEmail),
          this.config.NOTICE_LOCALE,
          { requestId, outcome: 'no-data-held' },
        ),
      );
      this.logger.log({ requestId }, 'request closed: no data held');
      return { id: requestId, status, outcome: 'no-data-held' };
    });
  }

  /**
   * The DPO closes an escalated action by hand; the executor records it and answers. The
   * action shows closed at once (the same merge as the executor's actionClosedManually, which
   * then changes nothing), and the request leaves needs-attention when nothing else is escalated.
   */
  async closeAction(
    principal: Principal,
    requestId: string,
    commandId: string,
    dto: CloseActionDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: `actions/${commandId}/close`, body: dto, idempotencyKey };
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      const action = (await this.repo.actionsOf(tx, requestId)).find((a) => a.commandId === commandId);
      if (!action)
        throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no action ${commandId} on request ${requestId}`);
      if (action.closeRequestedAt) {
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.Conflict,
          `closing this action was already requested at ${action.closeRequestedAt.toISOString()}`,
          { actionStatus: action.status },
        );
      }
      if (action.status !== 'escalated') {
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          `only an escalated action can be closed by hand (this one is ${action.status})`,
        );
      }
      transition(request.status, 'close-action');
      await this.repo.markCloseRequested(tx, requestId, action.id);
      const target = await applyActionUpdate(this.repo, tx, requestId, {
        event: 'closed-manually',
        commandId,
        systemId: action.systemId,
        reason: scrubPersonalData(dto.reason),
      });
      const status = advance(request.status, target);
      if (status !== request.status) await this.repo.update(tx, requestId, { status });
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'actionCloseRequested',
        {
          requestId,
          commandId,
          reason: dto.reason,
          closedBy: principal.id,
        },
      );
      this.logger.log({ requestId, commandId }, 'manual close of an action requested');
      return { id: requestId, status };
    });
  }

  async get(principal: Principal, requestId: string): Promise<RequestViewDto> {
    const tx = this.repo.reader;
    const request = await this.repo.find(tx, requestId);
    if (!request) throw notFound(requestId);
    const [actions, holds, timeline, recipients] = await Promise.all([
      this.repo.actionsOf(tx, requestId),
      this.repo.holdsOf(tx, requestId),
      this.repo.timelineOf(tx, requestId),
      this.recipients.of(tx, requestId),
    ]);
    const now = this.clock.now();
    return toRequestView(request, actions, holds, timeline, {
      forDpo: principal.roles.includes('dpo'),
      now,
      dueSoonUntil: dueSoonUntil(now, this.policy.deadlines),
      recipients,
    });
  }

  async list(q: ListRequestsQueryDto): Promise<RequestPageDto> {
    const now = this.clock.now();
    const limit = q.limit ?? 20;
    const offset = q.offset ?? 0;
    const { rows, total } = await this.repo.list(this.repo.reader, {
      status: q.status,
      type: q.type,
      channel: q.channel,
      overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
      dueSoon: q.dueSoon === undefined ? undefined : q.dueSoon === 'true',
      now,
      dueSoonUntil: dueSoonUntil(now, this.policy.deadlines),
      dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined,
      limit,
      offset,
    });
    return { items: rows.map(toSummary), total, limit, offset };
  }
}

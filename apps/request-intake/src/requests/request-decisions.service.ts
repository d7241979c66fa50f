/**
 * The DPO's decisions on the time limits and the answer of a request (GDPR Art. 12):
 * extend the deadline (12(3)), refuse with reasons (12(4)), reject as manifestly unfounded
 * or excessive (12(5)); and record a controller's acknowledgement of a request forwarded
 * for a processor system (Art. 28(3)(e)). Each change commits with its events and the
 * notice to the subject (outbox), with the request row locked; an impossible transition
 * changes nothing (409).
 * Long on purpose: one method per DPO decision, each the same shape (decide → lock →
 * transition → publish → write the view), kept together so the shapes stay the same.
 */
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventPublisher, type Publish } from '@datarights/messaging';
import { Policy } from '@datarights/policy';
import { AppError, Clock, ErrorCode, scrubPersonalData, type Principal } from '@datarights/service-kit';
import { RequestIntakeConfig } from '../config/app.config';
import { checkExtension } from './deadlines';
import {
  extensionVariables,
  notice,
  refusalVariables,
  rejectionVariables,
  requesterRecipient,
} from './decision-notice';
import { resumedDueAt, suspendedDays } from './suspended-clock';
import type {
  AcknowledgementDto,
  InformationAwaitedDto,
  InformationReceivedDto,
  ObjectionDecisionDto,
  RestrictionLiftDto,
  ExtensionDto,
  RefusalDto,
  RejectionDto,
} from './dto/decisions.dto';
import type { AcceptedDto, ExtendedRequestDto } from './dto/request-view.dto';
import type { RequestEntity } from './entities';
import { RequestJournal } from './request-journal';
import { RequestsRepository, type Tx } from './requests.repository';
import { advance } from './request-state';
import type { ActionUpdate } from './request-actions';
import { applyActionUpdate, decide, lockRequest, transition, type Answer, type DecisionCall } from './request-tx';

@Injectable()
export class RequestDecisionsService {
  private readonly logger = new Logger(RequestDecisionsService.name);

  constructor(
    private readonly repo: RequestsRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly config: RequestIntakeConfig,
    private readonly policy: Policy,
    private readonly clock: Clock,
  ) {}

  /** Art. 12(3): once, within the first month, by one or two months (policy: extensionMax); the subject is told why and until when. */
  async extend(
    principal: Principal,
    requestId: string,
    dto: ExtensionDto,
    idempotencyKey?: string,
  ): Promise<Answer<ExtendedRequestDto>> {
    return decide(this.repo, { principal, requestId, route: 'extension', body: dto, idempotencyKey }, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      const status = transition(request.status, 'extend');
      const now = this.clock.now();
      const c = checkExtension(request, dto.months, now, this.policy.deadlines);
      if (!c.ok)
        throw new AppError(
          c.conflict ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST,
          c.conflict ? ErrorCode.InvalidTransition : ErrorCode.ValidationFailed,
          c.reason,
        );
      await this.repo.update(tx, requestId, {
        dueAt: c.dueAt,
        originalDueAt: c.originalDueAt,
        extendedAt: now,
        extensionMonths: dto.months,
        extensionReason: dto.reason,
        extendedBy: principal.id,
      });
      const publish = this.publisher.unitOfWork(tx, { correlationId: requestId }).publish;
      await this.journal.publish(tx, publish, requestId, 'requestExtended', {
        requestId,
        months: dto.months,
        reason: dto.reason,
        previousDueAt: c.previousDueAt.toISOString(),
        dueAt: c.dueAt.toISOString(),
        extendedBy: principal.id,
      });
      await this.journal.publish(
        tx,
        publish,
        requestId,
        'notificationRequested',
        notice(
          randomUUID(),
          requestId,
          requesterRecipient(request.subjectEmail, request.verifiedEmails),
          this.config.NOTICE_LOCALE,
          'deadline-extended',
          extensionVariables(requestId, dto.months, dto.reason, c.previousDueAt, c.dueAt),
        ),
      );
      this.logger.log({ requestId, months: dto.months }, 'deadline extended');
      return { id: requestId, status, dueAt: c.dueAt.toISOString() };
    });
  }

  /**
   * décret 2019-536 art. 77: the DPO asked the subject for information needed to act on the
   * request (which account, which data) and awaits it; the time limit stands still from now.
   */
  async awaitInformation(
    principal: Principal,
    requestId: string,
    dto: InformationAwaitedDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: 'information-request', body: dto, idempotencyKey };
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      const status = transition(request.status, 'await-information');
      if (request.infoRequestedAt)
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.Conflict,
          `information is already awaited since ${request.infoRequestedAt.toISOString()}: record its arrival first`,
        );
      const now = this.clock.now();
      await this.repo.update(tx, requestId, {
        infoRequestedAt: now,
        infoRequestReason: dto.reason,
        infoRequestedBy: principal.id,
      });
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'requestDeadlineSuspended',
        {
          requestId,
          reason: dto.reason,
          suspendedAt: now.toISOString(),
          suspendedBy: principal.id,
        },
      );
      this.logger.log({ requestId, by: principal.id }, 'deadline suspended: information awaited from the subject');
      return { id: requestId, status };
    });
  }

  /**
   * The information arrived: the time limit runs again, the due date moved by the calendar
   * days (controller's time zone) it stood still, every suspension together and any
   * extension kept (décret 2019-536 art. 77; Regulation 1182/71 art. 3).
   */
  async receiveInformation(
    principal: Principal,
    requestId: string,
    dto: InformationReceivedDto,
    idempotencyKey?: string,
  ): Promise<Answer<ExtendedRequestDto>> {
    const call = { principal, requestId, route: 'information-request/received', body: dto, idempotencyKey };
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      const status = transition(request.status, 'receive-information');
      const since = request.infoRequestedAt;
      if (!since)
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          'no information is awaited on this request',
        );
      const now = this.clock.now();
      const receivedAt = dto.receivedAt !== undefined ? new Date(dto.receivedAt) : now;
      if (receivedAt.getTime() > now.getTime() || receivedAt.getTime() < since.getTime())
        throw new AppError(
          HttpStatus.BAD_REQUEST,
          ErrorCode.ValidationFailed,
          `receivedAt must be between the suspension (${since.toISOString()}) and now`,
        );
      const { response, timeZone } = this.policy.deadlines;
      const days = suspendedDays(since, receivedAt, timeZone);
      const total = request.suspendedDays + days;
      const dueAt = resumedDueAt(request, response, total, timeZone);
      await this.repo.update(tx, requestId, {
        dueAt,
        suspendedDays: total,
        infoRequestedAt: null,
        infoRequestReason: null,
        infoRequestedBy: null,
      });
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'requestDeadlineResumed',
        {
          requestId,
          suspendedAt: since.toISOString(),
          resumedAt: receivedAt.toISOString(),
          suspendedDays: days,
          previousDueAt: request.dueAt.toISOString(),
          dueAt: dueAt.toISOString(),
          cause: 'information-received',
        },
      );
      this.logger.log({ requestId, suspendedDays: days, by: principal.id }, 'deadline resumed: information received');
      return { id: requestId, status, dueAt: dueAt.toISOString() };
    });
  }

  /** Art. 12(4): no action taken; the request closes as refused and the subject is told why and of their remedies. */
  async refuse(
    principal: Principal,
    requestId: string,
    dto: RefusalDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: 'refusal', body: dto, idempotencyKey };
    return this.close(call, 'refuse', async (tx, publish, request, closedAt) => {
      await this.repo.update(tx, requestId, { decisionReason: dto.reasons, decidedBy: principal.id });
      await this.journal.publish(tx, publish, requestId, 'requestRefused', {
        requestId,
        type: request.type,
        reasons: dto.reasons,
        refusedBy: principal.id,
        refusedAt: closedAt.toISOString(),
      });
      return {
        template: 'request-refused',
        variables: refusalVariables(requestId, request.type, dto.reasons, this.policy.authority),
      };
    });
  }

  /** Art. 12(5): manifestly unfounded or excessive; the justification is recorded (the burden of proof is the controller's). */
  async reject(
    principal: Principal,
    requestId: string,
    dto: RejectionDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: 'rejection', body: dto, idempotencyKey };
    return this.close(call, 'reject', async (tx, publish, request, closedAt) => {
      await this.repo.update(tx, requestId, {
        decisionReason: dto.justification,
        rejectionGround: dto.ground,
        decidedBy: principal.id,
      });
      await this.journal.publish(tx, publish, requestId, 'requestRejected', {
        requestId,
        type: request.type,
        ground: dto.ground,
        justification: dto.justification,
        rejectedBy: principal.id,
        rejectedAt: closedAt.toISOString(),
      });
      return {
        template: 'request-rejected',
        variables: rejectionVariables(requestId, request.type, dto.ground, dto.justification, this.policy.authority),
      };
    });
  }

  /** The controller acknowledged a request forwarded for a processor system; the executor completes the action (outcome forwarded). */
  async acknowledgeForward(
    principal: Principal,
    requestId: string,
    commandId: string,
    dto: AcknowledgementDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: `actions/${commandId}/acknowledgement`, body: dto, idempotencyKey };
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      const action = (await this.repo.actionsOf(tx, requestId)).find((a) => a.commandId === commandId);
      if (!action)
        throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no action ${commandId} on request ${requestId}`);
      if (action.acknowledgementRequestedAt)
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.Conflict,
          `the acknowledgement was already recorded at ${action.acknowledgementRequestedAt.toISOString()}`,
        );
      if (action.kind !== 'forward' || action.status !== 'awaiting-acknowledgement') {
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          `only a forwarded action awaiting its acknowledgement can be acknowledged (this one is ${action.kind ?? 'planned'}, ${action.status})`,
        );
      }
      transition(request.status, 'acknowledge-forward');
      await this.repo.markAcknowledgementRequested(tx, requestId, action.id, dto.note);
      // The action shows acknowledged at once: the same merge as the executor's actionAcknowledged, which then changes nothing.
      const status = advance(
        request.status,
        await applyActionUpdate(this.repo, tx, requestId, {
          event: 'acknowledged',
          commandId,
          systemId: action.systemId,
        }),
      );
      if (status !== request.status) await this.repo.update(tx, requestId, { status });
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'actionAcknowledgementRecorded',
        { requestId, commandId, note: dto.note, recordedBy: principal.id },
      );
      this.logger.log({ requestId, commandId }, 'controller acknowledgement recorded');
      return { id: requestId, status };
    });
  }

  /** Art. 18(3): the DPO lifts a restriction; the executor tells the subject first, then the systems. */
  async liftRestriction(
    principal: Principal,
    requestId: string,
    dto: RestrictionLiftDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: 'restriction/lift', body: dto, idempotencyKey };
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      if (request.type !== 'restriction' || request.status !== 'completed') {
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          `only a completed restriction request can be lifted (this one is ${request.type}, ${request.status})`,
        );
      }
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'restrictionLiftRequested',
        { requestId, reason: dto.reason, requestedBy: principal.id },
      );
      this.logger.log({ requestId, by: principal.id }, 'restriction lift requested');
      return { id: requestId, status: request.status };
    });
  }

  /** Art. 21(1): the DPO decides an objection to processing on legitimate interest, per escalated suppress action. */
  async decideObjection(
    principal: Principal,
    requestId: string,
    commandId: string,
    dto: ObjectionDecisionDto,
    idempotencyKey?: string,
  ): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: `actions/${commandId}/objection-decision`, body: dto, idempotencyKey };
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      const action = (await this.repo.actionsOf(tx, requestId)).find((a) => a.commandId === commandId);
      if (!action)
        throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no action ${commandId} on request ${requestId}`);
      if (request.type !== 'objection' || action.kind !== 'suppress' || action.status !== 'escalated') {
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          `only an escalated suppress action of an objection can be decided (this one is ${action.kind ?? 'planned'}, ${action.status})`,
        );
      }
      // Overridden, the action shows closed at once, with the reason the executor's
      // actionClosedManually will carry (which then changes nothing); upheld, it stays
      // escalated until the executor's suppress command goes out (a system that cannot
      // suppress keeps it escalated, for the DPO to close by hand), its reason says so.
      const update: ActionUpdate =
        dto.decision === 'overridden'
          ? { event: 'closed-manually', commandId, systemId: action.systemId, reason: overriddenReason(dto.grounds) }
          : {
              event: 'escalated',
              commandId,
              systemId: action.systemId,
              kind: 'suppress',
              attempts: action.attempts,
              reason: `objection upheld by ${principal.id}: the suppress command goes out (GDPR Art. 21(1))`,
            };
      const status = advance(request.status, await applyActionUpdate(this.repo, tx, requestId, update));
      if (status !== request.status) await this.repo.update(tx, requestId, { status });
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'objectionDecided',
        {
          requestId,
          commandId,
          decision: dto.decision,
          grounds: dto.grounds,
          decidedBy: principal.id,
        },
      );
      this.logger.log({ requestId, commandId, decision: dto.decision }, 'objection decided by the DPO');
      return { id: requestId, status };
    });
  }

  /** Refusal and rejection: the request closes with its outcome, `requestClosed` and the notice, in one transaction. */
  private close(
    call: DecisionCall,
    command: 'refuse' | 'reject',
    record: (
      tx: Tx,
      publish: Publish,
      request: RequestEntity,
      closedAt: Date,
    ) => Promise<{ template: string; variables: Record<string, unknown> }>,
  ): Promise<Answer<AcceptedDto>> {
    const { principal, requestId } = call;
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      const status = transition(request.status, command);
      const outcome = command === 'refuse' ? 'refused' : 'rejected';
      const closedAt = this.clock.now();
      const publish = this.publisher.unitOfWork(tx, { correlationId: requestId }).publish;
      const { template, variables } = await record(tx, publish, request, closedAt);
      await this.repo.update(tx, requestId, { status, outcome, closedAt });
      await this.journal.publish(tx, publish, requestId, 'requestClosed', {
        requestId,
        type: request.type,
        outcome,
        closedAt: closedAt.toISOString(),
        dueAt: request.dueAt.toISOString(),
        receivedAt: request.receivedAt.toISOString(),
      });
      const recipient = requesterRecipient(request.subjectEmail, request.verifiedEmails);
      await this.journal.publish(
        tx,
        publish,
        requestId,
        'notificationRequested',
        notice(randomUUID(), requestId, recipient, this.config.NOTICE_LOCALE, template, variables),
      );
      this.logger.log({ requestId, outcome, by: principal.id }, 'request closed by the DPO');
      return { id: requestId, status, outcome };
    });
  }
}

/** What the executor records when the DPO overrides an objection (erasure-executor objection.right.ts), scrubbed as the projection scrubs it. */
export const overriddenReason = (grounds: string): string =>
  scrubPersonalData(`objection overridden by compelling legitimate grounds (GDPR Art. 21(1)): ${grounds}`);

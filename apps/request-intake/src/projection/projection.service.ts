/**
 * Projects the other services' events into the request: status (through the state
 * machine), subject candidates, verified addresses, per-system actions, holds, timeline.
 * Runs in the handler's transaction (inbox, writes and published events commit together),
 * with the request row locked, so events of one request from different topics apply one
 * at a time. When execution completes, the request closes and the subject is told what
 * was erased and what is kept, why and until when (Art. 12(1), 12(3), 17(3)).
 * Long on purpose: one case per event the request view follows; the switch is exhaustive
 * (lint) and reads as the list of what moves a request.
 */
import { Policy } from '@datarights/policy';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventName } from '@datarights/contracts';
import { EventPublisher, PermanentError, type Publish } from '@datarights/messaging';
import { AppError, Clock, ErrorCode, scrubPersonalData, type Principal } from '@datarights/service-kit';
import { RequestIntakeConfig } from '../config/app.config';
import type { RequestEntity } from '../requests/entities';
import { actionsTarget, settleWithOutcomes, type ActionUpdate } from '../requests/request-actions';
import { applyActionUpdate, decide, lockRequest, type Answer } from '../requests/request-tx';
import type { AcceptedDto } from '../requests/dto/request-view.dto';
import { RequestJournal, type EventMeta } from '../requests/request-journal';
import { advance, type RequestStatus } from '../requests/request-state';
import { RequestsRepository, type RequestPatch, type Tx } from '../requests/requests.repository';
import { VerificationClockService } from '../self-service/verification-clock.service';
import { completionNotification, completionRecipient, completionVariables } from '../requests/completion-notice';
import type { RequestEventPayloads } from '../requests/timeline-summary';
import { isPackageRequest, packageLink, packageReadyNotice, resolveLinkSecret } from '../package/package-link';

export const PROJECTED_EVENTS = [
  'subjectResolved',
  'identityVerified',
  'planBuilt',
  'actionDispatched',
  'actionCompleted',
  'actionEscalated',
  'actionClosedManually',
  'holdRecorded',
  'executionCompleted',
  'holdExpired',
  'actionForwarded',
  'actionAcknowledged',
  'identityChallengeSent',
] as const satisfies readonly EventName[];
export type ProjectedName = (typeof PROJECTED_EVENTS)[number];
export type ProjectedEvent = { [N in ProjectedName]: { name: N; data: RequestEventPayloads[N] } }[ProjectedName];

@Injectable()
export class ProjectionService {
  private readonly logger = new Logger(ProjectionService.name);

  constructor(
    private readonly repo: RequestsRepository,
    private readonly journal: RequestJournal,
    private readonly config: RequestIntakeConfig,
    private readonly clock: Clock,
    private readonly verificationClock: VerificationClockService,
    private readonly policy: Policy,
    private readonly publisher: EventPublisher,
  ) {}

  async apply(tx: Tx, publish: Publish, meta: EventMeta, event: ProjectedEvent): Promise<void> {
    const requestId = event.data.requestId;
    const request = await this.repo.lock(tx, requestId);
    // Our own outbox commits the request before any service hears of it: an unknown id is
    // not something a retry can fix.
    if (!request) throw new PermanentError(`${event.name} for unknown request ${requestId}`);
    await this.journal.handled(tx, requestId, meta, event);

    const patch: RequestPatch = {};
    let target = await this.project(tx, request, event, patch);
    // Art. 15(4): a package holding records flagged as other people's data does not leave
    // automatically; the request waits for the DPO's release (release(), below).
    if (
      event.name === 'executionCompleted' &&
      event.data.thirdPartyData === true &&
      isPackageRequest(request.type) &&
      !request.releasedAt
    ) {
      patch.releasePending = { systems: event.data.systems };
      patch.releasePendingSince = this.clock.now();
      target = undefined;
    }
    if (event.name === 'identityVerified')
      await this.verificationClock.resume(tx, publish, request, new Date(event.data.verifiedAt), patch);
    const status = target ? advance(request.status, target) : request.status;
    if (status !== request.status) patch.status = status;
    if (status === 'completed' && request.status !== 'completed' && event.name === 'executionCompleted') {
      await this.complete(tx, publish, request, event.data, patch);
    }
    await this.repo.update(tx, requestId, patch);
    this.logger.log({ requestId, event: event.name, from: request.status, to: status }, 'request event projected');
  }

  /** Records what the event says and returns the status it points to. */
  private async project(
    tx: Tx,
    request: RequestEntity,
    event: ProjectedEvent,
    patch: RequestPatch,
  ): Promise<RequestStatus | undefined> {
    const requestId = request.id;
    switch (event.name) {
      case 'subjectResolved': {
        const d = event.data;
        if (d.result === 'matched') {
          if (d.subjectRef) patch.subjectRef = d.subjectRef;
          return 'awaiting-verification';
        }
        patch.candidates = d.candidates.map((c) => ({
          subjectRef: c.subjectRef,
          hints: [...c.hints],
          records: c.records,
        }));
        return 'awaiting-subject-decision';
      }
      case 'identityVerified': {
        const d = event.data;
        patch.subjectRef = d.subjectRef;
        // Personal data: kept on the request row only, for the completion notice.
        patch.verifiedEmails = [...(d.subjectKeys.email ?? [])];
        patch.verificationMethod = d.method;
        patch.verifiedAt = new Date(d.verifiedAt);
        return 'verified';
      }
      case 'planBuilt':
        await this.repo.addPlannedSystems(
          tx,
          requestId,
          event.data.items.map((i) => ({ systemId: i.systemId, categories: i.categories })),
        );
        return actionsTarget(await this.repo.actionsOf(tx, requestId));
      case 'actionDispatched': {
        const d = event.data;
        return this.mergeAction(tx, requestId, {
          event: 'dispatched',
          commandId: d.commandId,
          systemId: d.systemId,
          kind: d.kind,
          categories: d.categories,
          attempt: d.attempt,
        });
      }
      case 'actionCompleted': {
        const d = event.data;
        return this.mergeAction(tx, requestId, {
          event: 'completed',
          commandId: d.commandId,
          systemId: d.systemId,
          kind: d.kind,
          outcome: d.outcome,
          affectedRecords: d.affectedRecords,
          ...(d.error ? { error: scrubPersonalData(d.error) } : {}),
        });
      }
      case 'actionEscalated': {
        const d = event.data;
        return this.mergeAction(tx, requestId, {
          event: 'escalated',
          commandId: d.commandId,
          systemId: d.systemId,
          kind: d.kind,
          reason: scrubPersonalData(d.reason),
          attempts: d.attempts,
        });
      }
      case 'actionClosedManually': {
        const d = event.data;
        return this.mergeAction(tx, requestId, {
          event: 'closed-manually',
          commandId: d.commandId,
          systemId: d.systemId,
          reason: scrubPersonalData(d.reason),
        });
      }
      case 'holdRecorded': {
        const d = event.data;
        await this.repo.addHolds(tx, requestId, [
          {
            holdId: d.holdId,
            systemId: d.systemId,
            category: d.category,
            ground: d.ground,
            legalText: d.legalText,
            until: new Date(d.until),
            startPending: d.startPending ?? null,
          },
        ]);
        return actionsTarget(await this.repo.actionsOf(tx, requestId));
      }
      case 'executionCompleted': {
        const d = event.data;
        await this.repo.addHolds(
          tx,
          requestId,
          d.holds.map((h) => ({
            holdId: h.holdId,
            systemId: h.systemId,
            category: h.category,
            ground: h.ground,
            legalText: h.legalText,
            until: new Date(h.until),
            startPending: h.startPending ?? null,
          })),
        );
        for (const change of settleWithOutcomes(await this.repo.actionsOf(tx, requestId), d.systems)) {
          await this.repo.saveAction(tx, requestId, change.id, change.state);
        }
        return 'completed';
      }
      // A hold's period ended (usually long after the request closed): the erase command
      // joins the request's actions, the hold shows when it ended; the status stays.
      case 'holdExpired': {
        const d = event.data;
        await this.repo.markHoldExpired(tx, requestId, d.holdId, new Date(d.expiredAt), d.commandId);
        return undefined;
      }
      case 'actionForwarded': {
        const d = event.data;
        return this.mergeAction(tx, requestId, {
          event: 'forwarded',
          commandId: d.commandId,
          systemId: d.systemId,
          categories: d.categories,
        });
      }
      case 'actionAcknowledged': {
        const d = event.data;
        return this.mergeAction(tx, requestId, { event: 'acknowledged', commandId: d.commandId, systemId: d.systemId });
      }
      // A code went to the subject: the request awaits their proof, its clock stands still.
      case 'identityChallengeSent':
        await this.verificationClock.suspend(tx, requestId, new Date(event.data.sentAt));
        return 'awaiting-verification';
    }
  }

  private mergeAction(tx: Tx, requestId: string, update: ActionUpdate): Promise<RequestStatus> {
    return applyActionUpdate(this.repo, tx, requestId, update);
  }

  /**
   * The DPO releases a package that waited (Art. 15(4)): they checked that the copy does not
   * adversely affect others (a support ticket naming an agent, redacted where needed). The
   * request completes as it would have, the subject is told with the package link, and the
   * closing (dsr.request.closed.v1) is on the audit trail; 409 when nothing waits.
   */
  release(principal: Principal, requestId: string, idempotencyKey?: string): Promise<Answer<AcceptedDto>> {
    const call = { principal, requestId, route: 'package-release', body: {}, idempotencyKey };
    return decide(this.repo, call, async (tx) => {
      const request = await lockRequest(this.repo, tx, requestId);
      if (!request.releasePending || request.releasedAt)
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          `request ${requestId} has no package waiting for release`,
        );
      const publish = this.publisher.unitOfWork(tx, { correlationId: requestId }).publish;
      const status = advance(request.status, 'completed');
      const patch: RequestPatch = { status, releasedAt: this.clock.now(), releasedBy: principal.id };
      await this.complete(
        tx,
        publish,
        request,
        { requestId, systems: request.releasePending.systems, holds: [] },
        patch,
      );
      await this.repo.update(tx, requestId, patch);
      this.logger.log({ requestId }, 'package released by the DPO');
      return { id: requestId, status, outcome: 'completed' };
    });
  }

  /** The request ends: closed with outcome `completed`, and the subject is told (same transaction). */
  private async complete(
    tx: Tx,
    publish: Publish,
    request: RequestEntity,
    done: RequestEventPayloads['executionCompleted'],
    patch: RequestPatch,
  ): Promise<void> {
    const closedAt = this.clock.now();
    patch.closedAt = closedAt;
    patch.outcome = 'completed';
    await this.journal.publish(tx, publish, request.id, 'requestClosed', {
      requestId: request.id,
      type: request.type,
      outcome: 'completed',
      closedAt: closedAt.toISOString(),
      dueAt: request.dueAt.toISOString(),
      receivedAt: request.receivedAt.toISOString(),
    });
    const holds = await this.repo.holdsOf(tx, request.id);
    const variables = completionVariables(
      request.id,
      done.systems,
      holds.map((h) => ({ ...h, until: h.until.toISOString(), startPending: h.startPending ?? undefined })),
      { policy: this.policy, locale: this.config.NOTICE_LOCALE },
    );
    const recipient = completionRecipient(request.subjectEmail, patch.verifiedEmails ?? request.verifiedEmails);
    const notice = completionNotification(randomUUID(), request.id, recipient, this.config.NOTICE_LOCALE, variables);
    // Access and portability (Art. 15, 20): the subject is told the package is ready, with a signed, expiring link.
    await this.journal.publish(
      tx,
      publish,
      request.id,
      'notificationRequested',
      isPackageRequest(request.type)
        ? packageReadyNotice(
            notice,
            packageLink(
              resolveLinkSecret(this.config.PACKAGE_LINK_SECRET, this.config.NODE_ENV, () => undefined),
              request.id,
              this.config.PACKAGE_LINK_TTL,
              closedAt,
            ),
          )
        : notice,
    );
  }
}

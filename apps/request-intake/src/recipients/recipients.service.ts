/**
 * The request's recipients (GDPR Art. 19): projects the executor's notice events into
 * request_recipients and the timeline; lets the DPO record an acknowledgement obtained by
 * other means (the executor confirms it), and give the subject the list of recipients
 * ("The controller shall inform the data subject about those recipients if the data
 * subject requests it", Art. 19, last sentence). Logs: ids and statuses only.
 */
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type {
  RecipientAcknowledged,
  RecipientDeclined,
  RecipientNotified,
  RecipientNotNotified,
  RecipientReminded,
  RecipientUnacknowledged,
} from '@datarights/contracts';
import { EventPublisher, PermanentError } from '@datarights/messaging';
import { AppError, Clock, ErrorCode, scrubPersonalData, type Principal } from '@datarights/service-kit';
import { RequestIntakeConfig } from '../config/app.config';
import { notice, requesterRecipient } from '../requests/decision-notice';
import { RequestJournal, type EventMeta } from '../requests/request-journal';
import { lockRequest, notFound } from '../requests/request-tx';
import { RequestsRepository, type Tx } from '../requests/requests.repository';
import type { AcknowledgementDto } from '../requests/dto/decisions.dto';
import type { AcceptedDto } from '../requests/dto/request-view.dto';
import type { RecipientListDto, SubjectInformedDto } from '../requests/dto/recipients.dto';
import { subjectRecipientList, toRecipientDto } from '../requests/recipient-list';
import { RecipientsRepository } from '../requests/recipients.repository';

export type RecipientEvent =
  | { name: 'recipientNotified'; data: RecipientNotified }
  | { name: 'recipientNotNotified'; data: RecipientNotNotified }
  | { name: 'recipientReminded'; data: RecipientReminded }
  | { name: 'recipientAcknowledged'; data: RecipientAcknowledged }
  | { name: 'recipientDeclined'; data: RecipientDeclined }
  | { name: 'recipientUnacknowledged'; data: RecipientUnacknowledged };

/** The template of the notice listing the recipients, for the mail gateway. */
export const RECIPIENTS_TEMPLATE = 'recipients-list';

@Injectable()
export class RecipientsService {
  private readonly logger = new Logger(RecipientsService.name);

  constructor(
    private readonly requests: RequestsRepository,
    private readonly recipients: RecipientsRepository,
    private readonly journal: RequestJournal,
    private readonly publisher: EventPublisher,
    private readonly config: RequestIntakeConfig,
    private readonly clock: Clock,
  ) {}

  /** One of the executor's notice events, in the handler's transaction, with the request locked. */
  async project(tx: Tx, meta: EventMeta, event: RecipientEvent): Promise<void> {
    const requestId = event.data.requestId;
    if (!(await this.requests.lock(tx, requestId)))
      throw new PermanentError(`${event.name} for unknown request ${requestId}`);
    await this.journal.handled(tx, requestId, meta, event);
    const at = new Date(meta.time);
    const d = event.data;
    switch (event.name) {
      case 'recipientNotified':
      case 'recipientNotNotified': {
        const e = event.data;
        const notified = event.name === 'recipientNotified';
        await this.recipients.add(tx, requestId, {
          noticeId: e.noticeId,
          recipient: e.recipient,
          fromSystemId: e.fromSystemId,
          action: e.action,
          categories: e.categories,
          status: notified ? 'awaiting-acknowledgement' : 'not-notified',
          respondBy: notified ? new Date(event.data.respondBy) : null,
          reason: notified ? null : event.data.reason,
          notifiedAt: at,
        });
        break;
      }
      case 'recipientReminded':
        await this.recipients.change(tx, requestId, d.noticeId, {
          reminders: event.data.reminder,
          respondBy: new Date(event.data.respondBy),
          at,
        });
        break;
      case 'recipientAcknowledged':
        await this.recipients.change(tx, requestId, d.noticeId, {
          status: 'acknowledged',
          acknowledgedBy: event.data.acknowledgedBy,
          at,
        });
        break;
      // The recipient's own words may name someone: scrubbed, as every free text from a system.
      case 'recipientDeclined':
        await this.recipients.change(tx, requestId, d.noticeId, {
          status: 'declined',
          reason: scrubPersonalData(event.data.reason),
          at,
        });
        break;
      case 'recipientUnacknowledged':
        await this.recipients.change(tx, requestId, d.noticeId, {
          status: 'unacknowledged',
          reason: event.data.reason,
          at,
        });
        break;
    }
    this.logger.log({ requestId, noticeId: d.noticeId, event: event.name }, 'recipient notice projected');
  }

  async list(requestId: string): Promise<RecipientListDto> {
    const tx = this.requests.reader;
    if (!(await this.requests.find(tx, requestId))) throw notFound(requestId);
    return { requestId, recipients: (await this.recipients.of(tx, requestId)).map(toRecipientDto) };
  }

  /** The DPO obtained the recipient's acknowledgement by other means (a letter, a call); the executor records it. */
  async recordAcknowledgement(
    principal: Principal,
    requestId: string,
    noticeId: string,
    dto: AcknowledgementDto,
  ): Promise<AcceptedDto> {
    return this.requests.transaction(async (tx) => {
      const request = await lockRequest(this.requests, tx, requestId);
      const row = (await this.recipients.of(tx, requestId)).find((r) => r.noticeId === noticeId);
      if (!row)
        throw new AppError(
          HttpStatus.NOT_FOUND,
          ErrorCode.NotFound,
          `no recipient notice ${noticeId} on request ${requestId}`,
        );
      if (row.status === 'acknowledged' || row.status === 'declined') {
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          `the recipient's answer is already recorded (${row.status})`,
        );
      }
      if (row.acknowledgementRequestedAt)
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.Conflict,
          'the acknowledgement was already recorded; waiting for the executor',
        );
      await this.recipients.markAcknowledgementRequested(tx, requestId, noticeId, this.clock.now());
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'recipientAcknowledgementRecorded',
        { requestId, noticeId, note: dto.note, recordedBy: principal.id },
      );
      this.logger.log({ requestId, noticeId }, 'recipient acknowledgement recorded');
      return { id: requestId, status: request.status, outcome: request.outcome };
    });
  }

  /** Art. 19, last sentence: the subject asked who received their data; they are sent the list. */
  async informSubject(principal: Principal, requestId: string): Promise<SubjectInformedDto> {
    return this.requests.transaction(async (tx) => {
      const request = await lockRequest(this.requests, tx, requestId);
      if (request.minimisedAt)
        throw new AppError(
          HttpStatus.CONFLICT,
          ErrorCode.InvalidTransition,
          "the request's identifiers were minimised after its proof period: there is no contact to write to",
        );
      const recipients = subjectRecipientList(await this.recipients.of(tx, requestId));
      const notificationId = randomUUID();
      const to = requesterRecipient(request.subjectEmail, request.verifiedEmails);
      await this.journal.publish(
        tx,
        this.publisher.unitOfWork(tx, { correlationId: requestId }).publish,
        requestId,
        'notificationRequested',
        notice(notificationId, requestId, to, this.config.NOTICE_LOCALE, RECIPIENTS_TEMPLATE, {
          requestId,
          requestType: request.type,
          recipients,
        }),
      );
      this.logger.log(
        { requestId, notificationId, recipients: recipients.length, by: principal.id },
        'subject sent the list of recipients',
      );
      return { requestId, notificationId, recipients: recipients.length };
    });
  }
}

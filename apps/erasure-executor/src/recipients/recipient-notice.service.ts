/**
 * Telling the recipients (GDPR Art. 19): when a system of ours has rectified, erased or
 * restricted the subject's data, each recipient it disclosed that data to (its registered
 * `recipients`) gets a `pdata.command.notify.v1` on its own command topic; its reply is
 * the acknowledgement; the timeout loop reminds it (the same command, `reminder` counting
 * up) and then records it as unacknowledged. A recipient without a command topic cannot be
 * told through the system: that is recorded with the reason, and the DPO may record an
 * acknowledgement obtained by other means. No TypeORM or Kafka here: writes through the
 * caller's transaction, events through its outbox. Subject keys are never logged.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { type CommandReply, LinkedSubjectKeys, type RecipientAcknowledgementRecorded } from '@datarights/contracts';
import { PermanentError, TopicAdmin } from '@datarights/messaging';
import type { Policy } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import { POLICY } from '../policy/policy.module';
import type { ExecutionTx } from '../execution/store/execution-tx';
import {
  acknowledgeBy,
  NO_CHANNEL_REASON,
  nextNoticeStep,
  noticesFor,
  type CompletedAction,
} from './recipient-notices';
import type { Notice } from './recipient-notice.repository';

@Injectable()
export class RecipientNoticeService {
  private readonly logger = new Logger(RecipientNoticeService.name);

  constructor(
    @Inject(POLICY) private readonly policy: Policy,
    private readonly topics: TopicAdmin,
    private readonly clock: Clock,
  ) {}

  /** An action completed on `a.systemId`: tell each of its recipients that received the data (Art. 19). */
  async afterAction(tx: ExecutionTx, a: CompletedAction & { commandId: string; requestId: string }): Promise<void> {
    const planned = noticesFor(a, await tx.notices.recipientsOf(a.systemId));
    if (planned.length === 0) return;
    const request = await tx.requests.get(a.requestId);
    if (!request) throw new Error(`action ${a.commandId} has no request row`);
    // A re-suppression's own keys never reach here (suppress is not an Art. 19 action): the request's keys.
    const subjectKeys = plainToInstance(LinkedSubjectKeys, request.subjectKeys);
    const now = this.clock.now();
    for (const p of planned) {
      const noticeId = randomUUID();
      const facts = {
        requestId: a.requestId,
        noticeId,
        recipient: p.recipient,
        fromSystemId: a.systemId,
        action: p.action,
        categories: p.categories,
      };
      const systemId = p.recipient.systemId;
      if (!systemId) {
        if (
          await tx.notices.insert({
            ...facts,
            sourceCommandId: a.commandId,
            params: {},
            status: 'not-notified',
            respondBy: null,
            reason: NO_CHANNEL_REASON,
          })
        ) {
          await tx.publish('recipientNotNotified', { ...facts, reason: NO_CHANNEL_REASON });
        }
        continue;
      }
      const respondBy = acknowledgeBy(this.policy.recipients, now);
      if (
        !(await tx.notices.insert({
          ...facts,
          sourceCommandId: a.commandId,
          params: p.params,
          status: 'awaiting-acknowledgement',
          respondBy,
          reason: null,
        }))
      )
        continue;
      // The command topic must exist before the outbox relay sends to it.
      await this.topics.ensureCommandTopic(systemId);
      await this.send(tx, { ...facts, params: p.params }, systemId, subjectKeys, 0, respondBy);
      await tx.publish('recipientNotified', { ...facts, respondBy: respondBy.toISOString() });
    }
    this.logger.log(`request ${a.requestId}: ${planned.length} recipient notice(s) for ${a.kind} on ${a.systemId}`);
  }

  /**
   * A reply to a notice: its acknowledgement (`done`, `not-found`, `partial`) or why it
   * cannot (`failed` with an error). False if the command id is not a notice's.
   */
  async onReply(tx: ExecutionTx, reply: CommandReply, reported: 'completed' | 'failed'): Promise<boolean> {
    const notice = await tx.notices.lock(reply.commandId);
    if (!notice) return false;
    if (notice.requestId !== reply.requestId || notice.recipient.systemId !== reply.systemId) {
      throw new PermanentError(
        `reply for notice ${reply.commandId} does not match it (request ${reply.requestId}, system ${reply.systemId})`,
      );
    }
    if (notice.status !== 'awaiting-acknowledgement' && notice.status !== 'unacknowledged') {
      this.logger.log(`notice ${notice.noticeId}: reply while ${notice.status}, ignored`);
      return true;
    }
    const now = this.clock.now();
    if (reported === 'failed' || reply.outcome === 'failed') {
      const reason = reply.error ?? `${reply.systemId} answered that it cannot act on the notice, without a reason`;
      await tx.notices.end(notice.noticeId, 'declined', { reason, at: now });
      await tx.publish('recipientDeclined', {
        requestId: notice.requestId,
        noticeId: notice.noticeId,
        recipient: notice.recipient,
        reason,
      });
      this.logger.warn(`notice ${notice.noticeId} to ${reply.systemId}: declined`);
      return true;
    }
    await this.acknowledge(tx, notice, reply.outcome, 'recipient', now);
    return true;
  }

  /** The DPO recorded an acknowledgement obtained by other means (mail, phone). */
  async onAcknowledgementRecorded(tx: ExecutionTx, rec: RecipientAcknowledgementRecorded): Promise<void> {
    const notice = await tx.notices.lock(rec.noticeId);
    if (!notice || notice.requestId !== rec.requestId)
      throw new PermanentError(`acknowledgement for unknown notice ${rec.noticeId} of request ${rec.requestId}`);
    if (notice.status === 'acknowledged' || notice.status === 'declined') {
      this.logger.warn(`notice ${notice.noticeId}: acknowledgement recorded while ${notice.status}, ignored`);
      return;
    }
    await this.acknowledge(tx, notice, 'recorded', rec.recordedBy, this.clock.now());
  }

  private async acknowledge(tx: ExecutionTx, notice: Notice, outcome: string, by: string, now: Date): Promise<void> {
    const late = notice.status === 'unacknowledged';
    await tx.notices.end(notice.noticeId, 'acknowledged', { acknowledgedBy: by, at: now });
    await tx.publish('recipientAcknowledged', {
      requestId: notice.requestId,
      noticeId: notice.noticeId,
      recipient: notice.recipient,
      outcome,
      acknowledgedBy: by,
      ...(late ? { late } : {}),
    });
    this.logger.log(
      `notice ${notice.noticeId}: acknowledged (${outcome})${late ? ' after it was recorded as unacknowledged' : ''}`,
    );
  }

  /** The timeout loop found a notice past its time: remind the recipient, or record that it never answered. */
  async onDue(tx: ExecutionTx, notice: Notice, now: Date): Promise<void> {
    if (notice.status !== 'awaiting-acknowledgement' || !notice.recipient.systemId) return;
    const step = nextNoticeStep(notice.reminders, this.policy.recipients, now);
    const facts = { requestId: notice.requestId, noticeId: notice.noticeId, recipient: notice.recipient };
    if (step.step === 'give-up') {
      await tx.notices.end(notice.noticeId, 'unacknowledged', { reason: step.reason, at: now });
      await tx.publish('recipientUnacknowledged', { ...facts, reminders: notice.reminders, reason: step.reason });
      this.logger.warn(
        `notice ${notice.noticeId} to ${notice.recipient.systemId}: unacknowledged after ${notice.reminders} reminder(s)`,
      );
      return;
    }
    const request = await tx.requests.get(notice.requestId);
    if (!request) throw new Error(`notice ${notice.noticeId} has no request row`);
    await tx.notices.reminded(notice.noticeId, step.reminder, step.respondBy);
    await this.send(
      tx,
      notice,
      notice.recipient.systemId,
      plainToInstance(LinkedSubjectKeys, request.subjectKeys),
      step.reminder,
      step.respondBy,
    );
    await tx.publish('recipientReminded', {
      ...facts,
      reminder: step.reminder,
      respondBy: step.respondBy.toISOString(),
    });
    this.logger.warn(`notice ${notice.noticeId} to ${notice.recipient.systemId}: reminder ${step.reminder}`);
  }

  private async send(
    tx: ExecutionTx,
    n: Pick<Notice, 'requestId' | 'noticeId' | 'fromSystemId' | 'action' | 'categories' | 'params'>,
    systemId: string,
    subjectKeys: LinkedSubjectKeys,
    reminder: number,
    respondBy: Date,
  ): Promise<void> {
    await tx.publish('notifyCommand', {
      commandId: n.noticeId,
      requestId: n.requestId,
      systemId,
      subjectKeys,
      categories: n.categories,
      respondBy: respondBy.toISOString(),
      action: n.action,
      fromSystemId: n.fromSystemId,
      ...(n.params.changes ? { changes: n.params.changes } : {}),
      ...(n.params.ground ? { ground: n.params.ground } : {}),
      reminder,
    });
  }
}

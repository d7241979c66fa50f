/**
 * Legal holds that end (GDPR Art. 17(3)(b) then 17(1)): when a hold's period is over, the
 * data it kept must be erased "without undue delay". The schedule is the `hold` table
 * itself (durable: it survives restarts, it is only rows): each run claims the holds past
 * their `until` (active → expired, FOR UPDATE SKIP LOCKED, so a hold fires once even with
 * several replicas) and, in the same transaction, starts the erase action for that system
 * and category with the request's stored subject keys — tracked like every action (reply,
 * retries, escalation) — and publishes dsr.hold.expired.v1, so the audit shows the erasure.
 * A system that cannot erase gets the action escalated to the DPO instead.
 */
import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { LinkedSubjectKeys } from '@datarights/contracts';
import { TopicAdmin } from '@datarights/messaging';
import { ActionDispatcher } from '../actions/action-dispatcher';
import type { PlannedAction } from '../actions/planned-action';
import type { HoldEntity } from '../entities/hold.entity';
import type { ExecutionTx } from '../store/execution-tx';

/**
 * The erase action of an ended hold. Pure. It names a cut-off, the hold's creation (when
 * the kept records were restricted), and the records it kept when it names them: the
 * deferred erase covers the records kept under the hold and never the data the subject
 * created after the request (a returning customer's new invoices).
 */
export function holdErasure(
  hold: Pick<HoldEntity, 'systemId' | 'category' | 'canErase' | 'legalText' | 'until' | 'createdAt'> &
    Partial<Pick<HoldEntity, 'recordRefs'>>,
): PlannedAction {
  // A hold that names its records (each held to its own end, issue 14) erases those only.
  const recordRefs = hold.recordRefs && hold.recordRefs.length > 0 ? { recordRefs: hold.recordRefs } : {};
  if (hold.canErase)
    return {
      dispatch: true,
      kind: 'erase',
      systemId: hold.systemId,
      categories: [hold.category],
      params: { createdBefore: hold.createdAt.toISOString(), ...recordRefs },
    };
  return {
    dispatch: false,
    kind: 'erase',
    systemId: hold.systemId,
    categories: [hold.category],
    reason: `the retention under ${hold.legalText} ended on ${hold.until.toISOString().slice(0, 10)}, but system ${hold.systemId} cannot erase (no 'erase' capability): erase by hand, then close the action`,
  };
}

@Injectable()
export class HoldExpiryService {
  private readonly logger = new Logger(HoldExpiryService.name);

  constructor(
    private readonly actions: ActionDispatcher,
    private readonly topics: TopicAdmin,
  ) {}

  /** Claims and erases up to `limit` holds ended by `now`; returns how many. */
  async expire(tx: ExecutionTx, now: Date, limit: number): Promise<number> {
    const holds = await tx.holds.claimExpired(now, limit);
    for (const hold of holds) {
      const request = await tx.requests.get(hold.requestId);
      if (!request) throw new Error(`hold ${hold.holdId} has no request row`);
      const erase = holdErasure(hold);
      // The command topic must exist before the outbox relay sends to it.
      if (erase.dispatch) await this.topics.ensureCommandTopic(hold.systemId);
      const commandId = await this.actions.start(
        tx,
        hold.requestId,
        plainToInstance(LinkedSubjectKeys, request.subjectKeys),
        erase,
        now,
        hold.holdId,
      );
      await tx.holds.setCommand(hold.holdId, commandId);
      await tx.publish('holdExpired', {
        requestId: hold.requestId,
        holdId: hold.holdId,
        systemId: hold.systemId,
        category: hold.category,
        ground: hold.ground,
        legalText: hold.legalText,
        until: hold.until.toISOString(),
        expiredAt: now.toISOString(),
        commandId,
      });
      this.logger.log(
        `hold ${hold.holdId} (${hold.systemId}/${hold.category}, request ${hold.requestId}) ended: erase ${erase.dispatch ? 'sent' : 'escalated'}`,
      );
    }
    return holds.length;
  }
}

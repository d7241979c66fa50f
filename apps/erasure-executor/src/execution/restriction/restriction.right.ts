/**
 * Restriction (Art. 18): restrict commands placed with the subject's ground to every
 * system holding a concerned category; lifted only when the DPO asks, and only after the
 * subject has been told (Art. 18(3); restriction-lift.ts).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PlanBuilt, RestrictionLiftRequested } from '@datarights/contracts';
import { PermanentError } from '@datarights/messaging';
import type { Policy } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import { ErasureExecutorConfig } from '../../config/app.config';
import { POLICY } from '../../policy/policy.module';
import { ActionDispatcher } from '../actions/action-dispatcher';
import type { ExecutionPlan } from '../actions/planned-action';
import type { PlanContext, RightExecution } from '../actions/right-execution';
import type { ExecutionTx } from '../store/execution-tx';
import { liftNotice, newNotificationId, placedRestrictions, subjectContact } from './restriction-lift';
import { planRestriction } from './restriction-planner';

@Injectable()
export class RestrictionRight implements RightExecution {
  readonly requestType = 'restriction';
  readonly needsParameters = true;
  private readonly logger = new Logger(RestrictionRight.name);

  constructor(
    @Inject(POLICY) private readonly policy: Policy,
    private readonly actions: ActionDispatcher,
    private readonly clock: Clock,
    private readonly config: ErasureExecutorConfig,
  ) {}

  plan(_tx: ExecutionTx, plan: PlanBuilt, ctx: PlanContext): Promise<ExecutionPlan> {
    return Promise.resolve({
      actions: planRestriction(this.policy, plan.items, ctx.parameters?.ground ?? 'accuracy-contested'),
      holds: [],
    });
  }

  /** The DPO lifts a restriction: the subject is told first, then every system (Art. 18(3)). */
  async onLiftRequested(tx: ExecutionTx, req: RestrictionLiftRequested): Promise<void> {
    const request = await tx.requests.lock(req.requestId);
    if (!request || request.requestType !== 'restriction')
      throw new PermanentError(`request ${req.requestId}: no restriction executed under this id`);
    const placed = placedRestrictions(await tx.actions.ofRequest(req.requestId));
    const contact = subjectContact(request.subjectKeys);
    if (!contact)
      throw new PermanentError(
        `request ${req.requestId}: no contact on file to tell the subject before lifting (Art. 18(3))`,
      );
    const now = this.clock.now();
    if (!(await tx.parameters.claimLift(req.requestId, now))) {
      this.logger.warn(`request ${req.requestId}: restriction already lifted; ignored`);
      return;
    }
    const notificationId = newNotificationId();
    const systemIds = placed.map((p) => p.systemId);
    // First the notice, then the commands: outbox order is publication order.
    await tx.publish(
      'notificationRequested',
      liftNotice(req, notificationId, contact, this.config.NOTICE_LOCALE, systemIds),
    );
    await tx.publish('restrictionLiftNotified', {
      requestId: req.requestId,
      notificationId,
      systemIds,
      notifiedAt: now.toISOString(),
    });
    for (const p of placed) {
      await this.actions.start(
        tx,
        req.requestId,
        request.subjectKeys,
        {
          dispatch: true,
          kind: 'restrict',
          systemId: p.systemId,
          categories: p.categories,
          params: { ground: p.ground, action: 'lift' },
        },
        now,
      );
    }
    this.logger.log(`request ${req.requestId}: subject told, restriction lifted on ${systemIds.length} systems`);
  }
}

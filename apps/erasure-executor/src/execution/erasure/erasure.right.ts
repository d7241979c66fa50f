/**
 * Erasure (Art. 17): per system, erase what the policy erases, hold what it retains
 * (Art. 17(3)(b), restricted meanwhile), forward what the company only processes
 * (Art. 28). The holds' end is hold-expiry.service.ts.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { PlanBuilt } from '@datarights/contracts';
import type { Policy } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import { POLICY } from '../../policy/policy.module';
import type { ExecutionPlan } from '../actions/planned-action';
import type { PlanContext, RightExecution } from '../actions/right-execution';
import type { ExecutionTx } from '../store/execution-tx';
import { planErasure } from './erasure-planner';

@Injectable()
export class ErasureRight implements RightExecution {
  readonly requestType = 'erasure';
  readonly needsParameters = false;

  constructor(
    @Inject(POLICY) private readonly policy: Policy,
    private readonly clock: Clock,
  ) {}

  plan(_tx: ExecutionTx, plan: PlanBuilt, ctx: PlanContext): Promise<ExecutionPlan> {
    // Each record's periods are compared with now: a period already over is erased now.
    return Promise.resolve(
      planErasure(this.policy, plan.items, ctx.requestedAt, this.clock.now(), this.policy.deadlines?.timeZone),
    );
  }
}

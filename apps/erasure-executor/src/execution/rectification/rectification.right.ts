/**
 * Rectification (Art. 16): the same changes to every system holding a changed field.
 * The corrected values are dropped once nothing will be sent again (../minimisation).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { PlanBuilt } from '@datarights/contracts';
import type { Policy } from '@datarights/policy';
import { POLICY } from '../../policy/policy.module';
import type { ExecutionPlan } from '../actions/planned-action';
import type { PlanContext, RightExecution } from '../actions/right-execution';
import type { ExecutionTx } from '../store/execution-tx';
import { planRectification } from './rectification-planner';

@Injectable()
export class RectificationRight implements RightExecution {
  readonly requestType = 'rectification';
  readonly needsParameters = true;

  constructor(@Inject(POLICY) private readonly policy: Policy) {}

  plan(_tx: ExecutionTx, plan: PlanBuilt, ctx: PlanContext): Promise<ExecutionPlan> {
    return Promise.resolve({
      actions: planRectification(this.policy, plan.items, ctx.parameters?.changes ?? {}),
      holds: [],
    });
  }
}

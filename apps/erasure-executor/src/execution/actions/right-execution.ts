/**
 * What a right contributes to the execution of a plan: what the request means for the
 * plan's systems (the actions to start, the holds to record). One implementation per right
 * the executor executes (../erasure, ../rectification, ../objection, ../restriction);
 * adding a right is adding one, and listing it in RIGHTS (execution.module.ts).
 */
import type { PlanBuilt, RequestType } from '@datarights/contracts';
import type { ExecutionPlan } from './planned-action';
import type { RequestParameters } from '../store/parameters.store';
import type { ExecutionTx } from '../store/execution-tx';

export interface PlanContext {
  /** The request's date (the plan's time stands for it: see erasure-planner.ts). */
  requestedAt: Date;
  /** What the request asked (`requestSubmitted`), for a right that needs it. */
  parameters?: RequestParameters;
}

export interface RightExecution {
  readonly requestType: RequestType;
  /** Whether its plan needs what the request asked: the plan waits (is retried) until it has come. */
  readonly needsParameters: boolean;
  plan(tx: ExecutionTx, plan: PlanBuilt, ctx: PlanContext): Promise<ExecutionPlan>;
}

/** The rights executed here, injected as one list. */
export const RIGHTS = Symbol('RIGHTS');

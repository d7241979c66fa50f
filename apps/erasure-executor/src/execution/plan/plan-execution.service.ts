/**
 * Executing a request's plan (`planBuilt`), whatever the right: once per request, unless
 * request-intake closed it first; what the plan means comes from the right's own unit
 * (RightExecution: ../erasure, ../rectification, ../objection, ../restriction), and is
 * carried out here: holds recorded, forwards to controllers (../forwarding), commands
 * sent or escalated (../actions), and the completion checked (nothing to send ends it at
 * once). Also keeps what a request asks (`requestSubmitted`) until its plan comes.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  type PlanBuilt,
  type RequestClosed,
  type RequestSubmitted,
  type RequestType,
} from '@datarights/contracts';
import { AwaitingEvent, PermanentError, TopicAdmin } from '@datarights/messaging';
import { Clock } from '@datarights/service-kit';
import { ActionDispatcher } from '../actions/action-dispatcher';
import type { ExecutionPlan, PlannedHold } from '../actions/planned-action';
import { ExecutionCompletion } from '../completion/execution-completion';
import { ForwardingService } from '../forwarding/forwarding.service';
import type { ExecutionTx } from '../store/execution-tx';
import { RIGHTS, type RightExecution } from '../actions/right-execution';

@Injectable()
export class PlanExecution {
  private readonly logger = new Logger(PlanExecution.name);
  private readonly rights: ReadonlyMap<RequestType, RightExecution>;

  constructor(
    @Inject(RIGHTS) rights: readonly RightExecution[],
    private readonly actions: ActionDispatcher,
    private readonly forwarding: ForwardingService,
    private readonly completion: ExecutionCompletion,
    private readonly topics: TopicAdmin,
    private readonly clock: Clock,
  ) {
    this.rights = new Map(rights.map((r) => [r.requestType, r]));
  }

  /** Whether requests of this type are executed here (access and portability are data-locator's). */
  executes(type: RequestType): boolean {
    return this.rights.has(type);
  }

  async onPlanBuilt(tx: ExecutionTx, plan: PlanBuilt, requestedAt: Date): Promise<void> {
    // Refused or rejected before its plan came (Art. 12(4), 12(5)): nothing is done.
    const closed = await tx.requests.closed(plan.requestId);
    if (closed) {
      this.logger.warn(
        `request ${plan.requestId}: closed (${closed.outcome}) before its plan; the plan is not executed`,
      );
      return;
    }
    const fresh = await tx.requests.create({
      requestId: plan.requestId,
      requestType: plan.requestType,
      subjectKeys: plan.subjectKeys,
      requestedAt,
    });
    if (!fresh) {
      this.logger.warn(`request ${plan.requestId}: a plan was already executed; this one is ignored`);
      return;
    }
    const { actions, holds } = await this.planFor(tx, plan, requestedAt);
    // Command topics must exist before the outbox relay sends to them.
    for (const systemId of new Set(actions.filter((a) => a.dispatch).map((a) => a.systemId)))
      await this.topics.ensureCommandTopic(systemId);

    const now = this.clock.now();
    for (const h of holds) await this.recordHold(tx, plan.requestId, h);
    const processors = await tx.systems.processors(actions.filter((a) => a.kind === 'forward').map((a) => a.systemId));
    for (const a of actions) {
      if (a.kind === 'forward') await this.forwarding.start(tx, plan, a, processors.get(a.systemId), now);
      else await this.actions.start(tx, plan.requestId, plan.subjectKeys, a, now);
    }
    this.logger.log(
      `request ${plan.requestId}: ${plan.items.length} systems, ${actions.length} actions, ${holds.length} holds`,
    );
    await this.completion.completeIfDone(tx, plan.requestId);
  }

  /** What the request's type means for the plan's systems, from its right's unit. */
  private async planFor(tx: ExecutionTx, plan: PlanBuilt, requestedAt: Date): Promise<ExecutionPlan> {
    const right = this.rights.get(plan.requestType);
    if (!right) throw new PermanentError(`erasure-executor does not execute ${plan.requestType} requests`);
    if (!right.needsParameters) return right.plan(tx, plan, { requestedAt });
    const parameters = await tx.parameters.of(plan.requestId);
    // The request's own event comes on another topic, read concurrently (and maybe behind
    // after a restart): if it is not here yet, the plan is set aside until that topic is read
    // as far as it stands now, then planned again (dead-lettered if it still is not there).
    if (!parameters)
      throw new AwaitingEvent(
        `request ${plan.requestId}: plan for a ${plan.requestType} request whose parameters have not arrived yet`,
        { topic: TOPICS.requests.name }, // requestSubmitted's topic
      );
    return right.plan(tx, plan, { requestedAt, parameters });
  }

  /** A legal hold (Art. 17(3)(b)): recorded, and published for the audit. */
  private async recordHold(tx: ExecutionTx, requestId: string, h: PlannedHold): Promise<void> {
    const holdId = randomUUID();
    await tx.holds.insert({
      holdId,
      requestId,
      systemId: h.systemId,
      category: h.category,
      ground: h.ground,
      legalText: h.legalText,
      period: h.period,
      periodFrom: h.from,
      until: h.until,
      canErase: h.canErase,
      ...(h.recordRefs ? { recordRefs: h.recordRefs } : {}),
      ...(h.startPending ? { startPending: h.startPending, status: 'waiting' as const } : {}),
    });
    await tx.publish('holdRecorded', {
      requestId,
      holdId,
      systemId: h.systemId,
      category: h.category,
      ground: h.ground,
      legalText: h.legalText,
      until: h.until.toISOString(),
      ...(h.recordRefs ? { records: h.recordRefs.length } : {}),
      ...(h.startPending ? { startPending: h.startPending } : {}),
    });
  }

  /** `requestSubmitted`: what a rectification, objection or restriction asks, kept for its plan. */
  async onRequestSubmitted(tx: ExecutionTx, submitted: RequestSubmitted): Promise<void> {
    if (!this.rights.get(submitted.type)?.needsParameters) return;
    await tx.parameters.save({
      requestId: submitted.requestId,
      requestType: submitted.type,
      ...(submitted.changes ? { changes: submitted.changes } : {}),
      ...(submitted.purposes ? { purposes: submitted.purposes } : {}),
      ...(submitted.ground ? { ground: submitted.ground } : {}),
    });
  }

  /** request-intake closed a request: if its plan has not come yet, it never will be executed (refused, rejected, ...). */
  async onRequestClosed(tx: ExecutionTx, closed: RequestClosed): Promise<void> {
    if (await tx.requests.get(closed.requestId)) return;
    await tx.requests.recordClosed(closed.requestId, closed.outcome, new Date(closed.closedAt));
  }
}

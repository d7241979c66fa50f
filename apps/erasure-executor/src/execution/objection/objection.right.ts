/**
 * Objection (Art. 21): to direct marketing, absolute: every system pursuing it gets a
 * suppress command at once, and the opt-out joins the suppression list, which outlives
 * the data (Art. 21(3); suppression.service.ts applies it to new records). On legitimate
 * interest (Art. 21(1)): the DPO decides, per system, whether compelling grounds
 * override it (`objectionDecided`).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { LinkedSubjectKeys, type ObjectionDecided, type PlanBuilt } from '@datarights/contracts';
import { PermanentError } from '@datarights/messaging';
import { directMarketingOf, type Policy } from '@datarights/policy';
import { Clock } from '@datarights/service-kit';
import { POLICY } from '../../policy/policy.module';
import { ActionDispatcher } from '../actions/action-dispatcher';
import type { ExecutionPlan } from '../actions/planned-action';
import { respondByFor } from '../actions/retry-policy';
import { ExecutionCompletion } from '../completion/execution-completion';
import { SubjectHashKey } from '../keys/subject-hash-key';
import type { PlanContext, RightExecution } from '../actions/right-execution';
import type { ExecutionTx } from '../store/execution-tx';
import { planObjection } from './objection-planner';

@Injectable()
export class ObjectionRight implements RightExecution {
  readonly requestType = 'objection';
  readonly needsParameters = true;
  private readonly logger = new Logger(ObjectionRight.name);

  constructor(
    @Inject(POLICY) private readonly policy: Policy,
    private readonly actions: ActionDispatcher,
    private readonly completion: ExecutionCompletion,
    private readonly hashKey: SubjectHashKey,
    private readonly clock: Clock,
  ) {}

  async plan(tx: ExecutionTx, plan: PlanBuilt, ctx: PlanContext): Promise<ExecutionPlan> {
    const purposes = ctx.parameters?.purposes ?? [];
    // Art. 21(3): the opt-out must outlive the data (an erasure, a new record later): the
    // suppression list holds keyed hashes of every key of the subject, never the keys.
    const absolute = directMarketingOf(this.policy.directMarketing, purposes);
    await tx.suppression.add(
      this.hashKey.keyHashes(plan.subjectKeys as Record<string, unknown>),
      absolute,
      plan.requestId,
    );
    const registrations = await tx.systems.registrations(plan.items.map((i) => i.systemId));
    return { actions: planObjection(this.policy, plan.items, purposes, registrations), holds: [] };
  }

  /**
   * The DPO decided an objection on legitimate interest (Art. 21(1)) for one system's
   * escalated suppress action: upheld, the suppress command goes out (and the opt-out joins
   * the suppression list); overridden, the action closes with the grounds as evidence.
   */
  async onDecided(tx: ExecutionTx, d: ObjectionDecided): Promise<void> {
    const action = await tx.actions.lock(d.commandId);
    if (!action || action.requestId !== d.requestId)
      throw new PermanentError(`objection decision for unknown command ${d.commandId} of request ${d.requestId}`);
    if (action.kind !== 'suppress' || action.status !== 'escalated') {
      this.logger.warn(
        `command ${action.commandId}: objection decision for a ${action.kind} action ${action.status}, ignored`,
      );
      return;
    }
    if (d.decision === 'overridden') {
      const reason = `objection overridden by compelling legitimate grounds (GDPR Art. 21(1)): ${d.grounds}`;
      await tx.actions.update(action.commandId, {
        status: 'closed-manually',
        closedBy: d.decidedBy,
        closedReason: reason,
        dueAt: null,
      });
      await tx.publish('actionClosedManually', {
        requestId: action.requestId,
        commandId: action.commandId,
        systemId: action.systemId,
        reason,
        closedBy: d.decidedBy,
      });
      await this.completion.completeIfDone(tx, action.requestId);
      return;
    }
    const request = await tx.requests.get(action.requestId);
    const purposes = (action.params as { purposes?: string[] }).purposes ?? [];
    if (!request || purposes.length === 0)
      throw new PermanentError(`command ${action.commandId}: no purposes to suppress`);
    await tx.suppression.add(
      this.hashKey.keyHashes(request.subjectKeys as Record<string, unknown>),
      purposes,
      action.requestId,
    );
    const canSuppress =
      (await tx.systems.registrations([action.systemId])).get(action.systemId)?.capabilities.includes('suppress') ??
      false;
    if (!canSuppress) {
      await tx.actions.update(action.commandId, {
        lastReason: `objection upheld by ${d.decidedBy}, but system ${action.systemId} cannot suppress: stop it by hand, then close the action`,
      });
      return;
    }
    const respondBy = respondByFor(this.policy.commands, 1, this.clock.now());
    await tx.actions.update(action.commandId, {
      status: 'sent',
      attempts: 1,
      respondBy,
      dueAt: respondBy,
      lastReason: null,
    });
    await this.actions.send(tx, action, plainToInstance(LinkedSubjectKeys, request.subjectKeys), 1, respondBy);
    this.logger.log(`command ${action.commandId} on ${action.systemId}: objection upheld, suppress sent`);
  }
}

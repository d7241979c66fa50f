/**
 * The executor's logic for erasure requests (and, issue 7, rectification, objection and
 * restriction: rights-planner.ts, restriction-lift.ts): turns a plan into commands and legal holds
 * per the policy, follows the replies, re-sends and escalates, and says once when a
 * request's execution has ended. No TypeORM or Kafka here: every write goes through the
 * caller's transaction (`ExecutionTx.store`) and every event through its outbox
 * (`ExecutionTx.publish`). Subject keys are never logged.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { randomUUID } from 'node:crypto';
import {
  type ActionAcknowledgementRecorded,
  type ActionCloseRequested,
  type CommandReply,
  type EventName,
  type HoldRecorded,
  isExportCommandId,
  LinkedSubjectKeys,
  type ObjectionDecided,
  type PlanBuilt,
  type RequestClosed,
  type RequestSubmitted,
  type RequestType,
  type RestrictionLiftRequested,
} from '@datarights/contracts';
import { PermanentError, TopicAdmin } from '@datarights/messaging';
import type { Policy } from '@datarights/policy';
import { ErasureExecutorConfig } from '../config/app.config';
import { POLICY } from '../policy/policy.module';
import { summariseExecution } from './completion';
import type { ActionEntity } from './entities/action.entity';
import type { HoldEntity } from './entities/hold.entity';
import { planErasure, type ErasurePlan, type PlannedAction } from './erasure-planner';
import { liftNotice, newNotificationId, placedRestrictions, subjectContact } from './restriction-lift';
import { ABSOLUTE_OBJECTION_PURPOSES, planObjection, planRectification, planRestriction } from './rights-planner';
import { keyHashes, resolveSubjectHashKey } from './subject-hash';
import { forwardNotice, noContactReason } from './forwarding';
import type { ExecutionTx } from './execution-tx';
import { RecipientNoticeService } from '../recipients/recipient-notice.service';
import { nextStep, respondByFor, retryAtAfterFailure } from './retry-policy';
import { Clock } from '@datarights/service-kit';

const COMMAND_EVENT = {
  erase: 'eraseCommand',
  restrict: 'restrictCommand',
  rectify: 'rectifyCommand',
  suppress: 'suppressCommand',
} as const satisfies Record<string, EventName>;

/** Request types whose `requestSubmitted` carries what to do (Art. 16 changes, Art. 21 purposes, Art. 18 ground). */
const EXECUTED_WITH_PARAMETERS: readonly RequestType[] = ['rectification', 'objection', 'restriction'];

/**
 * The contract wants `attempts >= 1` in `actionEscalated`; an action escalated before any
 * send (no capability, processor system) reports 1: the one try was finding it cannot be sent.
 */
const reportedAttempts = (attempts: number) => Math.max(1, attempts);

@Injectable()
export class ExecutionService {
  private readonly logger = new Logger(ExecutionService.name);

  constructor(
    @Inject(POLICY) private readonly policy: Policy,
    private readonly topics: TopicAdmin,
    private readonly clock: Clock,
    private readonly config: ErasureExecutorConfig,
    private readonly recipients: RecipientNoticeService,
  ) {}

  private subjectHashKey?: string;

  /** The key of the suppression list's hashes (SUBJECT_HASH_KEY; required in production). */
  hashKey(): string {
    this.subjectHashKey ??= resolveSubjectHashKey(this.config.SUBJECT_HASH_KEY, this.config.NODE_ENV, (m) =>
      this.logger.warn(m),
    );
    return this.subjectHashKey;
  }

  /** `planBuilt` for an erasure request: per system, erase what the policy erases, hold what it retains, forward what it only processes. */
  async onPlanBuilt(tx: ExecutionTx, plan: PlanBuilt, requestedAt: Date): Promise<void> {
    // Refused or rejected before its plan came (Art. 12(4), 12(5)): nothing is done.
    const closed = await tx.store.closedRequest(plan.requestId);
    if (closed) {
      this.logger.warn(
        `request ${plan.requestId}: closed (${closed.outcome}) before its plan; the plan is not executed`,
      );
      return;
    }
    const fresh = await tx.store.createRequest({
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
    for (const h of holds) {
      const holdId = randomUUID();
      await tx.store.insertHold({
        holdId,
        requestId: plan.requestId,
        systemId: h.systemId,
        category: h.category,
        ground: h.ground,
        legalText: h.legalText,
        period: h.period,
        periodFrom: h.from,
        until: h.until,
        canErase: h.canErase,
      });
      await tx.publish('holdRecorded', {
        requestId: plan.requestId,
        holdId,
        systemId: h.systemId,
        category: h.category,
        ground: h.ground,
        legalText: h.legalText,
        until: h.until.toISOString(),
      });
    }
    const processors = await tx.store.processors(actions.filter((a) => a.kind === 'forward').map((a) => a.systemId));
    for (const a of actions) {
      const contact = a.kind === 'forward' ? processors.get(a.systemId)?.controllerContact : undefined;
      if (a.kind === 'forward' && contact)
        await this.forward(
          tx,
          plan,
          a.systemId,
          a.categories,
          processors.get(a.systemId)?.controller ?? a.controller ?? null,
          contact,
        );
      else if (a.kind === 'forward' && !a.dispatch)
        await this.startAction(
          tx,
          plan.requestId,
          plan.subjectKeys,
          { ...a, reason: noContactReason(a.systemId, a.controller ?? null) },
          now,
        );
      else await this.startAction(tx, plan.requestId, plan.subjectKeys, a, now);
    }
    this.logger.log(
      `request ${plan.requestId}: ${plan.items.length} systems, ${actions.length} actions, ${holds.length} holds`,
    );
    await this.completeIfDone(tx, plan.requestId);
  }

  /** What the request's type means for the plan's systems (erasure; or issue 7's rights, from the request's own parameters). */
  private async planFor(tx: ExecutionTx, plan: PlanBuilt, requestedAt: Date): Promise<ErasurePlan> {
    if (plan.requestType === 'erasure') return planErasure(this.policy, plan.items, requestedAt);
    const params = await tx.store.parametersOf(plan.requestId);
    // The request's own event comes on another topic: if it is not here yet, the plan is retried.
    if (!params)
      throw new Error(
        `request ${plan.requestId}: plan for a ${plan.requestType} request whose parameters have not arrived yet`,
      );
    if (plan.requestType === 'rectification')
      return { actions: planRectification(this.policy, plan.items, params.changes ?? {}), holds: [] };
    if (plan.requestType === 'objection') {
      const purposes = params.purposes ?? [];
      // Art. 21(3): the opt-out must outlive the data (an erasure, a new record later): the
      // suppression list holds keyed hashes of every key of the subject, never the keys.
      const absolute = purposes.filter((p) => ABSOLUTE_OBJECTION_PURPOSES.includes(p));
      await tx.store.suppress(
        keyHashes(this.hashKey(), plan.subjectKeys as Record<string, unknown>),
        absolute,
        plan.requestId,
      );
      const registrations = await tx.store.registrations(plan.items.map((i) => i.systemId));
      return { actions: planObjection(this.policy, plan.items, purposes, registrations), holds: [] };
    }
    if (plan.requestType === 'restriction')
      return { actions: planRestriction(this.policy, plan.items, params.ground ?? 'accuracy-contested'), holds: [] };
    throw new PermanentError(`erasure-executor does not execute ${plan.requestType} requests`);
  }

  /** The DPO lifts a restriction: the subject is told first, then every system (Art. 18(3); restriction-lift.ts). */
  async onRestrictionLiftRequested(tx: ExecutionTx, req: RestrictionLiftRequested): Promise<void> {
    const request = await tx.store.lockRequest(req.requestId);
    if (!request || request.requestType !== 'restriction')
      throw new PermanentError(`request ${req.requestId}: no restriction executed under this id`);
    const placed = placedRestrictions(await tx.store.actionsOf(req.requestId));
    const contact = subjectContact(request.subjectKeys);
    if (!contact)
      throw new PermanentError(
        `request ${req.requestId}: no contact on file to tell the subject before lifting (Art. 18(3))`,
      );
    const now = this.clock.now();
    if (!(await tx.store.claimLift(req.requestId, now))) {
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
      await this.startAction(
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

  /**
   * The DPO decided an objection on legitimate interest (Art. 21(1)) for one system's
   * escalated suppress action: upheld, the suppress command goes out (and the opt-out joins
   * the suppression list); overridden, the action closes with the grounds as evidence.
   */
  async onObjectionDecided(tx: ExecutionTx, d: ObjectionDecided): Promise<void> {
    const action = await tx.store.lockAction(d.commandId);
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
      await tx.store.updateAction(action.commandId, {
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
      await this.completeIfDone(tx, action.requestId);
      return;
    }
    const request = await tx.store.getRequest(action.requestId);
    const purposes = (action.params as { purposes?: string[] }).purposes ?? [];
    if (!request || purposes.length === 0)
      throw new PermanentError(`command ${action.commandId}: no purposes to suppress`);
    await tx.store.suppress(
      keyHashes(this.hashKey(), request.subjectKeys as Record<string, unknown>),
      purposes,
      action.requestId,
    );
    const canSuppress =
      (await tx.store.registrations([action.systemId])).get(action.systemId)?.capabilities.includes('suppress') ??
      false;
    if (!canSuppress) {
      await tx.store.updateAction(action.commandId, {
        lastReason: `objection upheld by ${d.decidedBy}, but system ${action.systemId} cannot suppress: stop it by hand, then close the action`,
      });
      return;
    }
    const respondBy = respondByFor(this.policy.commands, 1, this.clock.now());
    await tx.store.updateAction(action.commandId, {
      status: 'sent',
      attempts: 1,
      respondBy,
      dueAt: respondBy,
      lastReason: null,
    });
    await this.sendCommand(tx, action, plainToInstance(LinkedSubjectKeys, request.subjectKeys), 1, respondBy);
    this.logger.log(`command ${action.commandId} on ${action.systemId}: objection upheld, suppress sent`);
  }

  /** `requestSubmitted`: what a rectification, objection or restriction asks, kept for its plan. */
  async onRequestSubmitted(tx: ExecutionTx, submitted: RequestSubmitted): Promise<void> {
    if (!EXECUTED_WITH_PARAMETERS.includes(submitted.type)) return;
    await tx.store.saveParameters({
      requestId: submitted.requestId,
      requestType: submitted.type,
      ...(submitted.changes ? { changes: submitted.changes } : {}),
      ...(submitted.purposes ? { purposes: submitted.purposes } : {}),
      ...(submitted.ground ? { ground: submitted.ground } : {}),
    });
  }

  /**
   * Starts one action: sends its command (tracked: reply, retries, escalation), or
   * escalates it at once when it cannot be sent. Used for the plan's actions and for the
   * erasure of held data when a hold ends (`holdId`). Returns the action's commandId.
   */
  async startAction(
    tx: ExecutionTx,
    requestId: string,
    subjectKeys: LinkedSubjectKeys,
    a: PlannedAction,
    now: Date,
    holdId?: string,
  ): Promise<string> {
    const commandId = randomUUID();
    const base = { commandId, requestId, systemId: a.systemId, kind: a.kind, categories: a.categories };
    if (!a.dispatch) {
      await tx.store.insertAction({
        ...base,
        params: a.params ?? {},
        status: 'escalated',
        attempts: 0,
        respondBy: null,
        dueAt: null,
        lastReason: a.reason,
        holdId: holdId ?? null,
      });
      await tx.publish('actionEscalated', { ...base, reason: a.reason, attempts: reportedAttempts(0) });
      this.logger.warn(
        `request ${requestId}: ${a.kind} on ${a.systemId} escalated at once to the DPO (${a.kind === 'forward' ? 'processor system without a contact' : 'no capability, or a decision of theirs'})`,
      );
      return commandId;
    }
    const respondBy = respondByFor(this.policy.commands, 1, now);
    await tx.store.insertAction({
      ...base,
      params: a.params,
      status: 'sent',
      attempts: 1,
      respondBy,
      dueAt: respondBy,
      lastReason: null,
      holdId: holdId ?? null,
    });
    await this.sendCommand(tx, { ...base, params: a.params }, subjectKeys, 1, respondBy);
    return commandId;
  }

  /**
   * Art. 28: a processor system gets no command; the request goes to its controller
   * (a notice to its registered contact), and the action awaits the acknowledgement the
   * DPO records (`actionAcknowledgementRecorded`).
   */
  private async forward(
    tx: ExecutionTx,
    plan: PlanBuilt,
    systemId: string,
    categories: string[],
    controller: string | null,
    contact: string,
  ): Promise<void> {
    const commandId = randomUUID();
    const notificationId = randomUUID();
    await tx.store.insertAction({
      commandId,
      requestId: plan.requestId,
      systemId,
      kind: 'forward',
      categories,
      params: {},
      status: 'awaiting-acknowledgement',
      attempts: 1,
      respondBy: null,
      dueAt: null,
      lastReason: null,
    });
    await tx.publish(
      'notificationRequested',
      forwardNotice({
        notificationId,
        commandId,
        requestId: plan.requestId,
        requestType: plan.requestType as RequestType,
        systemId,
        controller,
        contact,
        categories,
        subjectKeys: plan.subjectKeys,
        locale: this.config.NOTICE_LOCALE,
      }),
    );
    await tx.publish('actionForwarded', {
      requestId: plan.requestId,
      commandId,
      systemId,
      categories,
      ...(controller ? { controller } : {}),
      notificationId,
    });
    this.logger.log(`request ${plan.requestId}: forwarded to the controller of processor system ${systemId}`);
  }

  /** The DPO recorded the controller's acknowledgement of a forward: the action completes with outcome `forwarded`. */
  async onAcknowledgementRecorded(tx: ExecutionTx, ack: ActionAcknowledgementRecorded): Promise<void> {
    const action = await tx.store.lockAction(ack.commandId);
    if (!action || action.requestId !== ack.requestId)
      throw new PermanentError(`acknowledgement for unknown command ${ack.commandId} of request ${ack.requestId}`);
    if (action.kind !== 'forward' || action.status !== 'awaiting-acknowledgement') {
      this.logger.warn(
        `command ${action.commandId}: acknowledgement for a ${action.kind} action ${action.status}, ignored`,
      );
      return;
    }
    await tx.store.updateAction(action.commandId, {
      status: 'completed',
      outcome: 'forwarded',
      affectedRecords: 0,
      retained: [],
      dueAt: null,
    });
    await tx.publish('actionAcknowledged', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      acknowledgedBy: ack.recordedBy,
    });
    this.logger.log(`command ${action.commandId} on ${action.systemId}: the controller acknowledged the forward`);
    await this.completeIfDone(tx, action.requestId);
  }

  /** request-intake closed a request: if its plan has not come yet, it never will be executed (refused, rejected, ...). */
  async onRequestClosed(tx: ExecutionTx, closed: RequestClosed): Promise<void> {
    if (await tx.store.getRequest(closed.requestId)) return;
    await tx.store.recordClosed(closed.requestId, closed.outcome, new Date(closed.closedAt));
  }

  /** Publishes the command (first send or re-send: the same commandId) and `actionDispatched`. */
  private async sendCommand(
    tx: ExecutionTx,
    a: Pick<ActionEntity, 'commandId' | 'requestId' | 'systemId' | 'kind' | 'categories' | 'params'>,
    subjectKeys: LinkedSubjectKeys,
    attempt: number,
    respondBy: Date,
  ): Promise<void> {
    // A re-suppression (a new record of a suppressed subject) names the record's own keys.
    const keys = (a.params as { subjectKeys?: LinkedSubjectKeys }).subjectKeys ?? subjectKeys;
    const common = {
      commandId: a.commandId,
      requestId: a.requestId,
      systemId: a.systemId,
      subjectKeys: keys,
      categories: a.categories,
      respondBy: respondBy.toISOString(),
    };
    if (a.kind === 'erase') await tx.publish(COMMAND_EVENT.erase, common);
    else if (a.kind === 'restrict')
      await tx.publish(COMMAND_EVENT.restrict, {
        ...common,
        ...(a.params as { ground: string; until?: string; action?: 'place' | 'lift' }),
      });
    else if (a.kind === 'rectify')
      await tx.publish(COMMAND_EVENT.rectify, {
        ...common,
        changes: (a.params as { changes: Record<string, string> }).changes,
      });
    else if (a.kind === 'suppress')
      await tx.publish(COMMAND_EVENT.suppress, { ...common, ...(a.params as { purposes: string[]; reason?: string }) });
    else throw new Error(`erasure-executor does not send ${a.kind} commands`);
    await tx.publish('actionDispatched', {
      requestId: a.requestId,
      commandId: a.commandId,
      systemId: a.systemId,
      kind: a.kind,
      categories: a.categories,
      attempt,
      respondBy: respondBy.toISOString(),
    });
  }

  /** A reply on `pdata.replies.v1`. Replies may come late, twice or never (DESIGN.md). */
  async onReply(tx: ExecutionTx, reply: CommandReply, reported: 'completed' | 'failed'): Promise<void> {
    const action = await tx.store.lockAction(reply.commandId);
    if (!action) {
      // data-locator's export commands have name-based ids: their replies (records, not-found
      // or failed alike) are its business, not an unknown command.
      if (isExportCommandId(reply.commandId, reply.requestId, reply.systemId)) return;
      // A recipient's answer to an Art. 19 notice.
      if (await this.recipients.onReply(tx, reply, reported)) return;
      throw new PermanentError(`reply for unknown command ${reply.commandId}`);
    }
    if (action.requestId !== reply.requestId || action.systemId !== reply.systemId) {
      throw new PermanentError(
        `reply for command ${reply.commandId} does not match it (request ${reply.requestId}, system ${reply.systemId})`,
      );
    }
    if (action.status === 'completed' || action.status === 'closed-manually') {
      this.logger.log(`command ${action.commandId}: reply for an action already ${action.status}, ignored`);
      return;
    }
    if (reported === 'failed' || reply.outcome === 'failed')
      return this.onFailure(tx, action, reply.error ?? `${reply.systemId} reported a failure without a reason`);

    // A late answer to an escalated action still completes it: the DPO need not close it.
    await tx.store.updateAction(action.commandId, {
      status: 'completed',
      outcome: reply.outcome,
      affectedRecords: reply.affectedRecords,
      retained: reply.retained ?? [],
      dueAt: null,
    });
    // Nothing will be sent again: a re-suppression's own keys are not kept (Art. 5(1)(c)).
    if ((action.params as { subjectKeys?: unknown }).subjectKeys) await tx.store.forgetActionKeys(action.commandId);
    await tx.publish('actionCompleted', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      kind: action.kind,
      outcome: reply.outcome,
      affectedRecords: reply.affectedRecords,
      retained: reply.retained ?? [],
      ...(reply.error ? { error: reply.error } : {}),
    });
    this.logger.log(
      `command ${action.commandId} on ${action.systemId}: ${reply.outcome}, ${reply.affectedRecords} records`,
    );
    // Art. 19: the system's recipients hear of a rectification, erasure or restriction.
    await this.recipients.afterAction(tx, {
      ...action,
      outcome: reply.outcome,
      affectedRecords: reply.affectedRecords,
    });
    await this.completeIfDone(tx, action.requestId);
  }

  /** A failure counts as a failed attempt: retried after the backoff, escalated after the last one. */
  private async onFailure(tx: ExecutionTx, action: ActionEntity, error: string): Promise<void> {
    if (action.status === 'escalated') {
      this.logger.log(`command ${action.commandId}: failure reply for an escalated action, ignored`);
      return;
    }
    if (action.status === 'retry-pending') {
      // A second failure for the same attempt (a duplicate reply): the retry is already planned.
      await tx.store.updateAction(action.commandId, { lastReason: error });
      return;
    }
    if (action.attempts >= this.policy.commands.maxAttempts) {
      await this.escalate(tx, action, error);
      return;
    }
    const retryAt = retryAtAfterFailure(this.policy.commands, action.attempts, this.clock.now());
    await tx.store.updateAction(action.commandId, { status: 'retry-pending', dueAt: retryAt, lastReason: error });
    this.logger.warn(
      `command ${action.commandId} on ${action.systemId} failed (attempt ${action.attempts}); retry at ${retryAt.toISOString()}`,
    );
  }

  /** The timeout loop found an action past its time: re-send it or escalate it. */
  async onDue(tx: ExecutionTx, action: ActionEntity, now: Date): Promise<void> {
    if (action.status !== 'sent' && action.status !== 'retry-pending') return;
    const step = nextStep(
      { attempts: action.attempts, status: action.status, lastReason: action.lastReason },
      this.policy.commands,
    );
    if (step.step === 'escalate') return this.escalate(tx, action, step.reason);
    const request = await tx.store.getRequest(action.requestId);
    if (!request) throw new Error(`action ${action.commandId} has no request row`);
    const respondBy = respondByFor(this.policy.commands, step.attempt, now);
    await tx.store.updateAction(action.commandId, {
      status: 'sent',
      attempts: step.attempt,
      respondBy,
      dueAt: respondBy,
    });
    await this.sendCommand(
      tx,
      action,
      plainToInstance(LinkedSubjectKeys, request.subjectKeys),
      step.attempt,
      respondBy,
    );
    this.logger.warn(`command ${action.commandId} on ${action.systemId}: re-sent (attempt ${step.attempt})`);
  }

  private async escalate(tx: ExecutionTx, action: ActionEntity, reason: string): Promise<void> {
    await tx.store.updateAction(action.commandId, { status: 'escalated', dueAt: null, lastReason: reason });
    await tx.publish('actionEscalated', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      kind: action.kind,
      reason,
      attempts: reportedAttempts(action.attempts),
    });
    this.logger.warn(`command ${action.commandId} on ${action.systemId} escalated after ${action.attempts} attempts`);
  }

  /** The DPO closes an escalated action by hand; the reason is kept as evidence. */
  async onCloseRequested(tx: ExecutionTx, req: ActionCloseRequested): Promise<void> {
    const action = await tx.store.lockAction(req.commandId);
    if (!action || action.requestId !== req.requestId)
      throw new PermanentError(`close requested for unknown command ${req.commandId} of request ${req.requestId}`);
    if (action.status !== 'escalated') {
      this.logger.warn(
        `command ${action.commandId}: close requested while ${action.status}, ignored (only escalated actions are closed by hand)`,
      );
      return;
    }
    await tx.store.updateAction(action.commandId, {
      status: 'closed-manually',
      closedBy: req.closedBy,
      closedReason: req.reason,
      dueAt: null,
    });
    await tx.publish('actionClosedManually', {
      requestId: action.requestId,
      commandId: action.commandId,
      systemId: action.systemId,
      reason: req.reason,
      closedBy: req.closedBy,
    });
    this.logger.log(`command ${action.commandId} on ${action.systemId} closed by hand`);
    await this.completeIfDone(tx, action.requestId);
  }

  /**
   * Publishes `executionCompleted` once, when every action is terminal. The request row is
   * locked first: two transactions finishing a request's last two actions at the same
   * time run this one after the other, and the second sees the first's action (READ
   * COMMITTED, a fresh snapshot per statement).
   */
  private async completeIfDone(tx: ExecutionTx, requestId: string): Promise<void> {
    const request = await tx.store.lockRequest(requestId);
    if (!request || request.completed) return;
    const actions = await tx.store.actionsOf(requestId);
    const holds = await tx.store.holdsOf(requestId);
    const summary = summariseExecution(requestId, actions, holds.map(toHoldRecorded));
    if (!summary) return;
    await tx.store.markCompleted(requestId, this.clock.now());
    await tx.publish('executionCompleted', summary);
    this.logger.log(
      `request ${requestId}: execution completed (${summary.systems.length} systems, ${summary.holds.length} holds)`,
    );
  }
}

function toHoldRecorded(h: HoldEntity): HoldRecorded {
  return {
    requestId: h.requestId,
    holdId: h.holdId,
    systemId: h.systemId,
    category: h.category,
    ground: h.ground,
    legalText: h.legalText,
    until: h.until.toISOString(),
  };
}

/**
 * Collection for access (GDPR Art. 15) and portability (Art. 20): for a verified request's
 * plan, one `pdata.command.export.v1` per system holding covered categories; replies
 * (split in `part`/`parts` past 512 KiB) are stored until whole; a silent system or a
 * missing part gets the same commandId again (respondWithin doubled each time), a failure
 * is retried after the backoff, and after `maxAttempts` the system is escalated to the
 * DPO — the executor's timing, from the same policy `commands` section. When every
 * command has ended, the request waits for its package: the package sender loop
 * assembles, encrypts and sends it to request-intake (package-assembler.ts).
 *
 * Processor systems (Art. 28) are not asked: the company only holds that data for its
 * customer, the controller, who answers the request (the executor forwards erasures;
 * access/portability forwarding is left to the DPO, and the package says so).
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CommandReply, type LinkedSubjectKeys, type PlanBuilt } from '@datarights/contracts';
import { addDuration, categoriesCovered, scaleDuration, type Policy } from '@datarights/policy';
import { CollectionRepository, type ExportCommandRow } from './collection.repository';
import type { EventPublisher, UnitOfWork } from '@datarights/messaging';

export const POLICY = Symbol('POLICY');
export const PACKAGE_KEY = Symbol('PACKAGE_KEY');

/** The collection's unit of work: a handler's context, or a loop's own transaction. */
export type CollectionTx = UnitOfWork;

/** A transaction of our own (the loops): events through the outbox, correlated with their request. */
export function collectionTx(manager: EntityManager, publisher: EventPublisher): CollectionTx {
  return publisher.unitOfWork(manager, 'by-request');
}

const PACKAGE_TYPES = ['access', 'portability'] as const;
const factor = (attempt: number) => 2 ** Math.min(attempt - 1, 30);

@Injectable()
export class CollectionService {
  private readonly logger = new Logger(CollectionService.name);

  constructor(
    private readonly repo: CollectionRepository,
    @Inject(POLICY) private readonly policy: Policy,
  ) {}

  isCollected(requestType: string): requestType is (typeof PACKAGE_TYPES)[number] {
    return (PACKAGE_TYPES as readonly string[]).includes(requestType);
  }

  /** The plan was built: ask every system it names for the covered categories. */
  async start(tx: CollectionTx, plan: PlanBuilt, now: Date): Promise<void> {
    if (!this.isCollected(plan.requestType)) return;
    const type = plan.requestType;
    const fresh = await this.repo.insertRequest(tx.manager, {
      requestId: plan.requestId,
      requestType: type,
      subjectKeys: plan.subjectKeys,
      createdAt: now,
    });
    if (!fresh) return;
    for (const item of plan.items) {
      const categories = categoriesCovered(this.policy, type, item.categories);
      if (categories.length === 0) continue; // nothing this request covers (e.g. AML files: indirect access, CMF L561-45)
      if (item.role === 'processor') {
        this.logger.log(
          `request ${plan.requestId}: processor system ${item.systemId} not asked (Art. 28: its controller answers)`,
        );
        continue;
      }
      // Random (unguessable): a system cannot answer a command it was not sent. Re-sends
      // reuse the stored row's id.
      const commandId = randomUUID();
      const base = { commandId, requestId: plan.requestId, systemId: item.systemId, categories };
      if (!item.capabilities.includes('export')) {
        const reason = `system ${item.systemId} cannot export (no export capability registered)`;
        await this.repo.insertCommand(tx.manager, {
          ...base,
          status: 'escalated',
          attempts: 0,
          respondBy: null,
          dueAt: null,
          lastReason: reason,
        });
        await tx.publish('actionEscalated', { ...base, kind: 'export', reason, attempts: 0 });
        continue;
      }
      const respondBy = addDuration(now, scaleDuration(this.policy.commands.respondWithin, 1));
      await this.repo.insertCommand(tx.manager, {
        ...base,
        status: 'sent',
        attempts: 1,
        respondBy,
        dueAt: respondBy,
        lastReason: null,
      });
      await this.send(tx, { ...base, attempts: 1 }, plan.subjectKeys, respondBy);
    }
    this.logger.log(`request ${plan.requestId}: ${type} collection started`);
    await this.packageIfDone(tx, plan.requestId);
  }

  private async send(
    tx: CollectionTx,
    c: Pick<ExportCommandRow, 'commandId' | 'requestId' | 'systemId' | 'categories' | 'attempts'>,
    subjectKeys: LinkedSubjectKeys,
    respondBy: Date,
  ): Promise<void> {
    const common = {
      commandId: c.commandId,
      requestId: c.requestId,
      systemId: c.systemId,
      categories: c.categories,
      respondBy: respondBy.toISOString(),
    };
    await tx.publish('exportCommand', { ...common, subjectKeys });
    await tx.publish('actionDispatched', { ...common, kind: 'export', attempt: c.attempts });
  }

  /** A reply on `pdata.replies.<systemId>.v1`. Replies of commands this service did not send are the executor's: ignored. */
  async onReply(tx: CollectionTx, reply: CommandReply, reported: 'completed' | 'failed', now: Date): Promise<void> {
    const c = await this.repo.lockCommand(tx.manager, reply.commandId);
    if (!c) return;
    if (c.requestId !== reply.requestId || c.systemId !== reply.systemId) {
      this.logger.warn(`command ${c.commandId}: reply from another request or system, ignored`);
      return;
    }
    if (c.status !== 'sent' && c.status !== 'retry-pending') {
      this.logger.log(`command ${c.commandId}: reply for an action already ${c.status}, ignored`);
      return;
    }
    if (reported === 'failed' || reply.outcome === 'failed')
      return this.onFailure(tx, c, reply.error ?? `${c.systemId} reported a failure without a reason`, now);
    const parts = reply.export?.parts ?? 1;
    const part = reply.export?.part ?? 1;
    if (part > parts || (c.parts !== null && c.parts !== parts)) {
      this.logger.warn(`command ${c.commandId}: inconsistent export part ${part}/${parts}, ignored`);
      return;
    }
    const received = await this.repo.addPart(tx.manager, c.commandId, part, reply.export?.records ?? []);
    if (received < parts) {
      // A missing part is waited for until respondBy; then the whole command is re-sent.
      await this.repo.updateCommand(tx.manager, c.commandId, { parts });
      return;
    }
    const records = await this.repo.recordCount(tx.manager, c.commandId);
    await this.repo.updateCommand(tx.manager, c.commandId, {
      status: 'completed',
      outcome: reply.outcome,
      parts,
      affectedRecords: records,
      dueAt: null,
    });
    await tx.publish('actionCompleted', {
      requestId: c.requestId,
      commandId: c.commandId,
      systemId: c.systemId,
      kind: 'export',
      outcome: reply.outcome,
      affectedRecords: records,
      retained: [],
    });
    await this.packageIfDone(tx, c.requestId);
  }

  private async onFailure(tx: CollectionTx, c: ExportCommandRow, error: string, now: Date): Promise<void> {
    if (c.status === 'retry-pending')
      return void (await this.repo.updateCommand(tx.manager, c.commandId, { lastReason: error }));
    if (c.attempts >= this.policy.commands.maxAttempts) return this.escalate(tx, c, error);
    const retryAt = addDuration(now, scaleDuration(this.policy.commands.retryBackoff, factor(c.attempts)));
    await this.repo.updateCommand(tx.manager, c.commandId, {
      status: 'retry-pending',
      dueAt: retryAt,
      lastReason: error,
    });
  }

  /** The timeout loop found a command past its time: re-send it (same commandId) or escalate it. */
  async onDue(tx: CollectionTx, c: ExportCommandRow, now: Date): Promise<void> {
    if (c.attempts >= this.policy.commands.maxAttempts) {
      const reason =
        c.status === 'retry-pending' && c.lastReason
          ? c.lastReason
          : c.parts
            ? `export incomplete after ${c.attempts} attempts (parts missing of ${c.parts})`
            : `no reply after ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`;
      return this.escalate(tx, c, reason);
    }
    const request = await this.repo.lockRequest(tx.manager, c.requestId);
    if (!request) throw new Error(`export command ${c.commandId} has no request row`);
    const attempts = c.attempts + 1;
    const respondBy = addDuration(now, scaleDuration(this.policy.commands.respondWithin, factor(attempts)));
    await this.repo.updateCommand(tx.manager, c.commandId, { status: 'sent', attempts, respondBy, dueAt: respondBy });
    await this.send(tx, { ...c, attempts }, request.subjectKeys, respondBy);
    this.logger.warn(`export command ${c.commandId} on ${c.systemId}: re-sent (attempt ${attempts})`);
  }

  private async escalate(tx: CollectionTx, c: ExportCommandRow, reason: string): Promise<void> {
    await this.repo.updateCommand(tx.manager, c.commandId, { status: 'escalated', dueAt: null, lastReason: reason });
    await tx.publish('actionEscalated', {
      requestId: c.requestId,
      commandId: c.commandId,
      systemId: c.systemId,
      kind: 'export',
      reason,
      attempts: Math.max(c.attempts, 1),
    });
    this.logger.warn(`export command ${c.commandId} on ${c.systemId} escalated after ${c.attempts} attempts`);
    await this.packageIfDone(tx, c.requestId);
  }

  /**
   * When every command has ended (completed or escalated), the request waits for its
   * package (PackageAssembler, in the package sender loop: a package of a million records
   * takes longer than a Kafka handler may). The request row is locked first, so two last
   * replies at once mark it once.
   */
  private async packageIfDone(tx: CollectionTx, requestId: string): Promise<void> {
    const request = await this.repo.lockRequest(tx.manager, requestId);
    if (!request || request.status !== 'collecting') return;
    const commands = await this.repo.commandsOf(tx.manager, requestId);
    if (commands.some((c) => c.status === 'sent' || c.status === 'retry-pending')) return;
    await this.repo.markAssembling(tx.manager, requestId);
    this.logger.log(`request ${requestId}: every export command ended, ${request.requestType} package to assemble`);
  }
}

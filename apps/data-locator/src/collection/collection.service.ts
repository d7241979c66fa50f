/**
 * Collection for access (GDPR Art. 15) and portability (Art. 20): for a verified request's
 * plan, one `pdata.command.export.v1` per system holding covered categories; replies
 * (split in `part`/`parts` past 512 KiB) are stored until whole; a silent system or a
 * missing part gets the same commandId again (respondWithin doubled each time), a failure
 * is retried after the backoff, and after `maxAttempts` the system is escalated to the
 * DPO — the executor's timing, from the same policy `commands` section. When every
 * command has ended, the package is assembled, encrypted and sent to request-intake.
 *
 * Processor systems (Art. 28) are not asked: the company only holds that data for its
 * customer, the controller, who answers the request (the executor forwards erasures;
 * access/portability forwarding is left to the DPO, and the package says so).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type CommandReply,
  type EventName,
  PACKAGE_PART_MAX_CHARS,
  type PayloadOf,
  type PlanBuilt,
} from '@datarights/contracts';
import { addDuration, categoriesCovered, scaleDuration, type Policy } from '@datarights/policy';
import { DataLocatorConfig } from '../config/app.config';
import { InventoryRepository } from '../inventory/inventory.repository';
import { buildPackage } from '../package/package-builder';
import { CollectionRepository, type ExportCommandRow } from './collection.repository';
import type { EventPublisher } from '@datarights/messaging';
import { encryptPackage } from '@datarights/service-kit';

export const POLICY = Symbol('POLICY');
export const PACKAGE_KEY = Symbol('PACKAGE_KEY');

export type Publish = <N extends EventName>(name: N, data: PayloadOf<N>) => Promise<unknown>;
export interface CollectionTx {
  manager: EntityManager;
  publish: Publish;
}

/** A transaction of our own (the loops): events through the outbox, correlated with their request. */
export function collectionTx(manager: EntityManager, publisher: EventPublisher): CollectionTx {
  return {
    manager,
    publish: (name, data) =>
      publisher.publish(manager, name, data, { correlationId: (data as { requestId: string }).requestId }),
  };
}

const PACKAGE_TYPES = ['access', 'portability'] as const;
const factor = (attempt: number) => 2 ** Math.min(attempt - 1, 30);

@Injectable()
export class CollectionService {
  private readonly logger = new Logger(CollectionService.name);

  constructor(
    private readonly repo: CollectionRepository,
    private readonly inventory: InventoryRepository,
    private readonly config: DataLocatorConfig,
    @Inject(POLICY) private readonly policy: Policy,
    @Inject(PACKAGE_KEY) private readonly key: Buffer,
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
    await this.packageIfDone(tx, plan.requestId, now);
  }

  private async send(
    tx: CollectionTx,
    c: Pick<ExportCommandRow, 'commandId' | 'requestId' | 'systemId' | 'categories' | 'attempts'>,
    subjectKeys: object,
    respondBy: Date,
  ): Promise<void> {
    const common = {
      commandId: c.commandId,
      requestId: c.requestId,
      systemId: c.systemId,
      categories: c.categories,
      respondBy: respondBy.toISOString(),
    };
    await tx.publish('exportCommand', {
      ...common,
      subjectKeys: subjectKeys as PayloadOf<'exportCommand'>['subjectKeys'],
    });
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
    const records = (await this.repo.recordsOf(tx.manager, c.commandId)).length;
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
    await this.packageIfDone(tx, c.requestId, now);
  }

  private async onFailure(tx: CollectionTx, c: ExportCommandRow, error: string, now: Date): Promise<void> {
    if (c.status === 'retry-pending')
      return void (await this.repo.updateCommand(tx.manager, c.commandId, { lastReason: error }));
    if (c.attempts >= this.policy.commands.maxAttempts) return this.escalate(tx, c, error, now);
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
      return this.escalate(tx, c, reason, now);
    }
    const request = await this.repo.lockRequest(tx.manager, c.requestId);
    if (!request) throw new Error(`export command ${c.commandId} has no request row`);
    const attempts = c.attempts + 1;
    const respondBy = addDuration(now, scaleDuration(this.policy.commands.respondWithin, factor(attempts)));
    await this.repo.updateCommand(tx.manager, c.commandId, { status: 'sent', attempts, respondBy, dueAt: respondBy });
    await this.send(tx, { ...c, attempts }, request.subjectKeys, respondBy);
    this.logger.warn(`export command ${c.commandId} on ${c.systemId}: re-sent (attempt ${attempts})`);
  }

  private async escalate(tx: CollectionTx, c: ExportCommandRow, reason: string, now: Date): Promise<void> {
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
    await this.packageIfDone(tx, c.requestId, now);
  }

  /**
   * When every command has ended (completed or escalated): assemble and encrypt the
   * package, and queue it for sending (sendNextPart). The request row is locked first, so
   * two last replies at once package it once.
   */
  private async packageIfDone(tx: CollectionTx, requestId: string, now: Date): Promise<void> {
    const request = await this.repo.lockRequest(tx.manager, requestId);
    if (!request || request.status !== 'collecting') return;
    const commands = await this.repo.commandsOf(tx.manager, requestId);
    if (commands.some((c) => c.status === 'sent' || c.status === 'retry-pending')) return;
    const done = commands.filter((c) => c.status === 'completed');
    const exports = [];
    for (const c of done)
      exports.push({
        systemId: c.systemId,
        categories: c.categories,
        records: await this.repo.recordsOf(tx.manager, c.commandId),
      });
    const systems = await this.inventory.findByIds(
      tx.manager,
      commands.map((c) => c.systemId),
    );
    const built = await buildPackage({
      requestId,
      requestType: request.requestType,
      generatedAt: now.toISOString(),
      controller: this.config.PACKAGE_CONTROLLER,
      locale: this.config.NOTICE_LOCALE,
      systems,
      exports,
      policy: this.policy,
      escalated: commands
        .filter((c) => c.status === 'escalated')
        .map((c) => ({ systemId: c.systemId, reason: c.lastReason ?? 'escalated' })),
    });
    const encrypted = encryptPackage(this.key, built.zip, requestId).toString('base64');
    const packageId = randomUUID();
    const sha256 = createHash('sha256').update(Buffer.from(encrypted, 'base64')).digest('hex');
    const parts = Math.max(1, Math.ceil(encrypted.length / PACKAGE_PART_MAX_CHARS));
    await this.repo.insertPackage(tx.manager, {
      packageId,
      requestId,
      requestType: request.requestType,
      encrypted,
      sha256,
      parts,
      nextPart: 1,
      records: built.records,
      categories: built.categories,
      assembledAt: now,
      outcomes: commands.map((c) => ({
        systemId: c.systemId,
        outcome: c.status === 'completed' ? (c.outcome ?? 'done') : 'failed',
        affectedRecords: c.affectedRecords,
        categories: c.categories,
      })),
    });
    await this.repo.markPackaged(tx.manager, requestId, packageId, built.records, now);
    await this.repo.deleteParts(tx.manager, requestId);
    this.logger.log(
      `request ${requestId}: ${request.requestType} package ${packageId} assembled (${built.records} records, ${parts} parts to send)`,
    );
  }

  /**
   * Sends the next part of a pending package (PackageSenderLoop): one part in the outbox at
   * a time, since a Kafka record batch is at most 1 MiB. With the last part, `executionCompleted`
   * (request-intake completes the request) and the encrypted package is deleted here.
   * Returns whether a part was sent.
   */
  async sendNextPart(tx: CollectionTx): Promise<boolean> {
    const p = await this.repo.nextPackageToSend(tx.manager);
    if (!p) return false;
    const part = p.nextPart;
    await tx.publish('packageReady', {
      requestId: p.requestId,
      packageId: p.packageId,
      requestType: p.requestType,
      part,
      parts: p.parts,
      data: p.encrypted.slice((part - 1) * PACKAGE_PART_MAX_CHARS, part * PACKAGE_PART_MAX_CHARS),
      sha256: p.sha256,
      records: p.records,
      categories: p.categories,
      assembledAt: new Date(p.assembledAt).toISOString(),
    });
    if (part < p.parts) {
      await this.repo.advancePackage(tx.manager, p.packageId, part + 1);
      return true;
    }
    await this.repo.deletePackage(tx.manager, p.packageId);
    await tx.publish('executionCompleted', { requestId: p.requestId, systems: p.outcomes, holds: [] });
    this.logger.log(`request ${p.requestId}: package ${p.packageId} sent (${p.parts} parts)`);
    return true;
  }
}

/**
 * The inventory of company systems: registrations in, the Art. 30 register out
 * (GDPR Art. 30(1): purposes, categories of data, recipients, transfers to third
 * countries and their safeguards), with the live records indexed for each system.
 *
 * A registration that redirects personal data (registration-changes.ts: a processor
 * role, a controller or its contact, a new capability or recipient system) waits for the
 * DPO (Art. 28, 30, 5(1)(f), 32): it is stored and shown with what changed, and only the
 * DPO's approval puts it in force. Whatever takes effect is published as
 * `dsr.system.approved.v1`, which the other services keep instead of the raw registration.
 */
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { RegistrationChange, SystemRegistered } from '@datarights/contracts';
import { EventPublisher, type Publish } from '@datarights/messaging';
import type { RegistrationsPolicy } from '@datarights/policy';
import { AppError, ErrorCode, type Principal } from '@datarights/service-kit';
import { PdataIndexRepository } from '../pdata-index/pdata-index.repository';
import { CommandTopicProvisioner } from './command-topic.provisioner';
import type { SystemEntity } from './entities/system.entity';
import { InventoryRepository, type HeldRegistration } from './inventory.repository';
import { registrationChanges } from './registration-changes';

/** The policy's `registrations` section (which registrations wait for the DPO). */
export const REGISTRATIONS_POLICY = Symbol('REGISTRATIONS_POLICY');

/** Publishes in the caller's transaction (a handler's context, or the publisher in an HTTP transaction). */

export interface RegisteredSystem {
  system: SystemEntity;
  /** Live (not erased) records indexed for the system. */
  records: number;
}

@Injectable()
export class InventoryService {
  private readonly logger = new Logger(InventoryService.name);

  constructor(
    private readonly repo: InventoryRepository,
    private readonly index: PdataIndexRepository,
    private readonly topics: CommandTopicProvisioner,
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(REGISTRATIONS_POLICY) private readonly policy: RegistrationsPolicy,
  ) {}

  /**
   * A registration, in the caller's transaction: in force at once when it redirects
   * nothing new, else held for the DPO. A newer registration supersedes a held one (the
   * system's current word is the newest); an older one than what is on file is ignored.
   */
  async register(tx: EntityManager, publish: Publish, system: SystemRegistered, at: Date): Promise<void> {
    const systemId = system.systemId;
    await this.repo.lockSystem(tx, systemId);
    const inForce = await this.repo.inForce(tx, systemId);
    const pending = await this.repo.pendingOf(tx, systemId);
    if ((inForce && at < inForce.updatedAt) || (pending && at < pending.registeredAt)) {
      this.logger.log(`system ${systemId}: registration older than the one on file, ignored`);
      return;
    }
    if (pending) {
      await this.repo.decide(tx, pending.registrationId, 'superseded', null, null, new Date());
      this.logger.log(`system ${systemId}: registration ${pending.registrationId} superseded by a newer one`);
    }
    const changes = registrationChanges(this.policy, inForce?.registration, system);
    const registrationId = randomUUID();
    if (changes.length > 0) {
      await this.repo.hold(tx, { registrationId, systemId, registration: system, registeredAt: at, changes });
      await publish('systemRegistrationHeld', { registrationId, systemId, registeredAt: at.toISOString(), changes });
      this.logger.log(
        `system ${systemId}: registration ${registrationId} waits for the DPO (${changes.map((c) => c.field).join(', ')})`,
      );
      return;
    }
    await this.putInForce(tx, publish, system, at, { registrationId, approval: 'policy', changes: [] });
    // Outside the transaction's critical path; idempotent, and re-checked if it fails.
    this.topics.request(systemId);
  }

  /** The DPO approves a held registration: it takes effect. Approving it again answers the same. */
  async approve(principal: Principal, systemId: string, registrationId: string): Promise<HeldRegistration> {
    const decided = await this.dataSource.transaction(async (tx) => {
      const held = await this.held(tx, systemId, registrationId, 'approved');
      if (held.status === 'approved') return held;
      const now = new Date();
      const approved = await this.repo.decide(tx, registrationId, 'approved', principal.id, null, now);
      await this.putInForce(tx, this.publisher.unitOfWork(tx).publish, held.registration, held.registeredAt, {
        registrationId,
        approval: 'dpo',
        approvedBy: principal.id,
        changes: held.changes,
        approvedAt: now,
      });
      this.logger.log({ systemId, registrationId, by: principal.id }, 'registration approved by the DPO');
      return approved;
    });
    this.topics.request(systemId);
    return decided;
  }

  /** The DPO rejects a held registration: the one in force stays. Rejecting it again answers the same. */
  async reject(
    principal: Principal,
    systemId: string,
    registrationId: string,
    reason: string,
  ): Promise<HeldRegistration> {
    return this.dataSource.transaction(async (tx) => {
      const held = await this.held(tx, systemId, registrationId, 'rejected');
      if (held.status === 'rejected') return held;
      const now = new Date();
      const rejected = await this.repo.decide(tx, registrationId, 'rejected', principal.id, reason, now);
      await this.publisher.unitOfWork(tx).publish('systemRegistrationRejected', {
        registrationId,
        systemId,
        rejectedBy: principal.id,
        rejectedAt: now.toISOString(),
        reason,
      });
      this.logger.log({ systemId, registrationId, by: principal.id }, 'registration rejected by the DPO');
      return rejected;
    });
  }

  async list(): Promise<RegisteredSystem[]> {
    const systems = await this.repo.findAll();
    const counts = await this.index.liveCounts(systems.map((s) => s.systemId));
    return systems.map((system) => ({ system, records: counts.get(system.systemId) ?? 0 }));
  }

  /** Every registration waiting for the DPO. */
  pending(): Promise<HeldRegistration[]> {
    return this.repo.pending();
  }

  async get(systemId: string): Promise<RegisteredSystem | undefined> {
    const system = await this.repo.findOne(systemId);
    if (!system) return undefined;
    const counts = await this.index.liveCounts([systemId]);
    return { system, records: counts.get(systemId) ?? 0 };
  }

  /** The registration the DPO decides on, locked: 404 unknown, 409 when it no longer waits (other than `same`). */
  private async held(
    tx: EntityManager,
    systemId: string,
    registrationId: string,
    same: 'approved' | 'rejected',
  ): Promise<HeldRegistration> {
    await this.repo.lockSystem(tx, systemId);
    const held = await this.repo.registration(tx, systemId, registrationId);
    if (!held)
      throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `no registration ${registrationId} of ${systemId}`);
    if (held.status !== 'pending' && held.status !== same)
      throw new AppError(
        HttpStatus.CONFLICT,
        ErrorCode.InvalidTransition,
        `registration ${registrationId} of ${systemId} is ${held.status}: nothing to ${same === 'approved' ? 'approve' : 'reject'}`,
      );
    return held;
  }

  /** Writes a registration into the register and publishes it as the one in force. */
  private async putInForce(
    tx: EntityManager,
    publish: Publish,
    system: SystemRegistered,
    at: Date,
    how: {
      registrationId: string;
      approval: 'dpo' | 'policy';
      approvedBy?: string;
      changes: RegistrationChange[];
      approvedAt?: Date;
    },
  ): Promise<void> {
    if (!(await this.repo.upsert(tx, system, at))) return;
    this.logger.log(`system ${system.systemId} registered (${system.role}, ${system.categories.length} categories)`);
    await publish('systemApproved', {
      ...system,
      registrationId: how.registrationId,
      registeredAt: at.toISOString(),
      approval: how.approval,
      ...(how.approvedBy ? { approvedBy: how.approvedBy } : {}),
      approvedAt: (how.approvedAt ?? new Date()).toISOString(),
      changes: how.changes,
    });
  }
}

/**
 * The only TypeORM user of the inventory: the systems table (the Art. 30 register in
 * force), the registrations that waited for the DPO (`system_registrations`), and the
 * bookkeeping of their command topics.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { commandTopic, type RegistrationChange, type SystemRegistered } from '@datarights/contracts';
import { SystemEntity } from './entities/system.entity';

export type RegistrationStatus = 'pending' | 'approved' | 'rejected' | 'superseded';

/** A registration that waited for the DPO, and what became of it. */
export interface HeldRegistration {
  registrationId: string;
  systemId: string;
  registration: SystemRegistered;
  registeredAt: Date;
  receivedAt: Date;
  changes: RegistrationChange[];
  status: RegistrationStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
}

/** The registration in force of a system, as the next one is compared with it. */
export interface RegistrationInForce {
  registration: SystemRegistered;
  updatedAt: Date;
}

interface HeldRow {
  registration_id: string;
  system_id: string;
  registration: SystemRegistered;
  registered_at: Date;
  received_at: Date;
  changes: RegistrationChange[];
  status: RegistrationStatus;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
}

const toHeld = (r: HeldRow): HeldRegistration => ({
  registrationId: r.registration_id,
  systemId: r.system_id,
  registration: r.registration,
  registeredAt: r.registered_at,
  receivedAt: r.received_at,
  changes: r.changes,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  reason: r.reason,
});

@Injectable()
export class InventoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts or updates a system from its registration. `at` is the registration event's
   * time: an older registration replayed after a newer one (a dead letter replayed, a
   * compacted topic re-read) never overwrites it. Returns whether the row changed.
   */
  async upsert(tx: EntityManager, s: SystemRegistered, at: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO systems AS cur (system_id, name, owner, role, controller, purposes, legal_basis, categories, location,
                                   transfers, recipients, capabilities, source, command_topic, registered_at, updated_at,
                                   automated_decisions, registration)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8::text[], $9, $10::jsonb, $11::jsonb, $12::text[], $13, $14, $15, $15, $16::jsonb, $17::jsonb)
       ON CONFLICT (system_id) DO UPDATE SET
         name = excluded.name, owner = excluded.owner, role = excluded.role, controller = excluded.controller,
         purposes = excluded.purposes, legal_basis = excluded.legal_basis, categories = excluded.categories,
         location = excluded.location, transfers = excluded.transfers, recipients = excluded.recipients,
         capabilities = excluded.capabilities, source = excluded.source, updated_at = excluded.updated_at,
         automated_decisions = excluded.automated_decisions, registration = excluded.registration
       WHERE excluded.updated_at >= cur.updated_at
       RETURNING system_id`,
      [
        s.systemId,
        s.name,
        s.owner,
        s.role,
        s.controller ?? null,
        s.purposes,
        s.legalBasis,
        s.categories,
        s.location,
        JSON.stringify(s.transfers ?? []),
        JSON.stringify(s.recipients ?? []),
        s.capabilities,
        s.source ?? null,
        commandTopic(s.systemId),
        at.toISOString(),
        s.automatedDecisions ? JSON.stringify(s.automatedDecisions) : null,
        JSON.stringify(s),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Serialises every decision on one system's registrations (a registration arriving, the
   * DPO approving or rejecting one) until the transaction ends: two of them at once could
   * otherwise both see the same registration pending.
   */
  async lockSystem(tx: EntityManager, systemId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('system-registration:' || $1))`, [systemId]);
  }

  async inForce(tx: EntityManager, systemId: string): Promise<RegistrationInForce | undefined> {
    const rows = (await tx.query(`SELECT registration, updated_at FROM systems WHERE system_id = $1`, [systemId])) as {
      registration: SystemRegistered;
      updated_at: Date;
    }[];
    return rows[0] && { registration: rows[0].registration, updatedAt: rows[0].updated_at };
  }

  async pendingOf(tx: EntityManager, systemId: string): Promise<HeldRegistration | undefined> {
    const rows = (await tx.query(`SELECT * FROM system_registrations WHERE system_id = $1 AND status = 'pending'`, [
      systemId,
    ])) as HeldRow[];
    return rows[0] && toHeld(rows[0]);
  }

  async hold(
    tx: EntityManager,
    h: Pick<HeldRegistration, 'registrationId' | 'systemId' | 'registration' | 'registeredAt' | 'changes'>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO system_registrations (registration_id, system_id, registration, registered_at, changes, status)
       VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, 'pending')`,
      [h.registrationId, h.systemId, JSON.stringify(h.registration), h.registeredAt, JSON.stringify(h.changes)],
    );
  }

  /** A registration of this system, by id. */
  async registration(
    tx: EntityManager,
    systemId: string,
    registrationId: string,
  ): Promise<HeldRegistration | undefined> {
    const rows = (await tx.query(`SELECT * FROM system_registrations WHERE system_id = $1 AND registration_id = $2`, [
      systemId,
      registrationId,
    ])) as HeldRow[];
    return rows[0] && toHeld(rows[0]);
  }

  /** Ends a pending registration: approved or rejected by the DPO, or superseded by a newer one. */
  async decide(
    tx: EntityManager,
    registrationId: string,
    status: Exclude<RegistrationStatus, 'pending'>,
    by: string | null,
    reason: string | null,
    at: Date,
  ): Promise<HeldRegistration> {
    const rows = (await tx.query(
      `UPDATE system_registrations SET status = $2, decided_by = $3, reason = $4, decided_at = $5
       WHERE registration_id = $1 AND status = 'pending' RETURNING *`,
      [registrationId, status, by, reason, at],
    )) as [HeldRow[], number];
    return toHeld(rows[0][0]);
  }

  /** Every registration waiting for the DPO, oldest first. */
  async pending(): Promise<HeldRegistration[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM system_registrations WHERE status = 'pending' ORDER BY received_at, system_id`,
    )) as HeldRow[];
    return rows.map(toHeld);
  }

  async findOne(systemId: string): Promise<SystemEntity | undefined> {
    return (await this.dataSource.getRepository(SystemEntity).findOneBy({ systemId })) ?? undefined;
  }

  async findAll(): Promise<SystemEntity[]> {
    return this.dataSource.getRepository(SystemEntity).find({ order: { systemId: 'ASC' } });
  }

  /** The registered systems among these ids (a plan's lookup), in the caller's transaction. */
  async findByIds(tx: EntityManager, systemIds: string[]): Promise<SystemEntity[]> {
    if (systemIds.length === 0) return [];
    return tx.getRepository(SystemEntity).findBy({ systemId: In(systemIds) });
  }

  /** Systems whose command topic is not known to exist yet (or every system). */
  async systemIdsNeedingTopic(onlyPending: boolean): Promise<string[]> {
    const rows = await this.dataSource.getRepository(SystemEntity).find({
      select: { systemId: true },
      where: onlyPending ? { commandTopicReadyAt: IsNull() } : {},
      order: { systemId: 'ASC' },
    });
    return rows.map((r) => r.systemId);
  }

  async markTopicReady(systemId: string): Promise<boolean> {
    const res = await this.dataSource
      .createQueryBuilder()
      .update(SystemEntity)
      .set({ commandTopicReadyAt: () => 'now()' })
      .where('system_id = :systemId AND command_topic_ready_at IS NULL', { systemId })
      .execute();
    return (res.affected ?? 0) > 0;
  }
}

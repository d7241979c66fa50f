/**
 * The only TypeORM user of the inventory: the systems table (the Art. 30 register) and the
 * bookkeeping of their command topics.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { commandTopic, type SystemRegistered } from '@datarights/contracts';
import { SystemEntity } from './entities/system.entity';

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
                                   automated_decisions)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8::text[], $9, $10::jsonb, $11::jsonb, $12::text[], $13, $14, $15, $15, $16::jsonb)
       ON CONFLICT (system_id) DO UPDATE SET
         name = excluded.name, owner = excluded.owner, role = excluded.role, controller = excluded.controller,
         purposes = excluded.purposes, legal_basis = excluded.legal_basis, categories = excluded.categories,
         location = excluded.location, transfers = excluded.transfers, recipients = excluded.recipients,
         capabilities = excluded.capabilities, source = excluded.source, updated_at = excluded.updated_at,
         automated_decisions = excluded.automated_decisions
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
      ],
    );
    return rows.length > 0;
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

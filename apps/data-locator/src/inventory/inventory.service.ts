/**
 * The inventory of company systems: registrations in, the Art. 30 register out
 * (GDPR Art. 30(1): purposes, categories of data, recipients, transfers to third
 * countries and their safeguards), with the live records indexed for each system.
 */
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SystemRegistered } from '@datarights/contracts';
import { PdataIndexRepository } from '../pdata-index/pdata-index.repository';
import { CommandTopicProvisioner } from './command-topic.provisioner';
import type { SystemEntity } from './entities/system.entity';
import { InventoryRepository } from './inventory.repository';

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
  ) {}

  /** Records a registration in the caller's transaction and asks for the system's command topic. */
  async register(tx: EntityManager, system: SystemRegistered, at: Date): Promise<void> {
    const changed = await this.repo.upsert(tx, system, at);
    if (changed)
      this.logger.log(`system ${system.systemId} registered (${system.role}, ${system.categories.length} categories)`);
    else this.logger.log(`system ${system.systemId}: registration older than the one on file, ignored`);
    // Outside the transaction's critical path; idempotent, and re-checked if it fails.
    this.topics.request(system.systemId);
  }

  async list(): Promise<RegisteredSystem[]> {
    const systems = await this.repo.findAll();
    const counts = await this.index.liveCounts(systems.map((s) => s.systemId));
    return systems.map((system) => ({ system, records: counts.get(system.systemId) ?? 0 }));
  }

  async get(systemId: string): Promise<RegisteredSystem | undefined> {
    const system = await this.repo.findOne(systemId);
    if (!system) return undefined;
    const counts = await this.index.liveCounts([systemId]);
    return { system, records: counts.get(systemId) ?? 0 };
  }
}

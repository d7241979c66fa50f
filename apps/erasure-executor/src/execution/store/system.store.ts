/**
 * What the executor keeps of each registered system: its purposes, capabilities and
 * recipients (`system_registration`: objections, Art. 21; notices, Art. 19) and, for a
 * processor system, its controller's contact (`processor_system`: forwards, Art. 28).
 * Works in the caller's transaction.
 */
import type { EntityManager } from 'typeorm';
import type { Recipient } from '@datarights/contracts';
import { ProcessorSystemEntity } from '../entities/processor-system.entity';

export interface SystemRegistration {
  purposes: string[];
  capabilities: string[];
}

export class SystemStore {
  constructor(private readonly m: EntityManager) {}

  /** The latest registration of a system: its purposes, capabilities and recipients. */
  async saveRegistration(
    systemId: string,
    purposes: readonly string[],
    capabilities: readonly string[],
    recipients: readonly Recipient[],
  ): Promise<void> {
    await this.m.query(
      `INSERT INTO system_registration (system_id, purposes, capabilities, recipients) VALUES ($1, $2, $3, $4)
       ON CONFLICT (system_id) DO UPDATE SET purposes = EXCLUDED.purposes, capabilities = EXCLUDED.capabilities, recipients = EXCLUDED.recipients, updated_at = now()`,
      [systemId, purposes, capabilities, JSON.stringify(recipients)],
    );
  }

  async registrations(systemIds: readonly string[]): Promise<Map<string, SystemRegistration>> {
    if (systemIds.length === 0) return new Map();
    const rows = (await this.m.query(
      `SELECT system_id, purposes, capabilities FROM system_registration WHERE system_id = ANY($1::text[])`,
      [systemIds],
    )) as {
      system_id: string;
      purposes: string[];
      capabilities: string[];
    }[];
    return new Map(rows.map((r) => [r.system_id, { purposes: r.purposes, capabilities: r.capabilities }]));
  }

  async saveProcessor(systemId: string, controller: string | null, controllerContact: string | null): Promise<void> {
    await this.m.query(
      `INSERT INTO processor_system (system_id, controller, controller_contact) VALUES ($1, $2, $3)
       ON CONFLICT (system_id) DO UPDATE SET controller = EXCLUDED.controller, controller_contact = EXCLUDED.controller_contact, updated_at = now()`,
      [systemId, controller, controllerContact],
    );
  }

  async forgetProcessor(systemId: string): Promise<void> {
    await this.m.delete(ProcessorSystemEntity, { systemId });
  }

  async processors(systemIds: string[]): Promise<Map<string, ProcessorSystemEntity>> {
    if (systemIds.length === 0) return new Map();
    const rows = await this.m
      .getRepository(ProcessorSystemEntity)
      .createQueryBuilder('p')
      .where('p.system_id IN (:...systemIds)', { systemIds })
      .getMany();
    return new Map(rows.map((r) => [r.systemId, r]));
  }
}

/** The demo views: a page of generated customers, what each system holds about one, and the start-up status. */
import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError, ErrorCode, isProduction, RuntimeConfig } from '@datarights/service-kit';
import { SeedService, type SeedSnapshot } from '../seed/seed.service';
import { ConnectorsService, type ConnectorState, type ConnectorView } from '../systems/connectors.service';
import { normaliseKeyLists } from '../systems/key-match';
import { DEMO_SYSTEMS, HOLDER_IDS, type SystemId } from '../systems/system-catalog';
import { SystemsRepository } from '../systems/systems.repository';
import { DemoRepository, type DirectoryEntry, type DirectoryEntryWithSystems } from './demo.repository';

export interface CustomersPage {
  customers: DirectoryEntryWithSystems[];
  total: number;
  limit: number;
  offset: number;
}

export interface CustomerHoldings extends DirectoryEntry {
  /** systemId → table → the rows it holds carrying one of the customer's keys. */
  systems: Record<SystemId, Record<string, Record<string, unknown>[]>>;
}

export interface DemoStatus extends SeedSnapshot {
  connectors: Record<SystemId, ConnectorState>;
  connectorDetails: Record<SystemId, ConnectorView>;
}

@Injectable()
export class DemoService {
  constructor(
    private readonly directory: DemoRepository,
    private readonly systems: SystemsRepository,
    private readonly seed: SeedService,
    private readonly connectors: ConnectorsService,
    private readonly runtime: RuntimeConfig,
  ) {}

  async customers(limit: number, offset: number): Promise<CustomersPage> {
    const [customers, total] = await Promise.all([this.directory.page(limit, offset), this.directory.count()]);
    return { customers, total, limit, offset };
  }

  async customer(customerId: string): Promise<CustomerHoldings> {
    const entry = await this.directory.findOne(customerId);
    if (!entry) throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, 'no such demo customer');
    // The same matching as the commands: any row carrying any of the customer's keys.
    const keys = normaliseKeyLists({ email: [entry.email], customerId: [entry.customerId], phone: [entry.phone] });
    const systems = {} as CustomerHoldings['systems'];
    for (const id of HOLDER_IDS) {
      systems[id] = {};
      for (const spec of DEMO_SYSTEMS[id].tables) {
        systems[id][spec.table] = (await this.systems.findMatching(spec, keys)).map((r) => r.row);
      }
    }
    return { customerId: entry.customerId, email: entry.email, phone: entry.phone, name: entry.name, systems };
  }

  /** Commands applied per system, and any applied more than once (the idempotency the chaos run checks). */
  async effects(): Promise<{ systems: Awaited<ReturnType<SystemsRepository['applicationCounts']>> }> {
    return { systems: await this.systems.applicationCounts() };
  }

  pause(id: SystemId): Promise<ConnectorView> {
    this.refuseInProduction();
    return this.connectors.pause(id);
  }

  resume(id: SystemId): Promise<ConnectorView> {
    this.refuseInProduction();
    return this.connectors.resume(id);
  }

  /** Stopping a system is for the fault-injection run on a dev or test stack: never where the demo is deployed. */
  private refuseInProduction(): void {
    if (isProduction(this.runtime)) throw new AppError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, 'no such route');
  }

  status(): DemoStatus {
    const connectorDetails = this.connectors.connectorViews();
    const connectors = Object.fromEntries(Object.entries(connectorDetails).map(([id, v]) => [id, v.state]));
    return { ...this.seed.status(), connectors: connectors as Record<SystemId, ConnectorState>, connectorDetails };
  }
}

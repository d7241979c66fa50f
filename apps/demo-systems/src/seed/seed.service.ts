/**
 * Seeds the four systems once with DEMO_CUSTOMERS fake customers, then announces every
 * seeded row with one `stored` data event through its system's connector, in the
 * background so that start-up (and /health/ready) is not held up. Progress is kept in
 * the database: a restart resumes the announcing where it stopped. Failures are retried
 * with backoff until the service stops. Logs carry counts and durations only.
 */
import { Injectable, Logger } from '@nestjs/common';
import { DemoSystemsConfig } from '../config/app.config';
import { toRecordInput } from '../systems/command-handlers.service';
import { ConnectorsService } from '../systems/connectors.service';
import { DEMO_SYSTEMS, HOLDER_IDS, type HolderId } from '../systems/system-catalog';
import { generateDataset } from './customer-generator';
import { SeedRepository } from './seed.repository';

export type SeedStatus = 'pending' | 'seeding' | 'publishing' | 'ready' | 'failed';

export interface SeedSnapshot {
  seedStatus: SeedStatus;
  customers: number;
  published: number;
  total: number;
  /** Systems whose seeded rows are all announced. */
  publishedSystems: HolderId[];
  seedMs?: number;
  publishMs?: number;
  /** While retrying after a failure: the error's class (never its message: it could quote data). */
  lastError?: string;
}

/** Customers generated and inserted per chunk (bounded memory, whatever DEMO_CUSTOMERS). */
const CHUNK = 5_000;
const MAX_BACKOFF_MS = 30_000;

@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);
  private snapshot: SeedSnapshot = {
    seedStatus: 'pending',
    customers: 0,
    published: 0,
    total: 0,
    publishedSystems: [],
  };
  private task?: Promise<void>;
  private stopping = false;
  private signalStop!: () => void;
  /** Resolves on stop(), so no wait outlives the service. */
  private readonly stopped = new Promise<void>((resolve) => (this.signalStop = resolve));

  constructor(
    private readonly config: DemoSystemsConfig,
    private readonly repo: SeedRepository,
    private readonly connectors: ConnectorsService,
  ) {}

  status(): SeedSnapshot {
    return { ...this.snapshot, publishedSystems: [...this.snapshot.publishedSystems] };
  }

  /** Starts the background work (once). */
  start(): void {
    this.task ??= this.runWithRetries();
  }

  /** Stops after the page being announced; resolves when the background work has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signalStop();
    await this.task;
  }

  private async runWithRetries(): Promise<void> {
    let backoff = 1_000;
    while (!this.stopping) {
      try {
        await this.run();
        return;
      } catch (err) {
        if (this.stopping) return;
        const name = err instanceof Error ? err.name : typeof err;
        this.snapshot = { ...this.snapshot, seedStatus: 'failed', lastError: name };
        this.logger.error(`seeding or publishing failed (${name}); retrying in ${backoff} ms`);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, backoff))), this.stopped]);
        clearTimeout(timer);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async run(): Promise<void> {
    await this.seed();
    // Data events go through the connectors: wait for them (started by the app's bootstrap).
    await Promise.race([this.connectors.start(), this.stopped]);
    if (this.stopping) return;
    await this.publish();
  }

  private async seed(): Promise<void> {
    const { DEMO_CUSTOMERS: customers, DEMO_SEED: seed } = this.config;
    const existing = await this.repo.state();
    if (!existing) {
      this.snapshot = { ...this.snapshot, seedStatus: 'seeding', lastError: undefined };
      const seeded = await this.repo.seedOnce(seed, customers, async (tx) => {
        for (let from = 1; from <= customers; from += CHUNK) {
          await this.repo.insertChunk(tx, generateDataset(seed, from, Math.min(customers, from + CHUNK - 1)));
        }
      });
      if (seeded) this.logger.log(`seeded ${customers} customers`);
    }
    const state = await this.repo.state();
    this.snapshot = { ...this.snapshot, customers: state?.customers ?? 0, seedMs: state?.seedMs };
  }

  private async publish(): Promise<void> {
    await this.refreshProgress('publishing');
    if (this.snapshot.seedStatus === 'ready') return;
    const started = Date.now();
    // One loop per system in parallel (each has its own producer); tables in order.
    await Promise.all(HOLDER_IDS.map((id) => this.publishSystem(id)));
    if (this.stopping) return;
    await this.repo.markPublished();
    const publishMs = Date.now() - started;
    await this.refreshProgress('ready');
    this.snapshot = { ...this.snapshot, publishMs };
    this.logger.log(`announced ${this.snapshot.published} seeded records in ${publishMs} ms`);
  }

  private async publishSystem(id: HolderId): Promise<void> {
    const pageSize = this.config.DEMO_PUBLISH_PAGE_SIZE;
    for (const spec of DEMO_SYSTEMS[id].tables) {
      for (;;) {
        if (this.stopping) return;
        const page = await this.repo.nextPage(spec, pageSize, async (rows) => {
          const records = rows
            .map((row) => toRecordInput(spec, row, row.occurredAt ?? undefined))
            .filter((r) => r !== undefined);
          await this.connectors.publish(id, 'stored', records);
        });
        this.snapshot = { ...this.snapshot, published: this.snapshot.published + page.sent };
        if (page.done) break;
      }
    }
    await this.refreshProgress('publishing');
  }

  /** Reloads the counts from the database; every table announced means ready. */
  private async refreshProgress(status: SeedStatus): Promise<void> {
    const rows = await this.repo.publication();
    const publishedSystems = HOLDER_IDS.filter(
      (id) => rows.some((r) => r.systemId === id) && rows.filter((r) => r.systemId === id).every((r) => r.done),
    );
    const allDone = rows.length > 0 && rows.every((r) => r.done);
    this.snapshot = {
      ...this.snapshot,
      seedStatus: allDone ? 'ready' : status,
      published: rows.reduce((n, r) => n + r.published, 0),
      total: rows.reduce((n, r) => n + r.total, 0),
      publishedSystems,
      lastError: undefined,
    };
  }
}

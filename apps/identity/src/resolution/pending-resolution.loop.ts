/**
 * Requests whose keys matched no one while the index still had data events to read (issue
 * 15): every RESOLUTION_POLL_MS, each is resolved again once identity's consumer group has
 * committed the data-event offsets that existed when it was filed, or as it stands once its
 * wait ran out (the DPO is then told how many events were still unread). State lives in
 * PostgreSQL, so a restart loses no waiting request; rows are taken FOR UPDATE SKIP LOCKED,
 * so replicas share them and never resolve one twice.
 */
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsumerProgress } from '@datarights/messaging';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { IdentityConfig } from '../config/app.config';
import { ResolutionRepository } from './resolution.repository';
import { ResolutionService } from './resolution.service';

@Injectable()
export class PendingResolutionLoop extends PeriodicJob {
  protected readonly logger = new Logger(PendingResolutionLoop.name);
  protected readonly everyMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: ResolutionRepository,
    private readonly resolution: ResolutionService,
    private readonly progress: ConsumerProgress,
    private readonly clock: Clock,
    config: IdentityConfig,
  ) {
    super();
    this.everyMs = config.RESOLUTION_POLL_MS;
  }

  /** Resolves the waiting requests whose index caught up or whose wait ran out; returns how many. Public for tests. */
  async runOnce(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      let resolved = 0;
      const waiting = await this.requests.takeIndexing(tx, this.batchSize);
      if (waiting.length === 0) return 0;
      // The group's offsets read once for every waiting request (it was once per request).
      const behind = await this.progress.behindEach(waiting.map((r) => r.indexTargets ?? {})).catch((err: Error) => {
        this.logger.warn(`index progress unknown: ${err.message}`);
        return undefined;
      });
      for (const [i, request] of waiting.entries()) {
        const b = behind?.[i];
        const expired = this.clock.now() >= request.resolveBy!;
        if (b !== 0 && !expired) continue;
        await this.resolution.resolveAgain(tx, request, b === 0 ? undefined : b);
        resolved++;
      }
      return resolved;
    });
  }
}

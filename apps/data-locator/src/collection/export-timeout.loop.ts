/**
 * The durable timeout loop of export commands: every EXPORT_POLL_MS, takes the commands
 * past their time (no whole reply by respondBy, or a retry due after a failure) and
 * re-sends or escalates them. State lives in PostgreSQL (a restart loses nothing); rows are
 * taken FOR UPDATE SKIP LOCKED, so replicas share the work and never handle one twice.
 */
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@datarights/messaging';
import { Clock, PeriodicJob } from '@datarights/service-kit';
import { DataLocatorConfig } from '../config/app.config';
import { CollectionRepository } from './collection.repository';
import { CollectionService, collectionTx } from './collection.service';

@Injectable()
export class ExportTimeoutLoop extends PeriodicJob {
  protected readonly logger = new Logger(ExportTimeoutLoop.name);
  protected readonly everyMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly repo: CollectionRepository,
    private readonly collection: CollectionService,
    private readonly clock: Clock,
    config: DataLocatorConfig,
  ) {
    super();
    this.everyMs = config.EXPORT_POLL_MS;
  }

  /** Handles the commands due at `now` (the Clock's by default); returns how many. Public for tests. */
  async runOnce(now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const due = await this.repo.takeDue(m, now, this.batchSize);
      const tx = collectionTx(m, this.publisher);
      for (const c of due) await this.collection.onDue(tx, c, now);
      return due.length;
    });
  }
}

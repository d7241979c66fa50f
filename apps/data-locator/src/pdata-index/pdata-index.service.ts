/** Indexing data events: which system holds which record, of which category, under which keys. */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toIndexRows, type IndexedEvent } from './index-rows';
import { PdataIndexRepository } from './pdata-index.repository';

@Injectable()
export class PdataIndexService {
  constructor(private readonly repo: PdataIndexRepository) {}

  /** Indexes one Kafka batch in the batch's transaction; returns the number of rows written. */
  async ingest(tx: EntityManager, events: IndexedEvent[]): Promise<number> {
    const rows = toIndexRows(events);
    await this.repo.upsertBatch(tx, rows);
    return rows.length;
  }
}

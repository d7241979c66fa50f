/** The only TypeORM user for reading the evidence log (read-only: the log is append-only). */
import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { AuditEntryEntity } from '../audit-log/entities/audit-entry.entity';
import type { StoredEntry } from './chain-verifier';

export function toStored(e: AuditEntryEntity): StoredEntry {
  return {
    seq: Number(e.seq),
    eventId: e.eventId,
    type: e.type,
    source: e.source,
    occurredAt: e.occurredAt.toISOString(),
    requestId: e.requestId,
    subjectHashes: e.subjectHashes,
    payload: e.payload,
    keyId: e.keyId,
    prevHash: e.prevHash,
    hash: e.hash,
    signature: e.signature,
    sigKeyId: e.sigKeyId,
  };
}

@Injectable()
export class EvidenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get entries() {
    return this.dataSource.getRepository(AuditEntryEntity);
  }

  /** A request's entries, in log order. */
  async entriesOfRequest(requestId: string): Promise<StoredEntry[]> {
    return (await this.entries.find({ where: { requestId }, order: { seq: 'ASC' } })).map(toStored);
  }

  /** The entries after `afterSeq`, in order: one page of the chain (keyset pagination). */
  async pageAfter(afterSeq: number, limit: number): Promise<StoredEntry[]> {
    return (
      await this.entries.find({ where: { seq: MoreThan(String(afterSeq)) }, order: { seq: 'ASC' }, take: limit })
    ).map(toStored);
  }

  /** The last entry's sequence number and hash. */
  async last(): Promise<{ seq: number; hash: string } | undefined> {
    const [e] = await this.entries.find({ order: { seq: 'DESC' }, take: 1 });
    return e && { seq: Number(e.seq), hash: e.hash };
  }

  async count(): Promise<number> {
    return this.entries.count();
  }
}

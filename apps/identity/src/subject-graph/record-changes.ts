/**
 * What a data event means for the record it names: its keys, its category, whether it is
 * erased, and when. The latest `occurredAt` wins, so an older event arriving late (Kafka
 * only orders per partition, and systems may replay) never undoes a newer one; on a tie,
 * an erasure wins (a record erased and stored at the same instant is treated as erased).
 */
import { EVENTS, type RecordEvent } from '@datarights/contracts';
import { keysOf, type EncodedKey } from './graph-keys';

export interface RecordChange {
  systemId: string;
  recordRef: string;
  category: string;
  keys: EncodedKey[];
  erased: boolean;
  /** As the system wrote it (PostgreSQL keeps its full precision). */
  occurredAt: string;
}

export function recordId(r: { systemId: string; recordRef: string }): string {
  return JSON.stringify([r.systemId, r.recordRef]);
}

export function toRecordChange(type: string, data: RecordEvent): RecordChange {
  return {
    systemId: data.systemId,
    recordRef: data.recordRef,
    category: data.category,
    keys: keysOf(data.subjectKeys),
    erased: type === EVENTS.recordErased.type,
    occurredAt: data.occurredAt,
  };
}

/** Whether `incoming` replaces `current` as the record's state (mirrors the SQL upsert's WHERE). */
export function supersedes(
  incoming: Pick<RecordChange, 'occurredAt' | 'erased'>,
  current: Pick<RecordChange, 'occurredAt' | 'erased'>,
): boolean {
  const a = Date.parse(incoming.occurredAt);
  const b = Date.parse(current.occurredAt);
  return a > b || (a === b && incoming.erased && !current.erased);
}

/** One change per record (a batch may hold several events of one record): the one that wins. */
export function latestPerRecord(changes: readonly RecordChange[]): RecordChange[] {
  const latest = new Map<string, RecordChange>();
  for (const change of changes) {
    const id = recordId(change);
    const current = latest.get(id);
    if (
      !current ||
      supersedes(change, current) ||
      (Date.parse(change.occurredAt) === Date.parse(current.occurredAt) && change.erased === current.erased)
    ) {
      latest.set(id, change);
    }
  }
  return [...latest.values()];
}

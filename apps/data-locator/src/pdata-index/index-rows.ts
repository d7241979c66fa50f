/**
 * Turns a batch of data events into index rows: keys normalised so that the same
 * identifier written two ways matches, and one row per record (the batch is deduplicated
 * before the single multi-row upsert, which cannot touch the same row twice).
 */
import {
  EVENTS,
  normaliseKey,
  RETENTION_DATE_ANCHORS,
  type RecordEvent,
  type RetentionDates,
} from '@datarights/contracts';

export interface IndexRow {
  systemId: string;
  recordRef: string;
  category: string;
  email: string | null;
  customerId: string | null;
  phone: string | null;
  erased: boolean;
  /** ISO 8601 in UTC, millisecond precision (the same instant the batch compared). */
  occurredAt: string;
  /** The record's retention dates as its system reported them (RetentionDates), or null when it gave none. */
  retentionDates: Record<string, string | null> | null;
}

export interface IndexedEvent {
  type: string;
  data: RecordEvent;
}

const key = (kind: 'email' | 'customerId' | 'phone', v: string | undefined): string | null => {
  if (v === undefined || v === null) return null;
  const n = normaliseKey(kind, v);
  return n.length > 0 ? n : null;
};

/** Only the contract's fields, each a date-time or null (the validator already checked them). */
function retentionDatesOf(dates: RetentionDates): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const field of Object.keys(RETENTION_DATE_ANCHORS) as (keyof RetentionDates)[]) {
    const v = dates[field];
    if (v === null || typeof v === 'string') out[field] = v;
  }
  return out;
}

export function toIndexRow(e: IndexedEvent): IndexRow {
  const at = Date.parse(e.data.occurredAt);
  if (Number.isNaN(at)) throw new Error(`occurredAt of record event is not a date-time this index can order`);
  const erased = e.type === EVENTS.recordErased.type;
  const k = e.data.subjectKeys;
  return {
    systemId: e.data.systemId,
    recordRef: e.data.recordRef,
    category: e.data.category,
    // Once the system erased the record, the index keeps no identifier of it either
    // (GDPR Art. 5(1)(c) data minimisation, Art. 17): only the tombstone and its time.
    email: erased ? null : key('email', k.email),
    customerId: erased ? null : key('customerId', k.customerId),
    phone: erased ? null : key('phone', k.phone),
    erased,
    occurredAt: new Date(at).toISOString(),
    retentionDates: e.data.retentionDates ? retentionDatesOf(e.data.retentionDates) : null,
  };
}

/**
 * One row per (systemId, recordRef). The winner is the one the upsert rule would keep if
 * the events were applied one by one: the latest `occurredAt`, and on a tie the one that
 * came last in the partition (so a late, older event never overrides a newer one, even
 * inside one batch).
 */
export function toIndexRows(events: IndexedEvent[]): IndexRow[] {
  const byRecord = new Map<string, IndexRow>();
  for (const e of events) {
    const row = toIndexRow(e);
    const id = `${row.systemId}\u0000${row.recordRef}`;
    const current = byRecord.get(id);
    if (!current || row.occurredAt >= current.occurredAt) byRecord.set(id, row);
  }
  return [...byRecord.values()];
}

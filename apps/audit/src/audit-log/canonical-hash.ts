/**
 * The hash chain of the audit log: each entry's hash covers the previous entry's hash and
 * the entry's own content in a canonical form (keys sorted, no whitespace), so that any
 * change to a stored entry, or removing or reordering one, breaks every link after it
 * (Art. 5(2): the controller must be able to demonstrate compliance, with evidence that
 * cannot be rewritten unnoticed). The hash covers the stored, minimised values: entries
 * stay verifiable after the HMAC key is rotated.
 */
import { createHash } from 'node:crypto';

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry's hash covers, exactly as stored. */
export interface ChainedContent {
  seq: number;
  eventId: string;
  type: string;
  source: string;
  /** ISO 8601 in UTC with milliseconds, as `Date.toISOString()` writes it. */
  occurredAt: string;
  requestId: string | null;
  subjectHashes: string[];
  payload: Record<string, unknown>;
  keyId: string;
}

/** JSON with object keys sorted at every depth; `undefined` properties are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonical JSON has no representation for a non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw new Error(`canonical JSON takes plain objects only, not ${proto?.constructor?.name ?? 'this value'}`);
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new Error(`canonical JSON has no representation for a ${typeof value}`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** hash = sha256(prev_hash + canonical JSON of the entry's content). */
export function entryHash(prevHash: string, c: ChainedContent): string {
  const content = {
    seq: c.seq,
    eventId: c.eventId,
    type: c.type,
    source: c.source,
    occurredAt: c.occurredAt,
    requestId: c.requestId,
    subjectHashes: c.subjectHashes,
    payload: c.payload,
    keyId: c.keyId,
  };
  return sha256Hex(prevHash + canonicalJson(content));
}

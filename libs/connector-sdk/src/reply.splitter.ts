/**
 * Builds the reply messages of one command. An export reply whose JSON would pass
 * EXPORT_PART_MAX_BYTES is cut into parts (`export.part` of `export.parts`, 1-based, same
 * commandId), because the broker refuses messages over 1 MiB by default and a subject
 * may have years of records (docs/kafka-contract.md).
 */
import { createEnvelope, EXPORT_PART_MAX_BYTES, type EventEnvelope } from '@datarights/contracts';
import type { ReplyPayload, StoredReply } from './command-store.types';

export interface ReplyMeta {
  /** The system id. */
  source: string;
  /** The command's event id. */
  causationId: string;
}

/** An exported record that cannot fit in one message even alone. */
export class ExportTooLargeError extends Error {
  constructor(index: number, bytes: number, limit: number) {
    super(`exported record #${index} is ${bytes} bytes, more than one reply message can hold (${limit} bytes)`);
    this.name = 'ExportTooLargeError';
  }
}

// Part numbers are bounded by the contract (@Max(10000)): measure the envelope with the
// widest numbers so that every real part is at most that size.
const WIDEST_PART = 10000;

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Returns the envelopes to send, in order; each serialises to less than `maxBytes`. */
export function buildReplyEnvelopes(
  reply: StoredReply,
  meta: ReplyMeta,
  maxBytes = EXPORT_PART_MAX_BYTES,
): EventEnvelope<ReplyPayload>[] {
  const envelopeOf = (payload: ReplyPayload) =>
    createEnvelope<ReplyPayload>({
      type: reply.type,
      source: meta.source,
      data: payload,
      correlationId: payload.requestId,
      causationId: meta.causationId,
    });

  const whole = envelopeOf(reply.payload);
  const records = reply.payload.export?.records;
  if (!records || bytesOf(whole) < maxBytes) return [whole];

  const chunks = chunkRecords(
    records,
    maxBytes - bytesOf(envelopeOf(withExport(reply.payload, [], WIDEST_PART, WIDEST_PART))) - 1,
  );
  if (chunks.length > WIDEST_PART)
    throw new Error(`export needs ${chunks.length} parts, more than the contract's ${WIDEST_PART}`);
  return chunks.map((chunk, i) => {
    const envelope = envelopeOf(withExport(reply.payload, chunk, i + 1, chunks.length));
    // A guard, not a branch: the arithmetic above makes this unreachable.
    if (bytesOf(envelope) >= maxBytes)
      throw new Error(`reply part ${i + 1} is ${bytesOf(envelope)} bytes, over ${maxBytes}`);
    return envelope;
  });
}

function withExport(
  payload: ReplyPayload,
  records: Record<string, unknown>[],
  part: number,
  parts: number,
): ReplyPayload {
  return { ...payload, export: { records, part, parts } };
}

/** Greedy packing in order: records keep their order across parts. */
function chunkRecords(records: Record<string, unknown>[], budget: number): Record<string, unknown>[][] {
  const chunks: Record<string, unknown>[][] = [];
  let current: Record<string, unknown>[] = [];
  let used = 0;
  records.forEach((record, index) => {
    const size = bytesOf(record);
    if (size > budget) throw new ExportTooLargeError(index, size, budget);
    // Each record after the first of a part costs a comma too.
    const cost = current.length === 0 ? size : size + 1;
    if (used + cost > budget) {
      chunks.push(current);
      current = [record];
      used = size;
    } else {
      current.push(record);
      used += cost;
    }
  });
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

/**
 * Puts the records of an export reply's parts back together (what the DSR side does),
 * checking that every part from 1 to `parts` is there.
 */
export function assembleExportParts(parts: ReplyPayload[]): Record<string, unknown>[] {
  if (parts.length === 1 && parts[0].export?.parts === undefined) return parts[0].export?.records ?? [];
  const total = parts[0]?.export?.parts;
  if (!total) throw new Error('no export parts');
  const ordered = new Array<ReplyPayload | undefined>(total);
  for (const p of parts) {
    const n = p.export?.part;
    if (!n || p.export?.parts !== total || n > total) throw new Error('inconsistent export parts');
    ordered[n - 1] = p;
  }
  const missing = ordered.findIndex((p) => p === undefined);
  if (missing >= 0) throw new Error(`export part ${missing + 1} of ${total} is missing`);
  return ordered.flatMap((p) => p?.export?.records ?? []);
}

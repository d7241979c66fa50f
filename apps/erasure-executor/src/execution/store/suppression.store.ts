/**
 * The suppression list (Art. 21(3)): keyed hashes of a subject's keys and the purposes
 * they objected to, for good. Keys themselves are never stored here. Works in the
 * caller's transaction.
 */
import type { EntityManager } from 'typeorm';

export class SuppressionStore {
  constructor(private readonly m: EntityManager) {}

  /** Adds keyed hashes to the list; idempotent. */
  async add(keyHashes: readonly string[], purposes: readonly string[], requestId: string): Promise<void> {
    if (keyHashes.length === 0 || purposes.length === 0) return;
    await this.m.query(
      `INSERT INTO suppression (key_hash, purpose, request_id)
         SELECT k, p, $3 FROM unnest($1::text[]) AS k CROSS JOIN unnest($2::text[]) AS p
       ON CONFLICT (key_hash, purpose) DO NOTHING`,
      [keyHashes, purposes, requestId],
    );
  }

  /** The purposes objected to under any of these keyed hashes, with the request that placed each. */
  async purposesFor(keyHashes: readonly string[]): Promise<{ purpose: string; requestId: string }[]> {
    if (keyHashes.length === 0) return [];
    const rows = (await this.m.query(
      `SELECT DISTINCT ON (purpose) purpose, request_id FROM suppression WHERE key_hash = ANY($1::text[]) ORDER BY purpose, created_at`,
      [keyHashes],
    )) as {
      purpose: string;
      request_id: string;
    }[];
    return rows.map((r) => ({ purpose: r.purpose, requestId: r.request_id }));
  }
}

/**
 * The only TypeORM user of the subject-key graph. Every write is set-based (one statement
 * per table per batch): data events are the high-volume topic. Every method takes the
 * caller's transaction manager, so that the graph and the inbox commit together.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decodeKey, type EncodedKey } from './graph-keys';
import { recordId, type RecordChange } from './record-changes';

/** SQL that turns the `kind`/`value` columns of `subject_keys` into an encoded key. */
const ENCODED = `k.kind || ':' || k.value`;

/** The transaction a caller hands through (services never touch TypeORM themselves). */
export type Tx = EntityManager;

function splitKeys(keys: readonly EncodedKey[]): { kinds: string[]; values: string[] } {
  const parts = keys.map(decodeKey);
  return { kinds: parts.map((p) => p.kind), values: parts.map((p) => p.value) };
}

@Injectable()
export class SubjectGraphRepository {
  /**
   * Serialises changes to the graph: two batches (two partitions, or two replicas) merging
   * overlapping subjects at once would each see the other's keys missing and split a
   * subject in two. Readers take the shared lock so they never see half a merge.
   */
  async lockGraph(m: EntityManager, mode: 'exclusive' | 'shared'): Promise<void> {
    const fn = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
    await m.query(`SELECT ${fn}(hashtext(current_schema() || '.subject-graph'))`);
  }

  /** The keys currently stored for these records (a record's old and new keys belong to one subject). */
  async storedKeysOf(
    m: EntityManager,
    records: readonly { systemId: string; recordRef: string }[],
  ): Promise<Map<string, EncodedKey[]>> {
    if (records.length === 0) return new Map();
    const rows: { system_id: string; record_ref: string; keys: string[] }[] = await m.query(
      `SELECT r.system_id, r.record_ref, r.keys FROM records r
         JOIN unnest($1::text[], $2::text[]) AS w(system_id, record_ref) ON r.system_id = w.system_id AND r.record_ref = w.record_ref`,
      [records.map((r) => r.systemId), records.map((r) => r.recordRef)],
    );
    return new Map(rows.map((r) => [recordId({ systemId: r.system_id, recordRef: r.record_ref }), r.keys]));
  }

  /** The subject of each of these keys that is already in the graph. */
  async subjectsOfKeys(m: EntityManager, keys: readonly EncodedKey[]): Promise<Map<EncodedKey, string>> {
    if (keys.length === 0) return new Map();
    const { kinds, values } = splitKeys(keys);
    const rows: { key: string; subject_ref: string }[] = await m.query(
      `SELECT ${ENCODED} AS key, k.subject_ref FROM subject_keys k
         JOIN unnest($1::text[], $2::text[]) AS w(kind, value) ON k.kind = w.kind AND k.value = w.value`,
      [kinds, values],
    );
    return new Map(rows.map((r) => [r.key, r.subject_ref]));
  }

  /** How many keys each of these subjects has (a merge keeps the larger one). */
  async keyCounts(m: EntityManager, subjectRefs: readonly string[]): Promise<Map<string, number>> {
    if (subjectRefs.length === 0) return new Map();
    const rows: { subject_ref: string; n: number }[] = await m.query(
      `SELECT subject_ref, count(*)::int AS n FROM subject_keys WHERE subject_ref = ANY($1::text[]) GROUP BY subject_ref`,
      [[...subjectRefs]],
    );
    return new Map(rows.map((r) => [r.subject_ref, r.n]));
  }

  /** Moves every key of each absorbed subject to the subject that absorbs it, and remembers the old ref. */
  async repoint(m: EntityManager, repoints: readonly { from: string; to: string }[]): Promise<void> {
    if (repoints.length === 0) return;
    const json = JSON.stringify(repoints);
    const MERGES = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("from" text, "to" text)`;
    await m.query(`UPDATE subject_keys k SET subject_ref = x."to" FROM (${MERGES}) x WHERE k.subject_ref = x."from"`, [
      json,
    ]);
    await m.query(
      `UPDATE subject_aliases a SET subject_ref = x."to" FROM (${MERGES}) x WHERE a.subject_ref = x."from"`,
      [json],
    );
    await m.query(
      `INSERT INTO subject_aliases (old_ref, subject_ref) SELECT x."from", x."to" FROM (${MERGES}) x
         ON CONFLICT (old_ref) DO UPDATE SET subject_ref = EXCLUDED.subject_ref, merged_at = now()`,
      [json],
    );
  }

  /** Keys new to the graph. Under the exclusive lock no other writer can have added them meanwhile. */
  async insertKeys(m: EntityManager, keys: readonly { key: EncodedKey; subjectRef: string }[]): Promise<void> {
    if (keys.length === 0) return;
    const rows = keys.map(({ key, subjectRef }) => ({ ...decodeKey(key), subject_ref: subjectRef }));
    await m.query(
      `INSERT INTO subject_keys (kind, value, subject_ref)
         SELECT kind, value, subject_ref FROM jsonb_to_recordset($1::jsonb) AS x(kind text, value text, subject_ref text)`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Stores each record's latest state. The WHERE mirrors `supersedes`: an older event
   * arriving late leaves a newer state alone, and a repeated event changes nothing.
   * `changes` must hold at most one change per record (see `latestPerRecord`).
   */
  async upsertRecords(m: EntityManager, changes: readonly RecordChange[]): Promise<number> {
    if (changes.length === 0) return 0;
    const rows = changes.map((c) => ({
      system_id: c.systemId,
      record_ref: c.recordRef,
      // An erased record stays as a tombstone (so that a late, older "stored" event does not
      // bring it back) but keeps none of its keys: the system no longer holds them.
      keys: c.erased ? [] : c.keys,
      category: c.category,
      erased: c.erased,
      occurred_at: c.occurredAt,
    }));
    const written: unknown[] = await m.query(
      `INSERT INTO records (system_id, record_ref, keys, category, erased, occurred_at)
         SELECT system_id, record_ref, keys, category, erased, occurred_at
           FROM jsonb_to_recordset($1::jsonb) AS x(system_id text, record_ref text, keys text[], category text, erased boolean, occurred_at timestamptz)
       ON CONFLICT (system_id, record_ref) DO UPDATE
         SET keys = EXCLUDED.keys, category = EXCLUDED.category, erased = EXCLUDED.erased, occurred_at = EXCLUDED.occurred_at
         WHERE records.occurred_at < EXCLUDED.occurred_at
            OR (records.occurred_at = EXCLUDED.occurred_at AND EXCLUDED.erased AND NOT records.erased)
       RETURNING 1`,
      [JSON.stringify(rows)],
    );
    return written.length;
  }

  /**
   * Forgets, among these keys, those no live record holds any more (every record that
   * held them is erased): their rows leave `subject_keys`, and the aliases of a subject
   * left with no key go with it. Nothing else needs them: an erased record's tombstone
   * keeps no key, a held record is not erased (its keys stay), and an open request keeps
   * its own copy of the keys it gave (`requests.given_keys`). Art. 17(1), Art. 5(1)(c), (e).
   * Returns how many keys were forgotten.
   */
  async forgetUnheldKeys(m: EntityManager, keys: readonly EncodedKey[]): Promise<number> {
    if (keys.length === 0) return 0;
    const { kinds, values } = splitKeys(keys);
    // TypeORM returns [rows, affected] for a DELETE on PostgreSQL.
    const [gone] = (await m.query(
      `DELETE FROM subject_keys k USING unnest($1::text[], $2::text[]) AS w(kind, value)
        WHERE k.kind = w.kind AND k.value = w.value
          AND NOT EXISTS (SELECT 1 FROM records r WHERE NOT r.erased AND r.keys @> ARRAY[${ENCODED}])
       RETURNING k.subject_ref`,
      [kinds, values],
    )) as [{ subject_ref: string }[], number];
    if (gone.length === 0) return 0;
    // A subject with no key left is no one any more: its old refs must not answer for it.
    await m.query(
      `DELETE FROM subject_aliases a WHERE a.subject_ref = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_ref = a.subject_ref)`,
      [[...new Set(gone.map((g) => g.subject_ref))]],
    );
    return gone.length;
  }

  /** The ref a subject answers to now (following a merge), if it still exists. */
  async currentRef(m: EntityManager, subjectRef: string): Promise<string | undefined> {
    const rows: { ref: string }[] = await m.query(
      `WITH r AS (SELECT COALESCE((SELECT subject_ref FROM subject_aliases WHERE old_ref = $1), $1) AS ref)
       SELECT r.ref FROM r WHERE EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_ref = r.ref)`,
      [subjectRef],
    );
    return rows[0]?.ref;
  }

  /** The subjects that hold any of these keys. */
  async subjectRefsOfKeys(m: EntityManager, keys: readonly EncodedKey[]): Promise<string[]> {
    return [...new Set((await this.subjectsOfKeys(m, keys)).values())].sort();
  }

  /** Every key of each subject (a key is in the graph while a live record holds it). */
  async keysOfSubjects(m: EntityManager, subjectRefs: readonly string[]): Promise<Map<string, EncodedKey[]>> {
    const keys = new Map<string, EncodedKey[]>(subjectRefs.map((ref) => [ref, []]));
    if (subjectRefs.length === 0) return keys;
    const rows: { subject_ref: string; key: string }[] = await m.query(
      `SELECT k.subject_ref, ${ENCODED} AS key FROM subject_keys k WHERE k.subject_ref = ANY($1::text[]) ORDER BY k.kind, k.value`,
      [[...subjectRefs]],
    );
    for (const r of rows) keys.get(r.subject_ref)?.push(r.key);
    return keys;
  }

  /** Each subject's live (non-erased) records: those whose keys overlap the subject's keys. */
  async liveRecordCounts(m: EntityManager, subjectRefs: readonly string[]): Promise<Map<string, number>> {
    if (subjectRefs.length === 0) return new Map();
    const rows: { subject_ref: string; live: number }[] = await m.query(
      `SELECT s.ref AS subject_ref,
              (SELECT count(*)::int FROM records r
                WHERE NOT r.erased AND r.keys && ARRAY(SELECT ${ENCODED} FROM subject_keys k WHERE k.subject_ref = s.ref)) AS live
         FROM unnest($1::text[]) AS s(ref)`,
      [[...subjectRefs]],
    );
    return new Map(rows.map((r) => [r.subject_ref, r.live]));
  }
}

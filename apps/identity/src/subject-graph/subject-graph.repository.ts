/**
 * The only TypeORM user of the subject-key graph. Every write is set-based (one statement
 * per table per batch): data events are the high-volume topic. Every method takes the
 * caller's transaction manager, so that the graph and the inbox commit together.
 * Over 250 lines and not split: every statement reads or writes the same four tables
 * under the same graph lock, and splitting them would spread that lock's contract.
 * Long on purpose: the SQL of the subject graph (keys, records, strong and weak links),
 * whose queries must agree on what a live link is.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decodeKey, type EncodedKey } from './graph-keys';
import { recordId, type RecordChange } from './record-changes';
import type { RefPlan } from './strong-links';

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

  /**
   * Stores each record's latest state. The WHERE mirrors `supersedes`: an older event
   * arriving late leaves a newer state alone, and a repeated event changes nothing.
   * `changes` must hold at most one change per record (see `latestPerRecord`).
   */
  async upsertRecords(
    m: EntityManager,
    changes: readonly (RecordChange & { strongKeys: EncodedKey[] })[],
  ): Promise<number> {
    if (changes.length === 0) return 0;
    const rows = changes.map((c) => ({
      strong_keys: c.erased ? [] : c.strongKeys,
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
      `INSERT INTO records (system_id, record_ref, keys, strong_keys, category, erased, occurred_at)
         SELECT system_id, record_ref, keys, strong_keys, category, erased, occurred_at
           FROM jsonb_to_recordset($1::jsonb) AS x(system_id text, record_ref text, keys text[], strong_keys text[], category text, erased boolean, occurred_at timestamptz)
       ON CONFLICT (system_id, record_ref) DO UPDATE
         SET keys = EXCLUDED.keys, strong_keys = EXCLUDED.strong_keys, category = EXCLUDED.category, erased = EXCLUDED.erased, occurred_at = EXCLUDED.occurred_at
         WHERE records.occurred_at < EXCLUDED.occurred_at
            OR (records.occurred_at = EXCLUDED.occurred_at AND EXCLUDED.erased AND NOT records.erased)
       RETURNING 1`,
      [JSON.stringify(rows)],
    );
    return written.length;
  }

  /** Keys among these that are shared by several subjects, with those subjects' refs. */
  async sharedOfKeys(m: EntityManager, keys: readonly EncodedKey[]): Promise<Map<EncodedKey, string[]>> {
    if (keys.length === 0) return new Map();
    const { kinds, values } = splitKeys(keys);
    const rows: { key: string; subject_refs: string[] }[] = await m.query(
      `SELECT ${ENCODED} AS key, k.subject_refs FROM shared_keys k
         JOIN unnest($1::text[], $2::text[]) AS w(kind, value) ON k.kind = w.kind AND k.value = w.value`,
      [kinds, values],
    );
    return new Map(rows.map((r) => [r.key, r.subject_refs]));
  }

  /** The shared keys that name any of these subjects. */
  async sharedKeysOfSubjects(m: EntityManager, subjectRefs: readonly string[]): Promise<EncodedKey[]> {
    if (subjectRefs.length === 0) return [];
    const rows: { key: string }[] = await m.query(
      `SELECT ${ENCODED} AS key FROM shared_keys k WHERE k.subject_refs && $1::text[]`,
      [[...subjectRefs]],
    );
    return rows.map((r) => r.key);
  }

  /** The strong keys of every live authoritative record holding any of these keys. */
  async strongGroupsHolding(m: EntityManager, keys: readonly EncodedKey[]): Promise<EncodedKey[][]> {
    if (keys.length === 0) return [];
    const rows: { strong_keys: string[] }[] = await m.query(
      `SELECT r.strong_keys FROM records r
        WHERE NOT r.erased AND r.strong_keys <> '{}' AND r.strong_keys && $1::text[]
        ORDER BY r.system_id, r.record_ref`,
      [[...keys]],
    );
    return rows.map((r) => r.strong_keys);
  }

  /** The keys among these that a live record (of any system) holds. */
  async heldKeys(m: EntityManager, keys: readonly EncodedKey[]): Promise<EncodedKey[]> {
    if (keys.length === 0) return [];
    const rows: { key: string }[] = await m.query(
      `SELECT w.key FROM unnest($1::text[]) AS w(key)
        WHERE EXISTS (SELECT 1 FROM records r WHERE NOT r.erased AND r.keys @> ARRAY[w.key])`,
      [[...keys]],
    );
    return rows.map((r) => r.key);
  }

  /** Every key of the graph and every key a live record holds (the whole graph, re-derived at an upgrade). */
  async everyKey(m: EntityManager): Promise<EncodedKey[]> {
    const rows: { key: string }[] = await m.query(
      `SELECT ${ENCODED} AS key FROM subject_keys k
       UNION SELECT ${ENCODED} FROM shared_keys k
       UNION SELECT unnest(r.keys) FROM records r WHERE NOT r.erased`,
    );
    return rows.map((r) => r.key);
  }

  /**
   * Writes a region's subjects: its keys' rows are replaced by the plan's, absorbed refs
   * become aliases, and the aliases of a ref left with no key go (no one answers to it).
   */
  async replaceRegion(m: EntityManager, region: readonly EncodedKey[], plan: RefPlan, oldRefs: readonly string[]) {
    const { kinds, values } = splitKeys(region);
    await m.query(
      `DELETE FROM subject_keys k USING unnest($1::text[], $2::text[]) AS w(kind, value) WHERE k.kind = w.kind AND k.value = w.value`,
      [kinds, values],
    );
    await m.query(
      `DELETE FROM shared_keys k USING unnest($1::text[], $2::text[]) AS w(kind, value) WHERE k.kind = w.kind AND k.value = w.value`,
      [kinds, values],
    );
    if (plan.keys.length > 0)
      await m.query(
        `INSERT INTO subject_keys (kind, value, subject_ref)
           SELECT kind, value, subject_ref FROM jsonb_to_recordset($1::jsonb) AS x(kind text, value text, subject_ref text)`,
        [JSON.stringify(plan.keys.map(({ key, subjectRef }) => ({ ...decodeKey(key), subject_ref: subjectRef })))],
      );
    if (plan.shared.length > 0)
      await m.query(
        `INSERT INTO shared_keys (kind, value, subject_refs)
           SELECT kind, value, subject_refs FROM jsonb_to_recordset($1::jsonb) AS x(kind text, value text, subject_refs text[])`,
        [JSON.stringify(plan.shared.map(({ key, subjectRefs }) => ({ ...decodeKey(key), subject_refs: subjectRefs })))],
      );
    if (plan.aliases.length > 0) {
      const json = JSON.stringify(plan.aliases);
      const MERGES = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("from" text, "to" text)`;
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
    // A subject with no key left is no one any more: its old refs must not answer for it.
    if (oldRefs.length > 0)
      await m.query(
        `DELETE FROM subject_aliases a WHERE a.subject_ref = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_ref = a.subject_ref)`,
        [[...oldRefs]],
      );
  }

  /**
   * Classifies every record's keys as strong or not under the policy's authority rules
   * (`authority`: system id → key kinds), in one statement, and remembers the rules.
   */
  async classifyRecords(m: EntityManager, authority: Record<string, readonly string[]>, fingerprint: string) {
    await m.query(
      `UPDATE records r SET strong_keys = CASE WHEN r.erased THEN '{}'::text[] ELSE ARRAY(
         SELECT k FROM unnest(r.keys) AS k
          WHERE COALESCE($1::jsonb -> r.system_id, '[]'::jsonb) ? split_part(k, ':', 1) ORDER BY k) END`,
      [JSON.stringify(authority)],
    );
    await m.query(
      `INSERT INTO graph_meta (id, authority) VALUES (true, $1)
         ON CONFLICT (id) DO UPDATE SET authority = EXCLUDED.authority, derived_at = now()`,
      [fingerprint],
    );
  }

  /** Whether the graph was derived under other authority rules, or holds an unclassified record. */
  async needsDerivation(m: EntityManager, fingerprint: string): Promise<boolean> {
    const rows: { stale: boolean }[] = await m.query(
      `SELECT COALESCE((SELECT authority FROM graph_meta) IS DISTINCT FROM $1, true)
           OR EXISTS (SELECT 1 FROM records WHERE strong_keys IS NULL) AS stale`,
      [fingerprint],
    );
    return rows[0]!.stale;
  }

  /**
   * The subjects other than `subjectRef` whose keys sit in a live record next to one of
   * its keys (a weak link: a strong one would have made them one subject), with the
   * records that link them.
   */
  async weakNeighbours(
    m: EntityManager,
    subjectRef: string,
  ): Promise<{ subjectRef: string; systemId: string; recordRef: string }[]> {
    const rows: { subject_ref: string; system_id: string; record_ref: string }[] = await m.query(
      `WITH mine AS (SELECT ARRAY(SELECT ${ENCODED} FROM subject_keys k WHERE k.subject_ref = $1) AS keys)
       SELECT DISTINCT k.subject_ref, r.system_id, r.record_ref
         FROM mine, records r CROSS JOIN LATERAL unnest(r.keys) AS rk(key)
         JOIN subject_keys k ON k.kind = split_part(rk.key, ':', 1)
                            AND k.value = substr(rk.key, length(split_part(rk.key, ':', 1)) + 2)
        WHERE NOT r.erased AND cardinality(r.keys) > 1 AND r.keys && mine.keys AND k.subject_ref <> $1
        ORDER BY k.subject_ref, r.system_id, r.record_ref`,
      [subjectRef],
    );
    return rows.map((r) => ({ subjectRef: r.subject_ref, systemId: r.system_id, recordRef: r.record_ref }));
  }

  /** Whether the subject has a live record holding none of `keys` (data a request with only those keys would not reach). */
  async holdsMoreThan(m: EntityManager, subjectRef: string, keys: readonly EncodedKey[]): Promise<boolean> {
    const rows: { more: boolean }[] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM records r
          WHERE NOT r.erased AND r.keys && ARRAY(SELECT ${ENCODED} FROM subject_keys k WHERE k.subject_ref = $1)
            AND NOT r.keys && $2::text[]) AS more`,
      [subjectRef, [...keys]],
    );
    return rows[0]!.more;
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

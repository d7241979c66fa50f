import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strong and weak links (issue 13). Which of a record's keys link strongly depends on the
 * policy (`identity.authoritative`), which a migration does not read: so `records` gets a
 * `strong_keys` column left NULL here ("not classified yet"), and identity classifies every
 * record and re-derives the whole graph from the stored records at start-up, before it reads
 * any event (`StrongLinksUpgrade`), whenever a record is unclassified or the policy's
 * authority rules differ from those the graph was derived with (`graph_meta`). An upgraded
 * graph thus never keeps a merge that only a weak link made.
 *
 * `requests.included_refs`: the weakly linked subjects the DPO included in a request.
 * `shared_keys`: a key strongly linked to several subjects (a family phone in two
 * customers' CRM records): it belongs to none of them alone.
 */
export class StrongAndWeakLinks1797100000000 implements MigrationInterface {
  name = 'StrongAndWeakLinks1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE records ADD COLUMN strong_keys text[]`);
    // The authoritative records holding any key of a region (`strong_keys && $1`).
    await q.query(
      `CREATE INDEX records_live_strong_keys ON records USING gin (strong_keys) WHERE NOT erased AND strong_keys <> '{}'`,
    );
    await q.query(`
      CREATE TABLE shared_keys (
        kind text NOT NULL CHECK (kind IN ('email', 'customerId', 'phone')),
        value text NOT NULL,
        subject_refs text[] NOT NULL,
        PRIMARY KEY (kind, value)
      )`);
    await q.query(`CREATE INDEX shared_keys_subjects ON shared_keys USING gin (subject_refs)`);
    // Weakly linked subjects the DPO included in a request (SubjectDecided.alsoSubjectRefs).
    await q.query(`ALTER TABLE requests ADD COLUMN included_refs text[]`);
    // One row: the authority rules the graph was last derived with.
    await q.query(`
      CREATE TABLE graph_meta (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        authority text NOT NULL,
        derived_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE graph_meta`);
    await q.query(`ALTER TABLE requests DROP COLUMN included_refs`);
    await q.query(`DROP TABLE shared_keys`);
    await q.query(`DROP INDEX records_live_strong_keys`);
    await q.query(`ALTER TABLE records DROP COLUMN strong_keys`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity forgets what every system erased (issue 13): an erased record's tombstone keeps
 * no key, and a key no live record holds leaves `subject_keys`, with the aliases of a
 * subject left with no key. The graph now maintains this on every batch of data events;
 * this applies it once to what was stored before (Art. 17(1), Art. 5(1)(c), (e)).
 * Irreversible by nature: `down` changes nothing.
 */
export class ForgetErasedKeys1734400000000 implements MigrationInterface {
  name = 'ForgetErasedKeys1734400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE records SET keys = '{}' WHERE erased AND keys <> '{}'`);
    await q.query(
      `DELETE FROM subject_keys k
        WHERE NOT EXISTS (SELECT 1 FROM records r WHERE NOT r.erased AND r.keys @> ARRAY[k.kind || ':' || k.value])`,
    );
    await q.query(
      `DELETE FROM subject_aliases a WHERE NOT EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_ref = a.subject_ref)`,
    );
  }

  async down(): Promise<void> {
    // The erased keys are gone for good: nothing to restore.
  }
}

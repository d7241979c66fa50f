import type { MigrationInterface, QueryRunner } from 'typeorm';
import { prefixRewrite, type PrefixRewrite } from '@datarights/pseudonym';

/**
 * Issue 16: every keyed hash carries the id of its key (libs/pseudonym), so that
 * SUBJECT_HASH_KEY can be rotated and what an earlier key made still found (Art. 32(1);
 * Art. 4(5) pseudonymisation). Hashes stored before were `hmac-sha256:<digest>`; they become
 * `hmac-sha256:k1:<digest>`, the digest unchanged (same HMAC of `<kind>\0<value>`).
 *
 * Why `k1`: before this release there was no key id, and every stored hash was made with
 * the one SUBJECT_HASH_KEY then configured; `k1` is the default of SUBJECT_HASH_KEY_ID, so
 * a deployment that keeps its key and sets no id goes on finding them. A deployment that
 * gives its existing key another id must list it as `k1:<key>` in
 * SUBJECT_HASH_PREVIOUS_KEYS (deploy/README.md, "Rotating the subject hash key"). A fixed literal, not the configuration:
 * a migration is history and must do the same wherever it runs.
 *
 * Idempotent: only values of the old shape (the prefix, then exactly 43 base64url
 * characters) are rewritten; a value with a key id has a `:` there and is left alone.
 * Rewrites the suppression list (Art. 21(3)) and the minimised subject keys of requests.
 */
const OLD = 'hmac-sha256:';
const NEW = 'hmac-sha256:k1:';

/** Every hash `<from><43 base64url characters>` becomes `<to><the same characters>`, in both tables. */
async function rewrite(q: QueryRunner, { shape, swap, inJsonArray, inJsonText }: PrefixRewrite): Promise<void> {
  // A rewritten twin already there (the same key hash and purpose): the row is redundant.
  await q.query(`
    DELETE FROM suppression s WHERE s.key_hash ~ ${shape} AND EXISTS (
      SELECT 1 FROM suppression t WHERE t.purpose = s.purpose AND t.key_hash = ${swap('s.key_hash')})`);
  await q.query(`UPDATE suppression SET key_hash = ${swap('key_hash')} WHERE key_hash ~ ${shape}`);
  // subject_keys is `{ "<kind>": ["<value or hash>", ...] }`: each list rewritten in place.
  await q.query(`
    UPDATE request_execution r SET subject_keys = (
      SELECT jsonb_object_agg(kv.key, CASE WHEN jsonb_typeof(kv.value) = 'array' THEN ${inJsonArray('kv.value')} ELSE kv.value END)
        FROM jsonb_each(r.subject_keys) AS kv)
     WHERE r.subject_keys::text ~ ${inJsonText}`);
}

/** Both ways between `hmac-sha256:<digest>` and `hmac-sha256:k1:<digest>`. */
export class PseudonymKeyIds1797400000000 implements MigrationInterface {
  name = 'PseudonymKeyIds1797400000000';
  up = (q: QueryRunner) => rewrite(q, prefixRewrite(OLD, NEW));
  down = (q: QueryRunner) => rewrite(q, prefixRewrite(NEW, OLD));
}

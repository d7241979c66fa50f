import type { MigrationInterface, QueryRunner } from 'typeorm';
import { prefixRewrite, type PrefixRewrite } from '@datarights/pseudonym';

/**
 * Issue 16: every keyed hash carries the id of its key (libs/pseudonym), so that
 * SUBJECT_HASH_KEY can be rotated and what an earlier key made still found (Art. 32(1);
 * Art. 4(5) pseudonymisation). A minimised request's identifiers and notes were stored as
 * `hmac-sha256:<digest>`; they become `hmac-sha256:k1:<digest>`, the digest unchanged.
 *
 * Why `k1`: before this release there was no key id, and every stored hash was made with
 * the one SUBJECT_HASH_KEY then configured; `k1` is the default of SUBJECT_HASH_KEY_ID, so
 * a deployment that keeps its key and sets no id goes on matching them. A deployment that
 * gives its existing key another id must list it as `k1:<key>` in
 * SUBJECT_HASH_PREVIOUS_KEYS (deploy/README.md, "Rotating the subject hash key"). A fixed literal, not the configuration:
 * a migration is history and must do the same wherever it runs.
 *
 * Idempotent: only values of the old shape (the prefix, then exactly 43 base64url
 * characters) are rewritten; a value with a key id has a `:` there and is left alone.
 */
const OLD = 'hmac-sha256:';
const NEW = 'hmac-sha256:k1:';

const REQUEST_COLUMNS = [
  'subject_email',
  'subject_phone',
  'subject_customer_id',
  'subject_name',
  'representative_name',
  'representative_mandate_ref',
  'note',
  'attestation_note',
  'extension_reason',
  'decision_reason',
  'receipt_evidence',
  'info_request_reason',
];

/** Every hash `<from><43 base64url characters>` becomes `<to><the same characters>`. */
async function rewrite(q: QueryRunner, { shape, swap, inJsonArray, inJsonText }: PrefixRewrite): Promise<void> {
  for (const c of REQUEST_COLUMNS)
    await q.query(`UPDATE requests SET ${c} = ${swap(c)} WHERE minimised_at IS NOT NULL AND ${c} ~ ${shape}`);
  await q.query(`
    UPDATE requests SET verified_emails = ${inJsonArray('verified_emails')}
     WHERE minimised_at IS NOT NULL AND jsonb_typeof(verified_emails) = 'array' AND verified_emails::text ~ ${inJsonText}`);
  await q.query(
    `UPDATE request_actions SET acknowledgement_note = ${swap('acknowledgement_note')} WHERE acknowledgement_note ~ ${shape}`,
  );
}

export class PseudonymKeyIds1797400000000 implements MigrationInterface {
  name = 'PseudonymKeyIds1797400000000';
  up = (q: QueryRunner) => rewrite(q, prefixRewrite(OLD, NEW));
  /** Back to no key id, for hashes of key `k1` only (a later key's have no older form). */
  down = (q: QueryRunner) => rewrite(q, prefixRewrite(NEW, OLD));
}

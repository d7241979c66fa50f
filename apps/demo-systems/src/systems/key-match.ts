/**
 * Which rows of a table a command concerns: every row carrying ANY of the subject's keys
 * (a command lists every key linked to the subject, docs/kafka-contract.md). Keys are normalised the
 * way the contract says, so that the same identifier written two ways still matches.
 * Pure functions: the SQL fragment and its parameters, for the repository to run.
 */
import { normaliseKey, SUBJECT_KEY_KINDS, type LinkedSubjectKeys, type SubjectKeyKind } from '@datarights/contracts';
import type { TableSpec } from './system-catalog';

export type KeyLists = Partial<Record<SubjectKeyKind, string[]>>;

/** Normalised, deduplicated, empty lists dropped. */
export function normaliseKeyLists(keys: LinkedSubjectKeys | KeyLists): KeyLists {
  const out: KeyLists = {};
  for (const kind of SUBJECT_KEY_KINDS) {
    const values = (keys as KeyLists)[kind];
    if (!Array.isArray(values)) continue;
    const normalised = [
      ...new Set(
        values
          .filter((v) => typeof v === 'string')
          .map((v) => normaliseKey(kind, v))
          .filter((v) => v.length > 0),
      ),
    ];
    if (normalised.length > 0) out[kind] = normalised;
  }
  return out;
}

export interface MatchClause {
  /** `(email = ANY($n::text[]) OR customer_id = ANY($m::text[]))` */
  sql: string;
  params: string[][];
}

/**
 * The WHERE fragment matching a table's rows to the keys, with placeholders numbered
 * from `firstParam`; undefined when the table carries none of the kinds of keys given
 * (nothing there can be the subject's).
 */
export function matchClause(spec: TableSpec, keys: KeyLists, firstParam = 1): MatchClause | undefined {
  const parts: string[] = [];
  const params: string[][] = [];
  for (const kind of SUBJECT_KEY_KINDS) {
    const column = spec.keys[kind];
    const values = keys[kind];
    if (!column || !values?.length) continue;
    params.push(values);
    parts.push(`${column} = ANY($${firstParam + params.length - 1}::text[])`);
  }
  if (parts.length === 0) return undefined;
  return { sql: `(${parts.join(' OR ')})`, params };
}

/**
 * How the identity graph writes a subject key: `kind:value`, the value normalised with the
 * contract's `normaliseKey`, so that the same identifier written two ways by two systems
 * (`John@Example.com`, `john@example.com `) is one node of the graph.
 */
import { normaliseKey, SUBJECT_KEY_KINDS, type SubjectKeyKind } from '@datarights/contracts';

/** A key as the graph stores it: `email:john@example.com`, `customerId:C-42`, `phone:+33612345678`. */
export type EncodedKey = string;

export interface KeyParts {
  kind: SubjectKeyKind;
  value: string;
}

export type KeyLists = Partial<Record<SubjectKeyKind, string[]>>;

export function encodeKey(kind: SubjectKeyKind, value: string): EncodedKey {
  return `${kind}:${normaliseKey(kind, value)}`;
}

/** The kind never holds a colon, so the first one separates kind and value. */
export function decodeKey(key: EncodedKey): KeyParts {
  const at = key.indexOf(':');
  const kind = key.slice(0, at) as SubjectKeyKind;
  if (at < 1 || !SUBJECT_KEY_KINDS.includes(kind))
    throw new Error(`not an encoded subject key (kind ${JSON.stringify(key.slice(0, Math.max(at, 0)))})`);
  return { kind, value: key.slice(at + 1) };
}

/** The normalised keys of an object with `email`/`customerId`/`phone` fields (other fields, e.g. `name`, are ignored). */
export function keysOf(source: Partial<Record<SubjectKeyKind, string | undefined>> | undefined): EncodedKey[] {
  const keys = new Set<EncodedKey>();
  for (const kind of SUBJECT_KEY_KINDS) {
    const value = source?.[kind];
    if (typeof value === 'string' && normaliseKey(kind, value).length > 0) keys.add(encodeKey(kind, value));
  }
  return [...keys].sort();
}

/** Keys grouped per kind, each list sorted: the `LinkedSubjectKeys` shape of commands and events. */
export function groupByKind(keys: Iterable<EncodedKey>): KeyLists {
  const lists: KeyLists = {};
  for (const key of new Set(keys)) {
    const { kind, value } = decodeKey(key);
    (lists[kind] ??= []).push(value);
  }
  for (const kind of SUBJECT_KEY_KINDS) lists[kind]?.sort();
  return lists;
}

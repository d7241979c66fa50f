/**
 * The first pass over a package's records, a batch at a time: where each record goes (its
 * category, or nowhere when the request type does not cover it), how many there are, each
 * system's categories in the order first seen, each category's CSV columns. What it keeps
 * grows with the categories and columns, never with the records, so `summary.md` and the
 * counts are computed without holding the records.
 */
import { CATEGORY_PATTERN } from '@datarights/contracts';
import { effectOf, PROVIDED_BASES, ruleFor, type Policy } from '@datarights/policy';

export type PackageType = 'access' | 'portability';

type Rec = Record<string, unknown>;

interface Source {
  systemId: string;
  categories: string[];
  batches(): AsyncIterable<readonly Rec[]>;
}

interface ScanInput<S extends Source> {
  requestType: PackageType;
  policy: Pick<Policy, 'categories'>;
  exports: readonly S[];
}

export interface PackageScan<S extends Source = Source> {
  /** The exports, by system id. */
  sources: S[];
  /** Records in the package (after the request type's filter). */
  records: number;
  /** Every category in the package, sorted. */
  categories: string[];
  /** system → its categories in the package, in the order first seen. */
  bySystem: Map<string, string[]>;
  /** category → records in it. */
  counts: Map<string, number>;
  /** category → CSV columns: system, category, recordRef, then every other key in first-seen order. */
  columns: Map<string, string[]>;
  /** Categories the subject has records in that the package leaves out, sorted. */
  excluded: string[];
  /** Records a system flagged `containsThirdPartyData: true` (other people's data: the DPO releases the package, Art. 15(4)). */
  thirdPartyRecords: number;
}

/** Whether a category belongs in a package of this type, per the policy. */
export function categoryIncluded(policy: Pick<Policy, 'categories'>, type: PackageType, category: string): boolean {
  if (type === 'access') return effectOf(policy, 'access', category) === 'include';
  const provided = ruleFor(policy, category)?.rule.provided;
  // Art. 20(1)(a): only data provided under consent or contract; data held only under a
  // legal obligation has no such basis, so the policy gives it no `provided`.
  return (
    effectOf(policy, 'portability', category) === 'include' &&
    provided !== undefined &&
    (PROVIDED_BASES as readonly string[]).includes(provided)
  );
}

/** A record the system marks as inferred or derived was not provided by the subject (Art. 20(1)). */
function isInferred(record: Rec): boolean {
  return (
    record.inferred === true ||
    record.derived === true ||
    record.provenance === 'inferred' ||
    record.provenance === 'derived'
  );
}

/**
 * The category a record is filed under. A record's own category that is not a plain name
 * (`../../etc/passwd`, `__proto__`) is filed like a record without one: under the category
 * the command asked for.
 */
export function categoryOf(exp: Pick<Source, 'categories'>, record: Rec): string {
  const own = typeof record.category === 'string' && CATEGORY_PATTERN.test(record.category);
  return own ? (record.category as string) : (exp.categories[0] ?? 'uncategorised');
}

/** categoryIncluded per policy, request type and category, looked up once: it is asked once per record and pass. */
const included = new WeakMap<object, Map<string, boolean>>();
function isIncluded(policy: Pick<Policy, 'categories'>, type: PackageType, category: string): boolean {
  let known = included.get(policy);
  if (!known) included.set(policy, (known = new Map()));
  const key = `${type}:${category}`;
  let yes = known.get(key);
  if (yes === undefined) known.set(key, (yes = categoryIncluded(policy, type, category)));
  return yes;
}

/** The record's category when the package holds it, else undefined. */
export function placeOf(input: Omit<ScanInput<Source>, 'exports'>, exp: Source, record: Rec): string | undefined {
  const category = categoryOf(exp, record);
  if (!isIncluded(input.policy, input.requestType, category)) return undefined;
  if (input.requestType === 'portability' && isInferred(record)) return undefined;
  return category;
}

const LEADING_COLUMNS = ['system', 'category', 'recordRef'];

export async function scanRecords<S extends Source>(input: ScanInput<S>): Promise<PackageScan<S>> {
  const sources = [...input.exports].sort((a, b) => a.systemId.localeCompare(b.systemId));
  const bySystem = new Map<string, string[]>();
  const counts = new Map<string, number>();
  const columns = new Map<string, Set<string>>();
  const seenExcluded = new Set<string>();
  let records = 0;
  let thirdPartyRecords = 0;
  for (const exp of sources) {
    const mine: string[] = [];
    bySystem.set(exp.systemId, mine);
    for await (const batch of exp.batches())
      for (const record of batch) {
        const category = placeOf(input, exp, record);
        if (category === undefined) {
          seenExcluded.add(categoryOf(exp, record));
          continue;
        }
        if (!mine.includes(category)) mine.push(category);
        counts.set(category, (counts.get(category) ?? 0) + 1);
        let cols = columns.get(category);
        if (!cols) columns.set(category, (cols = new Set(LEADING_COLUMNS)));
        for (const k in record) if (Object.hasOwn(record, k)) cols.add(k);
        if (record.containsThirdPartyData === true) thirdPartyRecords++;
        records++;
      }
  }
  return {
    sources,
    records,
    categories: [...counts.keys()].sort(),
    bySystem,
    counts,
    columns: new Map([...columns].map(([c, cols]) => [c, [...cols]])),
    excluded: [...seenExcluded].filter((c) => !counts.has(c)).sort(),
    thirdPartyRecords,
  };
}

/**
 * Assembles an access (GDPR Art. 15) or portability (Art. 20) package as a zip:
 * - `data.json`: every record, by system and category;
 * - one CSV per category (`csv/<category>.csv`), RFC 4180;
 * - for access: `processing.json` and `summary.md`, every Art. 15(1)(a)–(h) and 15(2) fact
 *   per category (processing-facts.ts).
 * Portability covers only categories the policy marks `portability: include` with a
 * `provided` basis of consent or contract (Art. 20(1)(a)), and never records a system
 * flags as inferred or derived (they were not "provided by" the subject).
 * A category becomes a file name (`csv/<category>.csv`): a record's own `category` is the
 * company system's free text, not checked by the contract (records are opaque objects), so
 * only a plain category name (the contract's CATEGORY_PATTERN) is taken from it, and the
 * entry name is checked again where it is built (no `../` ever leaves the package folder).
 * Pure apart from the zip stream; no personal data is logged.
 */
import { PassThrough } from 'node:stream';
import archiver from 'archiver';
import { CATEGORY_PATTERN } from '@datarights/contracts';
import { effectOf, PROVIDED_BASES, ruleFor, type Policy } from '@datarights/policy';
import { csvColumns, toCsv } from './csv';
import { accessSummary, categoryName, portabilitySummary } from './package-summary';
import { processingFacts, type InventoryEntry } from './processing-facts';

export type PackageType = 'access' | 'portability';

export interface SystemExport {
  systemId: string;
  /** The categories the export command asked for (a record without its own `category` takes the first). */
  categories: string[];
  records: Record<string, unknown>[];
}

export interface PackageInput {
  requestId: string;
  requestType: PackageType;
  generatedAt: string;
  controller: string;
  systems: readonly InventoryEntry[];
  exports: readonly SystemExport[];
  policy: Pick<Policy, 'categories' | 'authority'>;
  /** Systems that never answered (escalated to the DPO): named in the summary. */
  escalated?: readonly { systemId: string; reason: string }[];
  /** The subject's language for `summary.md` (BCP 47); French when absent. */
  locale?: string;
}

export interface PackageContent {
  /** system → category → records. */
  data: Record<string, Record<string, Record<string, unknown>[]>>;
  csv: Record<string, string>;
  categories: string[];
  records: number;
  excludedCategories: string[];
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
function isInferred(record: Record<string, unknown>): boolean {
  return (
    record.inferred === true ||
    record.derived === true ||
    record.provenance === 'inferred' ||
    record.provenance === 'derived'
  );
}

/** Groups and filters the records; the CSV texts are built here too. */
export function packageContent(input: Pick<PackageInput, 'exports' | 'policy' | 'requestType'>): PackageContent {
  const data: PackageContent['data'] = {};
  const byCategory = new Map<string, Record<string, unknown>[]>();
  const excluded = new Set<string>();
  let records = 0;
  for (const exp of [...input.exports].sort((a, b) => a.systemId.localeCompare(b.systemId))) {
    for (const record of exp.records) {
      // A record's own category that is not a plain name (`../../etc/passwd`, `__proto__`)
      // is filed like a record without one: under the category the command asked for.
      const own = typeof record.category === 'string' && CATEGORY_PATTERN.test(record.category);
      const category = own ? (record.category as string) : (exp.categories[0] ?? 'uncategorised');
      if (
        !categoryIncluded(input.policy, input.requestType, category) ||
        (input.requestType === 'portability' && isInferred(record))
      ) {
        excluded.add(category);
        continue;
      }
      const sys = (data[exp.systemId] ??= {});
      (sys[category] ??= []).push(record);
      const rows = byCategory.get(category) ?? [];
      rows.push({ system: exp.systemId, ...record });
      byCategory.set(category, rows);
      records++;
    }
  }
  const categories = [...byCategory.keys()].sort();
  const csv: Record<string, string> = {};
  for (const c of categories) {
    const rows = byCategory.get(c) ?? [];
    csv[c] = toCsv(csvColumns(rows, ['system', 'category', 'recordRef']), rows);
  }
  return { data, csv, categories, records, excludedCategories: [...excluded].filter((c) => !byCategory.has(c)).sort() };
}

/** `csv/<category>.csv`, refusing any category that is not a plain name (defence in depth: packageContent filters them). */
export function csvEntryName(category: string): string {
  if (!CATEGORY_PATTERN.test(category)) throw new Error('a package entry name must be a plain category name');
  return `csv/${category}.csv`;
}

/** The zip, as one buffer. */
export async function buildPackage(
  input: PackageInput,
): Promise<{ zip: Buffer; records: number; categories: string[] }> {
  const content = packageContent(input);
  const zip = archiver('zip', { zlib: { level: 6 } });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
    zip.on('error', reject);
  });
  zip.pipe(sink);
  const meta = {
    requestId: input.requestId,
    requestType: input.requestType,
    generatedAt: input.generatedAt,
    records: content.records,
  };
  zip.append(JSON.stringify({ ...meta, systems: content.data }, null, 2), { name: 'data.json' });
  for (const c of content.categories) zip.append(content.csv[c], { name: csvEntryName(c) });
  const locale = input.locale ?? 'fr-FR';
  if (input.requestType === 'access') {
    // Art. 15 facts cover every category the subject has data in, even one excluded from the copy.
    const allCategories = [...new Set([...content.categories, ...input.exports.flatMap((e) => e.categories)])];
    const facts = processingFacts({
      categories: allCategories,
      systems: input.systems,
      policy: input.policy,
      controller: input.controller,
    });
    zip.append(JSON.stringify({ ...meta, ...facts }, null, 2), { name: 'processing.json' });
    zip.append(accessSummary(facts, { ...meta, escalated: input.escalated ?? [] }, input.locale ?? 'fr-FR'), {
      name: 'summary.md',
    });
  } else {
    zip.append(
      portabilitySummary(
        {
          requestId: input.requestId,
          generatedAt: input.generatedAt,
          records: content.records,
          controller: input.controller,
          excluded: content.excludedCategories.map((c) => {
            const rule = ruleFor(input.policy, c)?.rule;
            return categoryName({ category: c, description: rule?.description, label: rule?.label }, locale);
          }),
          escalated: input.escalated ?? [],
        },
        locale,
      ),
      { name: 'summary.md' },
    );
  }
  await zip.finalize();
  await done;
  return { zip: Buffer.concat(chunks), records: content.records, categories: content.categories };
}

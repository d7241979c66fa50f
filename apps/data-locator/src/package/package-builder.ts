/**
 * Assembles an access (GDPR Art. 15) or portability (Art. 20) package as a zip:
 * - `data.json`: every record, by system and category;
 * - one CSV per category (`csv/<category>.csv`), RFC 4180;
 * - for access: `processing.json` and `summary.md`, every Art. 15(1)(a)–(h) and 15(2) fact
 *   per category (processing-facts.ts), and `retention.csv`, the period applied to each
 *   record from its own reported dates (record-periods.ts).
 * Portability covers only categories the policy marks `portability: include` with a
 * `provided` basis of consent or contract (Art. 20(1)(a)), and never records a system
 * flags as inferred or derived (they were not "provided by" the subject).
 * A category becomes a file name (`csv/<category>.csv`): a record's own `category` is the
 * company system's free text, not checked by the contract (records are opaque objects), so
 * only a plain category name (the contract's CATEGORY_PATTERN) is taken from it, and the
 * entry name is checked again where it is built (no `../` ever leaves the package folder).
 *
 * Streamed: the records are read a batch (a stored reply part) at a time, never all at
 * once — a hosting customer's connection logs run to a million records. A first pass counts
 * them per category and gathers each category's CSV columns (package-scan.ts); the entries
 * are then written one after the other into the zip stream (archiver), each reading the
 * records again, and the zip goes on into the caller's stages (encryption, storage).
 * No personal data is logged.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import archiver from 'archiver';
import { CATEGORY_PATTERN } from '@datarights/contracts';
import { ruleFor, type Policy } from '@datarights/policy';
import { csvLine } from './csv';
import { accessSummary, categoryName, portabilitySummary } from './package-summary';
import { scanRecords, placeOf, type PackageScan, type PackageType } from './package-scan';
import { processingFacts, type InventoryEntry } from './processing-facts';
import { recordPeriodLines, recordPeriods, recordPeriodsCsv, type DatedRecordOf } from './record-periods';

export { categoryIncluded, type PackageType } from './package-scan';

type Rec = Record<string, unknown>;

/** One system's export, as batches that can be read more than once (each entry reads them again). */
export interface SystemSource {
  systemId: string;
  /** The categories the export command asked for (a record without its own `category` takes the first). */
  categories: string[];
  batches(): AsyncIterable<readonly Rec[]>;
}

export interface StreamedPackageInput {
  requestId: string;
  requestType: PackageType;
  generatedAt: string;
  controller: string;
  systems: readonly InventoryEntry[];
  exports: readonly SystemSource[];
  policy: Pick<Policy, 'categories' | 'authority'>;
  /** Systems that never answered (escalated to the DPO): named in the summary. */
  escalated?: readonly { systemId: string; reason: string }[];
  /** The subject's language for `summary.md` (BCP 47); French when absent. */
  locale?: string;
  /** The subject's records with the retention dates their systems reported (access: the period applied to each). */
  recordDates?: readonly DatedRecordOf[];
  /** The controller's time zone (the end of a legal day); Europe/Paris when absent. */
  timeZone?: string;
}

/** `csv/<category>.csv`, refusing any category that is not a plain name (defence in depth: placeOf filters them). */
export function csvEntryName(category: string): string {
  if (!CATEGORY_PATTERN.test(category)) throw new Error('a package entry name must be a plain category name');
  return `csv/${category}.csv`;
}

/** The records of one system and category, a batch at a time, with `format` applied to each. */
async function* recordsOf(
  input: StreamedPackageInput,
  exp: SystemSource,
  category: string,
  format: (r: Rec, first: boolean) => string,
): AsyncGenerator<string> {
  let first = true;
  for await (const batch of exp.batches()) {
    const out: string[] = [];
    for (const r of batch)
      if (placeOf(input, exp, r) === category) {
        out.push(format(r, first));
        first = false;
      }
    if (out.length) yield out.join('');
  }
}

const INDENT = '\n        ';

/**
 * `data.json`: indented like JSON.stringify(…, null, 2) down to the records, each record on
 * one line of its own (a million records pretty-printed would be twice the bytes to write,
 * deflate and encrypt), written a record at a time.
 */
async function* dataJson(input: StreamedPackageInput, scan: PackageScan, meta: Meta): AsyncGenerator<string> {
  yield `${JSON.stringify(meta, null, 2).slice(0, -2)},\n  "systems": {`;
  let s = 0;
  for (const exp of scan.sources) {
    const categories = scan.bySystem.get(exp.systemId) ?? [];
    if (categories.length === 0) continue;
    yield `${s++ ? ',' : ''}\n    ${JSON.stringify(exp.systemId)}: {`;
    let c = 0;
    for (const category of categories) {
      yield `${c++ ? ',' : ''}\n      ${JSON.stringify(category)}: [`;
      yield* recordsOf(input, exp, category, (r, first) => `${first ? '' : ','}${INDENT}${JSON.stringify(r)}`);
      yield '\n      ]';
    }
    yield '\n    }';
  }
  yield s ? '\n  }\n}' : '}\n}';
}

/** `csv/<category>.csv`: the records of every system, the system's id first. */
async function* categoryCsv(input: StreamedPackageInput, scan: PackageScan, category: string): AsyncGenerator<string> {
  const columns = scan.columns.get(category) ?? [];
  yield csvLine(columns);
  for (const exp of scan.sources) {
    const row = (r: Rec) =>
      csvLine(columns.map((k) => (k === 'system' && !Object.hasOwn(r, 'system') ? exp.systemId : r[k])));
    yield* recordsOf(input, exp, category, row);
  }
}

interface Meta {
  requestId: string;
  requestType: PackageType;
  generatedAt: string;
  records: number;
}

/** The small entries: processing.json and summary.md (access), or summary.md (portability). */
function factEntries(input: StreamedPackageInput, scan: PackageScan, meta: Meta): [string, string][] {
  const locale = input.locale ?? 'fr-FR';
  const escalated = input.escalated ?? [];
  if (input.requestType === 'access') {
    // Art. 15 facts cover every category the subject has data in, even one excluded from the copy.
    const categories = [...new Set([...scan.categories, ...input.exports.flatMap((e) => e.categories)])];
    const facts = processingFacts({
      categories,
      systems: input.systems,
      policy: input.policy,
      controller: input.controller,
    });
    const periods = recordPeriods(input.policy, input.recordDates ?? [], new Date(input.generatedAt), input.timeZone);
    const recordLines = recordPeriodLines(input.policy, periods, locale);
    return [
      ['processing.json', JSON.stringify({ ...meta, ...facts }, null, 2)],
      ['summary.md', accessSummary(facts, { ...meta, escalated, recordPeriods: recordLines }, locale)],
      ...(periods.length > 0 ? [['retention.csv', recordPeriodsCsv(periods)] as [string, string]] : []),
    ];
  }
  const excluded = scan.excluded.map((c) => {
    const rule = ruleFor(input.policy, c)?.rule;
    return categoryName({ category: c, description: rule?.description, label: rule?.label }, locale);
  });
  const summary = portabilitySummary({ ...meta, controller: input.controller, excluded, escalated }, locale);
  return [['summary.md', summary]];
}

/**
 * Writes the zip into `stages` (e.g. encryption, then storage), an entry at a time, and
 * resolves once the last stage has finished. Fails, destroying the stages, if reading the
 * records or any stage fails.
 */
export async function writePackage(
  input: StreamedPackageInput,
  stages: readonly NodeJS.WritableStream[],
): Promise<{ records: number; categories: string[]; thirdPartyRecords: number }> {
  const scan = await scanRecords(input);
  const meta: Meta = {
    requestId: input.requestId,
    requestType: input.requestType,
    generatedAt: input.generatedAt,
    records: scan.records,
  };
  const zip = archiver('zip', { zlib: { level: 6 } });
  const written = pipeline([zip, ...stages]);
  const entries: [string, () => AsyncIterable<string> | string][] = [
    ['data.json', () => dataJson(input, scan, meta)],
    ...scan.categories.map((c): [string, () => AsyncIterable<string>] => [
      csvEntryName(c),
      () => categoryCsv(input, scan, c),
    ]),
    ...factEntries(input, scan, meta).map(([name, text]): [string, () => string] => [name, () => text]),
  ];
  const appended = (async () => {
    // One entry at a time: archiver would otherwise start reading every source at once.
    for (const [name, source] of entries) {
      const content = source();
      const entry = typeof content === 'string' ? content : Readable.from(content);
      if (entry instanceof Readable) entry.on('error', (e: Error) => zip.destroy(e));
      const done = once(zip, 'entry');
      zip.append(entry, { name });
      await done;
    }
    await zip.finalize();
  })();
  await Promise.all([written, appended]);
  return { records: scan.records, categories: scan.categories, thirdPartyRecords: scan.thirdPartyRecords };
}

/**
 * The CSV files of the access and portability packages (Art. 15(3), Art. 20(1): "a commonly
 * used electronic form", "structured, commonly used and machine-readable"). The cells are
 * written by @datarights/csv: RFC 4180, and a string a spreadsheet would run as a formula is
 * neutralised (the records come from company systems, the subject opens them in a spreadsheet).
 */
import { csvDocument } from '@datarights/csv';

export { csvField, csvLine } from '@datarights/csv';

/** The union of the records' keys, in first-seen order (records of one category may differ). */
export function csvColumns(records: readonly Record<string, unknown>[], leading: readonly string[] = []): string[] {
  const seen = new Set<string>(leading);
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** A whole CSV document: a header line, then one line per row. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return csvDocument([columns, ...rows.map((row) => columns.map((c) => row[c]))]);
}

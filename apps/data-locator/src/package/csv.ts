/**
 * A small RFC 4180 CSV writer for the access and portability packages (Art. 15(3), Art.
 * 20(1): "a commonly used electronic form", "structured, commonly used and machine-readable").
 * Fields holding a comma, a quote, CR or LF are quoted, quotes doubled; lines end with CRLF.
 * Nested values (objects, arrays) are written as JSON so that nothing is lost.
 */

/** One field, quoted when needed. */
export function csvField(value: unknown): string {
  const text = toText(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/** The union of the records' keys, in first-seen order (records of one category may differ). */
export function csvColumns(records: readonly Record<string, unknown>[], leading: readonly string[] = []): string[] {
  const seen = new Set<string>(leading);
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** A whole CSV document: a header line, then one line per row. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * The one CSV cell writer of the project (RFC 4180), shared by the access and portability
 * packages (data-locator) and the DPO console's Art. 30 register export, so that both
 * neutralise spreadsheet formulas the same way.
 *
 * CSV injection (OWASP, "CSV Injection"): a spreadsheet opening a cell whose text starts
 * with `=`, `+`, `-` or `@` (or a tab or CR, which some strip before looking) evaluates it
 * as a formula — `=HYPERLINK(...)` exfiltrates, `=cmd|...` runs (DDE). The text of such
 * cells comes from company systems and customers, so it gets a leading `'`, which
 * spreadsheets show as text. Only strings are neutralised: a number the writer emits as a
 * number (`-12.5`) stays a readable negative number.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text, with a leading `'` when a spreadsheet would read it as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One field: strings neutralised, then quoted when they hold a quote, a comma, a semicolon
 * (the separator spreadsheets use in French locales), CR or LF, or start or end with
 * whitespace; quotes doubled. Nested values (objects, arrays) are written as JSON so that
 * nothing is lost.
 */
export function csvField(value: unknown): string {
  const text = typeof value === 'string' ? neutraliseFormula(value) : toText(value);
  return /[",;\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/** One line of fields, with its CRLF (RFC 4180 §2): a document written a line at a time. */
export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

/** Lines of fields as one document; lines end with CRLF (RFC 4180 §2). */
export function csvDocument(lines: readonly (readonly unknown[])[]): string {
  return lines.map(csvLine).join('');
}

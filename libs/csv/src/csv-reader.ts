/**
 * The one CSV reader of the project (RFC 4180), the counterpart of csv.ts: fields separated
 * by commas, quoted when they hold a comma, a quote (doubled) or a line break; lines ending
 * with CRLF or LF; a UTF-8 BOM (what spreadsheets write) ignored. Each record carries the
 * line of the text it starts on, so that whoever reads a file can answer line by line.
 * Reads text only: a formula-looking cell stays text (it is never evaluated here).
 */

export interface CsvRecord {
  /** The line of the text the record starts on, from 1. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`CSV line ${line}: ${reason}`);
  }
}

/** Every record of the text, blank lines skipped. Throws CsvSyntaxError on a quote left open or text after a closing quote. */
export function csvRecords(text: string): CsvRecord[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let ended = false;
    while (i < src.length && !ended) {
      const c = src[i];
      if (quoted) {
        if (c === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          const next = src[i];
          if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n')
            throw new CsvSyntaxError(line, 'text after a closing quote');
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && field === '') {
        quoted = true;
        i++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\r' || c === '\n') {
        i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
      } else {
        field += c;
        i++;
      }
    }
    if (quoted) throw new CsvSyntaxError(start, 'a quoted field is not closed');
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
  }
  return records;
}

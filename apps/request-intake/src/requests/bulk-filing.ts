/**
 * Bulk filing (issue 19 item 7), the pure part: the body of `POST /v1/requests/bulk` — CSV
 * with a header row naming the fields, or NDJSON, one request a line — read into lines,
 * each validated by the very DTO and rules of a single filing (FileRequestDto), and the
 * Idempotency-Key each line is filed under. A line that is wrong is answered on its own;
 * only a body that cannot be read at all is refused as a whole (400).
 */
import { createHash } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describeErrors } from '@datarights/contracts';
import { csvRecords, CsvSyntaxError } from '@datarights/csv';
import { AppError, ErrorCode } from '@datarights/service-kit';
import { FileRequestDto } from './dto/create-request.dto';
import { isValidIdempotencyKey } from './idempotency';

export const BULK_FORMATS = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' } as const;
export type BulkFormat = (typeof BULK_FORMATS)[keyof typeof BULK_FORMATS];

/** The field of a line that names its own Idempotency-Key. */
export const LINE_KEY_FIELD = 'idempotencyKey';
/** CSV columns that hold a list, its items separated by `|` (`prospection|profiling`). */
const LIST_COLUMNS = new Set(['purposes']);

/** One line as read: where it is in the file, and its fields (nested objects from dotted CSV columns). */
export interface RawLine {
  line: number;
  fields?: Record<string, unknown>;
  /** Why the line could not even be read (NDJSON that is not a JSON object, a CSV record of the wrong width). */
  unreadable?: string;
}

/** One line checked: the request to file and its key, or what is wrong with it. */
export type CheckedLine = { line: number; key: string; dto: FileRequestDto } | { line: number; errors: string[] };

const unreadable = (message: string) => new AppError(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, message);

/** The format a Content-Type names (parameters such as charset ignored), or undefined. */
export function bulkFormat(contentType: string | undefined): BulkFormat | undefined {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return (BULK_FORMATS as Record<string, BulkFormat>)[type];
}

/** The body's lines; 400 when it cannot be read (no line, a CSV quote left open, a header naming a field twice). */
export function readBulkBody(format: BulkFormat, text: string): RawLine[] {
  const lines = format === 'csv' ? csvLines(text) : ndjsonLines(text);
  if (lines.length === 0) throw unreadable('the body holds no line to file');
  return lines;
}

function csvLines(text: string): RawLine[] {
  let records;
  try {
    records = csvRecords(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw unreadable(err.message);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) return [];
  const columns = header.fields.map((c) => c.trim());
  const twice = columns.find((c, i) => columns.indexOf(c) !== i);
  if (twice !== undefined) throw unreadable(`CSV header: column "${twice}" is named twice`);
  if (columns.some((c) => c === '')) throw unreadable('CSV header: a column has no name');
  return rows.map(({ line, fields }) => {
    if (fields.length !== columns.length)
      return { line, unreadable: `has ${fields.length} fields where the header names ${columns.length}` };
    const out: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      // An empty cell is a field not given, as an absent JSON member.
      if (fields[i] === '') return;
      const value = LIST_COLUMNS.has(column) ? fields[i].split('|').map((v) => v.trim()) : fields[i];
      setPath(out, column.split('.'), value);
    });
    return { line, fields: out };
  });
}

/** `subject.email` → `{ subject: { email } }`. */
function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function ndjsonLines(text: string): RawLine[] {
  const lines: RawLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const source = i === 0 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    if (source.trim() === '') return;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch {
      lines.push({ line, unreadable: 'is not valid JSON' });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      lines.push({ line, unreadable: 'is not a JSON object' });
    else lines.push({ line, fields: value as Record<string, unknown> });
  });
  return lines;
}

/**
 * Checks one line as `POST /v1/requests` checks its body (FileRequestDto: whitelisted,
 * unknown fields refused), plus its own `idempotencyKey` when it has one; otherwise its key
 * is the list's key and its line (`<listKey>:<line>`).
 */
export function checkLine(raw: RawLine, listKey: string): CheckedLine {
  if (!raw.fields) return { line: raw.line, errors: [`line ${raw.line} ${raw.unreadable ?? 'cannot be read'}`] };
  const { [LINE_KEY_FIELD]: own, ...body } = raw.fields;
  const errors: string[] = [];
  if (own !== undefined && (typeof own !== 'string' || !isValidIdempotencyKey(own)))
    errors.push(`${LINE_KEY_FIELD}: must be 1 to 200 visible ASCII characters`);
  const dto = plainToInstance(FileRequestDto, body);
  const invalid = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  errors.push(...invalid.map((e) => describeErrors([e])));
  if (errors.length > 0) return { line: raw.line, errors };
  return { line: raw.line, key: typeof own === 'string' ? own : `${listKey}:${raw.line}`, dto };
}

/**
 * The list's own key: its Idempotency-Key header, or else a SHA-256 of the body, so that
 * the same file posted again files nothing twice even without a header.
 */
export function listKeyOf(header: string | undefined, body: string): string {
  return header ?? `bulk-sha256:${createHash('sha256').update(body).digest('hex')}`;
}

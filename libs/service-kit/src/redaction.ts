/**
 * Personal data never reaches the logs (docs/architecture.md): redaction happens at the logger, not
 * at each call site. Structured fields with personal names are censored by path, and
 * any e-mail address or phone number left in a message string is masked.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Not inside identifiers: a UUID's digit runs are joined to letters or dashes.
const PHONE = /(?<![\w-])\+?\d[\d .-]{7,}\d(?![\w-])/g;

export const REDACTED = '[redacted]';

export function scrubPersonalData(text: string): string {
  return text.replace(EMAIL, REDACTED).replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 9 ? REDACTED : m));
}

/** pino `redact` paths: any field that may carry personal data, at any depth pino supports. */
export const REDACT_PATHS = [
  'email',
  'phone',
  'name',
  'subject',
  'subjectKeys',
  'to',
  'code',
  'changes',
  'records',
  'note',
  'variables',
  '*.email',
  '*.phone',
  '*.name',
  '*.subject',
  '*.subjectKeys',
  '*.to',
  '*.code',
  '*.changes',
  '*.records',
  '*.note',
  '*.variables',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.headers["set-cookie"]',
];

export function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  if (value instanceof Error)
    return {
      type: value.name,
      message: scrubPersonalData(value.message),
      stack: value.stack ? scrubPersonalData(value.stack) : undefined,
    };
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubDeep(v, depth + 1)]),
  );
}

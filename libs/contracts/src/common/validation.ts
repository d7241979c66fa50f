import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export type ClassType<T> = new (...args: never[]) => T;

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Validates a plain object against a payload class. Unknown properties are stripped
 * (tolerant reader: systems may send more than we know), invalid ones are refused with
 * a reason naming each path.
 */
export function validatePayload<T extends object>(cls: ClassType<T>, data: unknown): Validated<T> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, reason: 'data must be a JSON object' };
  }
  const instance = plainToInstance(cls as unknown as new () => T, data, { exposeDefaultValues: false });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) return { ok: false, reason: describeErrors(errors) };
  return { ok: true, value: instance };
}

export function describeErrors(errors: ValidationError[], parent = ''): string {
  const parts: string[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) parts.push(`${path}: ${Object.values(e.constraints).join(', ')}`);
    if (e.children?.length) parts.push(describeErrors(e.children, path));
  }
  return parts.filter(Boolean).join('; ');
}

import { registerDecorator, type ValidationOptions } from 'class-validator';

/** The keys of a string map: field names. */
export const STRING_MAP_KEY_PATTERN = '^[A-Za-z][A-Za-z0-9_.-]{0,62}$';
const KEY = new RegExp(STRING_MAP_KEY_PATTERN);

/** A flat object of string values (field name → value), e.g. a rectification's `changes`. */
export function IsStringMap(
  options: ValidationOptions & { maxKeys?: number; maxLength?: number } = {},
): PropertyDecorator {
  const maxKeys = options.maxKeys ?? 50;
  const maxLength = options.maxLength ?? 1000;
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: String(propertyName),
      // Read by the JSON Schema generator (tools/contracts): the same limits in the published schema.
      constraints: [maxKeys, maxLength],
      options: {
        message: `$property must be an object of at most ${maxKeys} string values of at most ${maxLength} characters`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          return (
            entries.length > 0 &&
            entries.length <= maxKeys &&
            entries.every(([k, v]) => KEY.test(k) && typeof v === 'string' && v.length <= maxLength)
          );
        },
      },
    });
}

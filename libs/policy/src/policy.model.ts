/**
 * The shape of a policy file, with its validation rules (class-validator). One class per
 * section; a later issue adds a section (or a field) here and in the YAML, nothing else.
 * Unknown fields are refused, so that a misspelt key never silently falls back to a default.
 */
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  Equals,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { isIsoDuration, isZeroDuration, parseDuration } from './duration';

/** Same rule as the contracts' category names (a lowercase slug); kept here so this util lib depends on nothing of ours. */
export const POLICY_CATEGORY_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** The rule applied to a category the file does not name. */
export const DEFAULT_CATEGORY = 'default';

/** What an erasure request (Art. 17) does to a category. */
export const ERASURE_ACTIONS = ['erase', 'retain'] as const;
export type ErasureAction = (typeof ERASURE_ACTIONS)[number];

/** Where a retention period starts (GDPR-RULES.md, "Retention periods in France", column "from"). */
export const RETENTION_ANCHORS = [
  'record-date',
  'end-of-financial-year',
  'last-operation',
  'end-of-relationship',
  'end-of-contract',
  'transaction',
  'connection',
  'last-contact',
] as const;
export type RetentionAnchor = (typeof RETENTION_ANCHORS)[number];

/** An ISO 8601 duration longer than zero. */
export function IsPolicyDuration(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPolicyDuration',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isIsoDuration(value) && !isZeroDuration(parseDuration(value)),
        defaultMessage: (args) =>
          isIsoDuration(args?.value) ? 'must be longer than zero' : 'must be an ISO 8601 duration (e.g. P1M, P10Y, PT1H)',
      },
    });
}

const REQUIRED = { message: 'is required' };
const TEXT = { message: 'must be a non-empty text (500 characters at most)' };

/** Time limits of Art. 12 and the proof period. */
export class DeadlinesPolicy {
  /** Answer within one month of receipt — GDPR Art. 12(3). */
  @IsDefined(REQUIRED) @IsPolicyDuration()
  response: string;

  /** At most two further months, the subject told within the first month — GDPR Art. 12(3). */
  @IsDefined(REQUIRED) @IsPolicyDuration()
  extensionMax: string;

  /** How long a closed request keeps its proof (Art. 5(2)); rationale: Code civil art. 2224, 5 years. */
  @IsDefined(REQUIRED) @IsPolicyDuration()
  proofPeriod: string;
}

/** How the executor waits for, retries and escalates the commands it sends to systems. */
export class CommandsPolicy {
  /** A command's `respondBy` is its dispatch time plus this (doubled at each retry). */
  @IsDefined(REQUIRED) @IsPolicyDuration()
  respondWithin: string;

  // Decorators run bottom-up: the type check first, so that `many` reads "must be a whole number".
  @IsDefined(REQUIRED) @Max(20, { message: 'must be 20 at most' }) @Min(1, { message: 'must be at least 1' }) @IsInt({ message: 'must be a whole number' })
  maxAttempts: number;

  /** Wait before retrying after a failure reply, doubled at each attempt. */
  @IsDefined(REQUIRED) @IsPolicyDuration()
  retryBackoff: string;
}

/** A legal obligation to keep data (Art. 17(3)) for a period from a starting point. */
export class RetentionRule {
  @IsDefined(REQUIRED) @IsPolicyDuration()
  period: string;

  @IsDefined(REQUIRED) @IsIn(RETENTION_ANCHORS, { message: `must be one of ${RETENTION_ANCHORS.join(', ')}` })
  from: RetentionAnchor;

  /** The GDPR exception, e.g. `Art. 17(3)(b)` (legal obligation). */
  @IsDefined(REQUIRED) @Length(1, 200, TEXT) @IsString(TEXT)
  ground: string;

  /** The text that imposes the period, e.g. `Code de commerce L123-22`. */
  @IsDefined(REQUIRED) @Length(1, 500, TEXT) @IsString(TEXT)
  legalText: string;
}

export class CategoryRule {
  @IsDefined(REQUIRED) @IsIn(ERASURE_ACTIONS, { message: `must be one of ${ERASURE_ACTIONS.join(', ')}` })
  action: ErasureAction;

  /** Required with `action: retain`, refused with `action: erase`. */
  @ValidateIf((o: CategoryRule) => o.action === 'retain' || o.retention !== undefined)
  @IsDefined({ message: 'is required with action: retain' })
  @ValidateNested({ message: 'must be a mapping' }) @Type(() => RetentionRule)
  retention?: RetentionRule;
}

/** A policy file. `version` changes only if the file's meaning changes incompatibly. */
export class Policy {
  @IsDefined(REQUIRED) @Equals(1, { message: 'must be 1 (the version this code reads)' })
  version: 1;

  @IsDefined(REQUIRED) @Matches(/^[a-z][a-z0-9-]{0,62}$/, { message: 'must be a lowercase slug, e.g. fr-default' })
  profile: string;

  @IsDefined(REQUIRED) @ValidateNested({ message: 'must be a mapping' }) @Type(() => DeadlinesPolicy)
  deadlines: DeadlinesPolicy;

  @IsDefined(REQUIRED) @ValidateNested({ message: 'must be a mapping' }) @Type(() => CommandsPolicy)
  commands: CommandsPolicy;

  /** Category name → rule; `default` applies to every category not named. A Map, so that no name can hit an Object prototype key. */
  @IsDefined(REQUIRED) @IsObject({ message: 'must be a mapping of category → rule' })
  @ValidateNested({ each: true, message: 'must be a mapping' })
  @Transform(({ value }) => toRuleMap(value), { toClassOnly: true })
  categories: ReadonlyMap<string, CategoryRule>;
}

function toRuleMap(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isPlainObject(v) ? plainToInstance(CategoryRule, v) : v]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

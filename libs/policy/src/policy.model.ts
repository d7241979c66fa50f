/**
 * The shape of a policy file, with its validation rules (class-validator). One class per
 * section; a later issue adds a section (or a field) here and in the YAML, nothing else.
 * Unknown fields are refused, so that a misspelt key never silently falls back to a default.
 *
 * A category's rule says what each of the six request types does to it (`requests`), the
 * legal obligations to keep it (`retention`: period, start, Art. 17(3) ground, text), the
 * longest it may be kept at all (`limit`, storage limitation, Art. 5(1)(e)), and under
 * which basis the subject provided it (`provided`: portability, Art. 20(1)).
 * Long on purpose: the whole policy file's schema, one validated class per section, so that
 * the file a DPO edits is described in one place next to the articles it applies.
 */
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
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
import { isTimeZone } from './legal-time';
import { VerificationPolicy } from './verification';
import { IdentityLinksPolicy } from './identity-links';
import { DirectMarketingPolicy } from './direct-marketing';
import { PurgePolicy } from './purge';

/** Same rule as the contracts' category names (a lowercase slug); kept here so this util lib depends on nothing of ours. */
export const POLICY_CATEGORY_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** The rule applied to a category the file does not name. */
export const DEFAULT_CATEGORY = 'default';

/** What an erasure request (Art. 17) does to a category. */
export const ERASURE_ACTIONS = ['erase', 'retain'] as const;
export type ErasureAction = (typeof ERASURE_ACTIONS)[number];

/** Where a retention period starts (docs/gdpr-rules.md, "Retention periods in France", column "from"). */
export const RETENTION_ANCHORS = [
  'record-date',
  'end-of-financial-year',
  'last-operation',
  'end-of-relationship',
  'end-of-contract',
  // `contract-end` is `end-of-contract` under the name the issue uses; both are accepted.
  'contract-end',
  'account-closure',
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
          isIsoDuration(args?.value)
            ? 'must be longer than zero'
            : 'must be an ISO 8601 duration (e.g. P1M, P10Y, PT1H)',
      },
    });
}

/** The request types (GDPR Art. 15–21; same list as the contracts' REQUEST_TYPES) and what each may do to a category. */
export const REQUEST_EFFECTS = {
  /** Art. 17: erase, or keep under an Art. 17(3) exception (then `retention` says why and how long). */
  erasure: ['erase', 'retain'],
  /** Art. 15: the category is part of the copy, or not. */
  access: ['include', 'exclude'],
  /** Art. 20: only data the subject provided, under consent or contract (`provided`). */
  portability: ['include', 'exclude'],
  /** Art. 18: the category can be restricted, or the right does not apply to it. */
  restriction: ['apply', 'not-applicable'],
  /** Art. 21: objection applies to processing on legitimate interest (absolute for prospection, 21(3)), not to a legal obligation. */
  objection: ['apply', 'not-applicable'],
  /** Art. 16. */
  rectification: ['apply', 'not-applicable'],
} as const;
export type PolicyRequestType = keyof typeof REQUEST_EFFECTS;
export type RequestEffect<T extends PolicyRequestType = PolicyRequestType> = (typeof REQUEST_EFFECTS)[T][number];
export const POLICY_REQUEST_TYPES = Object.keys(REQUEST_EFFECTS) as PolicyRequestType[];

/** What a request type does to a category the rule does not say (legacy rules give only `action`). */
export const DEFAULT_EFFECTS: Readonly<Omit<{ [T in PolicyRequestType]: RequestEffect<T> }, 'erasure'>> = Object.freeze(
  {
    access: 'include',
    // Art. 20(1): portability covers only data provided under consent or contract; a rule says so with `provided`.
    portability: 'exclude',
    restriction: 'apply',
    objection: 'apply',
    rectification: 'apply',
  },
);

/** Art. 20(1)(a): the bases under which provided data is portable. */
export const PROVIDED_BASES = ['consent', 'contract'] as const;
export type ProvidedBasis = (typeof PROVIDED_BASES)[number];

/** An Art. 17(3) exception: (b) legal obligation, (e) legal claims; (a), (c), (d) for completeness. */
export const ERASURE_GROUND_PATTERN = /^Art\. 17\(3\)\([a-e]\)$/;

const REQUIRED = { message: 'is required' };
const TEXT = { message: 'must be a non-empty text (500 characters at most)' };

/** Time limits of Art. 12 and the proof period. */
export class DeadlinesPolicy {
  /** Answer within one month of receipt — GDPR Art. 12(3). */
  @IsDefined(REQUIRED)
  @IsPolicyDuration()
  response: string;

  /** At most two further months, the subject told within the first month — GDPR Art. 12(3). */
  @IsDefined(REQUIRED)
  @IsPolicyDuration()
  extensionMax: string;

  /** How long a closed request keeps its proof (Art. 5(2)); rationale: Code civil art. 2224, 5 years. */
  @IsDefined(REQUIRED)
  @IsPolicyDuration()
  proofPeriod: string;

  /** An open request due within this is "due soon" (API filter, gauge, event). Optional in the file (P3D); after loading, always set. */
  @IsOptional()
  @IsPolicyDuration()
  dueSoonWithin: string;

  /**
   * The controller's time zone (IANA name): "the last hour of the day" that ends a period
   * is the controller's local day (Regulation 1182/71 art. 3). Optional in the file
   * (Europe/Paris); after loading, always set.
   */
  @IsOptional()
  @IsTimeZone()
  timeZone: string;
}

/** An IANA time zone name, e.g. Europe/Paris. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isTimeZone(value),
        defaultMessage: () => 'must be an IANA time zone name, e.g. Europe/Paris',
      },
    });
}

/** The default of `deadlines.dueSoonWithin`. */
export const DEFAULT_DUE_SOON_WITHIN = 'P3D';

/** The supervisory authority the subject may complain to (Art. 12(4), 77), named in refusal and rejection notices. */
export class AuthorityPolicy {
  @IsDefined(REQUIRED)
  @Length(1, 200, { message: 'must be a non-empty text (200 characters at most)' })
  @IsString({ message: 'must be a non-empty text (200 characters at most)' })
  name: string;

  @IsDefined(REQUIRED)
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'must be an https URL' })
  complaintUrl: string;
}

/** The French default: the CNIL. */
export const DEFAULT_AUTHORITY: Readonly<AuthorityPolicy> = Object.freeze({
  name: 'CNIL',
  complaintUrl: 'https://www.cnil.fr/fr/adresser-une-plainte',
});

/** How the executor waits for, retries and escalates the commands it sends to systems. */
export class CommandsPolicy {
  /** A command's `respondBy` is its dispatch time plus this (doubled at each retry). */
  @IsDefined(REQUIRED)
  @IsPolicyDuration()
  respondWithin: string;

  // Decorators run bottom-up: the type check first, so that `many` reads "must be a whole number".
  @IsDefined(REQUIRED)
  @Max(20, { message: 'must be 20 at most' })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be a whole number' })
  maxAttempts: number;

  /** Wait before retrying after a failure reply, doubled at each attempt. */
  @IsDefined(REQUIRED)
  @IsPolicyDuration()
  retryBackoff: string;
}

/**
 * Telling the recipients (GDPR Art. 19): each rectification, erasure or restriction is
 * communicated to every recipient the data was disclosed to, "unless this proves impossible
 * or involves disproportionate effort". The article sets no time limit: how long to wait for
 * an acknowledgement and how many reminders to send are the controller's choice, here.
 */
export class RecipientNoticesPolicy {
  /** A notice (and each reminder) waits this long for the recipient's acknowledgement. */
  @IsOptional()
  @IsPolicyDuration()
  acknowledgeWithin: string;

  /** Reminders (the same notice again) before the recipient is recorded as unacknowledged. */
  @IsOptional()
  @Max(10, { message: 'must be 10 at most' })
  @Min(0, { message: 'must be 0 or more' })
  @IsInt({ message: 'must be a whole number' })
  reminders: number;
}

/** The defaults when the file says nothing: a week per notice, two reminders. */
export const DEFAULT_RECIPIENT_NOTICES: Readonly<RecipientNoticesPolicy> = Object.freeze({
  acknowledgeWithin: 'P7D',
  reminders: 2,
});

/** The commands a system may declare it carries out (same list as the contracts' CAPABILITIES). */
export const SYSTEM_CAPABILITIES = ['export', 'erase', 'rectify', 'restrict', 'suppress', 'notify'] as const;
export type SystemCapability = (typeof SYSTEM_CAPABILITIES)[number];

/**
 * Which registrations of company systems wait for the DPO before they take effect. A
 * system's registration says where its personal data goes: a processor role and its
 * controller's contact decide who receives the requests about it (Art. 28(3)(e)); a
 * capability makes it receive commands that carry every identifier of a subject, and a
 * recipient system receives the Art. 19 notices. Whoever can write a system's topic could
 * otherwise redirect that data (integrity and confidentiality, Art. 5(1)(f), 32), and the
 * register of processing activities would say what nobody decided (Art. 30). A change of
 * role, controller, controller contact or recipient system always waits; this section
 * says which new capabilities do, and whether a system's first registration does too.
 */
export class RegistrationsPolicy {
  /** A registration that adds one of these capabilities (compared with the approved one) waits for the DPO. */
  @IsOptional()
  @IsArray({ message: 'must be a list of capabilities' })
  @IsIn(SYSTEM_CAPABILITIES, { each: true, message: `must each be one of ${SYSTEM_CAPABILITIES.join(', ')}` })
  approveCapabilities: SystemCapability[];

  /**
   * Whether every first registration of a system waits, even one that redirects nothing
   * (no processor role, no capability listed above, no recipient system): a plain
   * description of what a system holds only adds a row to the register.
   */
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  approveFirstRegistration: boolean;
}

/** The defaults when the file says nothing: every new capability waits; a plain first registration does not. */
export const DEFAULT_REGISTRATIONS: Readonly<RegistrationsPolicy> = Object.freeze({
  approveCapabilities: [...SYSTEM_CAPABILITIES],
  approveFirstRegistration: false,
});

/** A legal obligation to keep data (Art. 17(3)) for a period from a starting point. */
export class RetentionRule {
  @IsDefined(REQUIRED)
  @IsPolicyDuration()
  period: string;

  @IsDefined(REQUIRED)
  @IsIn(RETENTION_ANCHORS, { message: `must be one of ${RETENTION_ANCHORS.join(', ')}` })
  from: RetentionAnchor;

  /** The GDPR exception, e.g. `Art. 17(3)(b)` (legal obligation) or `Art. 17(3)(e)` (legal claims). */
  @IsDefined(REQUIRED)
  @Matches(ERASURE_GROUND_PATTERN, {
    message:
      'must be an Art. 17(3) exception, e.g. "Art. 17(3)(b)" (legal obligation) or "Art. 17(3)(e)" (legal claims)',
  })
  @IsString(TEXT)
  ground: string;

  /** The text that imposes the period, e.g. `Code de commerce L123-22`. */
  @IsDefined(REQUIRED)
  @Length(1, 500, TEXT)
  @IsString(TEXT)
  legalText: string;
}

/**
 * The longest a category may be kept at all (storage limitation, Art. 5(1)(e)), e.g.
 * prospects three years after their last contact: a maximum, not an obligation to keep —
 * an erasure request or an objection ends it earlier.
 */
export class StorageLimit {
  @IsDefined(REQUIRED)
  @IsPolicyDuration()
  period: string;

  @IsDefined(REQUIRED)
  @IsIn(RETENTION_ANCHORS, { message: `must be one of ${RETENTION_ANCHORS.join(', ')}` })
  from: RetentionAnchor;

  @IsDefined(REQUIRED)
  @Length(1, 500, TEXT)
  @IsString(TEXT)
  legalText: string;
}

const effect = <T extends PolicyRequestType>(t: T) =>
  IsIn(REQUEST_EFFECTS[t], { message: `must be one of ${REQUEST_EFFECTS[t].join(', ')}` });

/**
 * Why a request type does not act on the category (`not-applicable`, `exclude`, or erasure
 * `retain`), in plain words for the subject: every answer that does not act in whole or in
 * part states its reasons (Art. 12(4)). E.g. billing rectification: issued invoices are
 * corrected by a credit note, never rewritten.
 */
/** A text told to the subject, in their language (Art. 12(1)): French required, English optional. */
export class LocalisedText {
  @IsDefined(REQUIRED) @Length(1, 1000, TEXT) @IsString(TEXT) fr: string;
  @IsOptional() @Length(1, 1000, TEXT) @IsString(TEXT) en?: string;
}

const localised = () => (target: object, key: string | symbol) => {
  IsOptional()(target, key);
  ValidateNested({ message: 'must be a mapping of language → text (fr, en)' })(target, key);
  Type(() => LocalisedText)(target, key);
};

export class WhyNotPolicy {
  @localised() erasure?: LocalisedText;
  @localised() access?: LocalisedText;
  @localised() portability?: LocalisedText;
  @localised() restriction?: LocalisedText;
  @localised() objection?: LocalisedText;
  @localised() rectification?: LocalisedText;
}

/** The text in the subject's language, French when it has none in that language. */
export function inLocale(text: LocalisedText | undefined, locale: string): string | undefined {
  if (!text) return undefined;
  return (locale.startsWith('en') ? text.en : undefined) ?? text.fr;
}

/** What each request type does to the category. All six are required when the rule has `requests`. */
export class RequestEffectsPolicy {
  @IsDefined(REQUIRED) @effect('erasure') erasure: RequestEffect<'erasure'>;
  @IsDefined(REQUIRED) @effect('access') access: RequestEffect<'access'>;
  @IsDefined(REQUIRED) @effect('portability') portability: RequestEffect<'portability'>;
  @IsDefined(REQUIRED) @effect('restriction') restriction: RequestEffect<'restriction'>;
  @IsDefined(REQUIRED) @effect('objection') objection: RequestEffect<'objection'>;
  @IsDefined(REQUIRED) @effect('rectification') rectification: RequestEffect<'rectification'>;
}

const retainsOnErasure = (o: CategoryRule) => o.action === 'retain' || o.requests?.erasure === 'retain';

export class CategoryRule {
  /**
   * What erasure does (the first form of the file, kept): the same as `requests.erasure`.
   * Required unless `requests` is given; after loading, always set.
   */
  @ValidateIf((o: CategoryRule) => o.action !== undefined || o.requests === undefined)
  @IsDefined({ message: 'is required (or give requests.erasure)' })
  @IsIn(ERASURE_ACTIONS, { message: `must be one of ${ERASURE_ACTIONS.join(', ')}` })
  action: ErasureAction;

  /** What each request type does; without it, erasure does `action` and the others take DEFAULT_EFFECTS. After loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => RequestEffectsPolicy)
  requests: RequestEffectsPolicy;

  /**
   * The legal obligations to keep the category (one, or a list when several texts apply:
   * the hold runs to the latest end). Required when erasure retains, refused when it erases.
   */
  @ValidateIf((o: CategoryRule) => retainsOnErasure(o) || o.retention !== undefined)
  @IsDefined({
    message: (a) =>
      (a.object as CategoryRule).action === 'retain'
        ? 'is required with action: retain'
        : 'is required with requests.erasure: retain',
  })
  @ValidateNested({ message: 'must be a mapping, or a list of them' })
  @Type(() => RetentionRule)
  retention?: RetentionRule | RetentionRule[];

  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => StorageLimit)
  limit?: StorageLimit;

  /** The basis under which the subject provided this data; required for `portability: include` (Art. 20(1)). */
  @IsOptional()
  @IsIn(PROVIDED_BASES, { message: `must be one of ${PROVIDED_BASES.join(', ')} (Art. 20(1)(a))` })
  provided?: ProvidedBasis;

  /** Why a request type does not act on the category, told to the subject (Art. 12(4)); only for such request types. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping of request type → reason' })
  @Type(() => WhyNotPolicy)
  whyNot?: WhyNotPolicy;

  /** For the reader (and the Art. 30 register): what the category holds. */
  @IsOptional()
  @Length(1, 500, TEXT)
  @IsString(TEXT)
  description?: string;

  /**
   * The category's name as the subject reads it, per language (`fr` required, `en`): the
   * package summary and notices name categories this way, never by their internal name
   * (GDPR Art. 12(1): clear and plain language).
   */
  @localised() label?: LocalisedText;

  /** Every obligation of `retention`, as a list (empty when erasure erases). Set after loading. */
  declare retentions: RetentionRule[];
}

/** A policy file. `version` changes only if the file's meaning changes incompatibly. */
export class Policy {
  @IsDefined(REQUIRED)
  @Equals(1, { message: 'must be 1 (the version this code reads)' })
  version: 1;

  @IsDefined(REQUIRED)
  @Matches(/^[a-z][a-z0-9-]{0,62}$/, { message: 'must be a lowercase slug, e.g. fr-hosting-provider' })
  profile: string;

  /**
   * Another profile file this one adds to (a path relative to this file): its sections are
   * taken, then this file's replace them, except `categories` and `fields`, merged by name.
   * Resolved by the loader; absent after loading.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_./-]{1,200}\.ya?ml$/, { message: 'must be the path of a .yaml file next to this one' })
  extends?: string;

  @IsDefined(REQUIRED)
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => DeadlinesPolicy)
  deadlines: DeadlinesPolicy;

  @IsDefined(REQUIRED)
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => CommandsPolicy)
  commands: CommandsPolicy;

  /** The supervisory authority named in refusal and rejection notices; default the CNIL. After loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => AuthorityPolicy)
  authority: AuthorityPolicy;

  /** Art. 19 notices to recipients: acknowledgement delay and reminders. Optional in the file; after loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => RecipientNoticesPolicy)
  recipients: RecipientNoticesPolicy;

  /** Which systems' registrations wait for the DPO (Art. 28, 30, 32). Optional in the file; after loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => RegistrationsPolicy)
  registrations: RegistrationsPolicy;

  /** Proportionate identity verification and the suspended clock (verification.ts). Optional in the file; after loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => VerificationPolicy)
  verification: VerificationPolicy;

  /** Objection to direct marketing: its purposes, and whether it needs a proof (direct-marketing.ts). Optional in the file; after loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => DirectMarketingPolicy)
  directMarketing: DirectMarketingPolicy;

  /** Which systems link identifiers strongly (identity-links.ts). Optional in the file; after loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => IdentityLinksPolicy)
  identity: IdentityLinksPolicy;

  /** The purge of records past their periods, outside any request (purge.ts). Optional in the file; after loading, always set. */
  @IsOptional()
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => PurgePolicy)
  purge: PurgePolicy;

  /** Category name → rule; `default` applies to every category not named. A Map, so that no name can hit an Object prototype key. */
  @IsDefined(REQUIRED)
  @IsObject({ message: 'must be a mapping of category → rule' })
  @ValidateNested({ each: true, message: 'must be a mapping' })
  @Transform(({ value }) => toRuleMap(value), { toClassOnly: true })
  categories: ReadonlyMap<string, CategoryRule>;

  /**
   * Rectification (Art. 16): field name (as in a request's `changes`) → the categories
   * holding that field. A rectify command goes to every system holding one of them.
   * Optional in the file; after loading, always set (checked in the loader's cross-checks).
   */
  @IsOptional()
  @IsObject({ message: 'must be a mapping of field → list of categories' })
  fields: Readonly<Record<string, readonly string[]>>;
}

function toRuleMap(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return new Map(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      isPlainObject(v) ? plainToInstance(CategoryRule, v) : v,
    ]),
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads and validates a policy file at start-up. An invalid file stops the service with
 * the file's path and, for each problem, where it is and what is wrong
 * (`categories.billing.retention.period: must be an ISO 8601 duration ...`).
 * Long on purpose: reading the policy file, then every cross-check between its sections
 * that a schema cannot express, each with the article it protects.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parseDocument } from 'yaml';
import { DEFAULT_TIME_ZONE } from './legal-time';
import { normaliseVerification, verificationProblems } from './verification';
import { normaliseDirectMarketing } from './direct-marketing';
import { identityLinksProblems, normaliseIdentityLinks } from './identity-links';
import { normalisePurge } from './purge';
import {
  DEFAULT_AUTHORITY,
  DEFAULT_CATEGORY,
  DEFAULT_DUE_SOON_WITHIN,
  DEFAULT_RECIPIENT_NOTICES,
  DEFAULT_REGISTRATIONS,
  RegistrationsPolicy,
  DEFAULT_EFFECTS,
  Policy,
  POLICY_CATEGORY_PATTERN,
  RecipientNoticesPolicy,
  RequestEffectsPolicy,
  type CategoryRule,
  type RetentionRule,
} from './policy.model';

/** The French default profile, relative to the repository root (or the image's working directory). */
export const DEFAULT_POLICY_FILE = 'deploy/policy/default.fr.yaml';

export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid policy file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/**
 * The policy file to read: `file` (POLICY_FILE) resolved against the working directory,
 * or the default profile found in the working directory or the nearest parent holding it
 * (the repository root, wherever the service is started from).
 */
export function resolvePolicyPath(file?: string, startDirs: string[] = [process.cwd(), __dirname]): string {
  if (file) return isAbsolute(file) ? file : resolve(startDirs[0] ?? process.cwd(), file);
  for (const start of startDirs) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, DEFAULT_POLICY_FILE);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new PolicyError(DEFAULT_POLICY_FILE, [
    `not found from ${startDirs.join(' or ')} or their parents: set POLICY_FILE`,
  ]);
}

/** Reads, parses and validates a policy file; throws `PolicyError` naming every problem. */
export function loadPolicy(file: string): Policy {
  return parsePolicy(readText(file), file, dirname(resolve(file)));
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PolicyError(file, [`cannot be read: ${(err as Error).message}`]);
  }
}

type RawPolicy = Record<string, unknown>;

function parseRaw(text: string, source: string): RawPolicy {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new PolicyError(
      source,
      doc.errors.map((e) => `YAML: ${e.message.split('\n')[0].replace(/:$/, '')}`),
    );
  const raw: unknown = doc.toJS();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new PolicyError(source, ['the file must hold a YAML mapping (version, profile, deadlines, ...)']);
  return raw as RawPolicy;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A profile that `extends` another (e.g. the opt-in profile of an entity under the
 * anti-money-laundering obligations, which adds its categories to the French default):
 * the base's sections, replaced by this file's, with `categories` and `fields` merged by
 * name. A chain is followed (at most 5 files) and a loop refused.
 */
function withBase(raw: RawPolicy, source: string, dir: string, seen: string[] = []): RawPolicy {
  if (raw.extends === undefined) return raw;
  if (typeof raw.extends !== 'string' || !/^[A-Za-z0-9_./-]{1,200}\.ya?ml$/.test(raw.extends))
    throw new PolicyError(source, ['extends: must be the path of a .yaml file next to this one']);
  const baseFile = resolve(dir, raw.extends);
  if (seen.includes(baseFile) || seen.length >= 5)
    throw new PolicyError(source, [`extends: ${raw.extends} makes a loop or a chain longer than 5 files`]);
  const base = withBase(parseRaw(readText(baseFile), baseFile), baseFile, dirname(baseFile), [...seen, baseFile]);
  const merged: RawPolicy = { ...base, ...raw };
  for (const key of ['categories', 'fields'])
    if (isMapping(base[key]) && isMapping(raw[key])) merged[key] = { ...base[key], ...raw[key] };
  delete merged.extends;
  return merged;
}

/**
 * Parses and validates policy YAML text (`source` names it in errors; `dir` is where an
 * `extends` is looked for, the working directory by default).
 */
export function parsePolicy(text: string, source = '<inline policy>', dir = process.cwd()): Policy {
  const raw = withBase(parseRaw(text, source), source, dir);
  const policy = plainToInstance(Policy, raw);
  const errors = validateSync(policy, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
  });
  const problems = [
    ...problemsOf(errors),
    ...crossChecks(policy),
    ...verificationProblems(policy.verification),
    ...identityLinksProblems(policy.identity),
  ];
  if (problems.length > 0) throw new PolicyError(source, problems);
  return normalise(policy);
}

/**
 * Fills what the file may leave out, so that code reads one shape: every rule has `action`,
 * all six `requests` and `retentions`; `deadlines.dueSoonWithin` and `authority` are set.
 */
function normalise(policy: Policy): Policy {
  policy.deadlines.dueSoonWithin ??= DEFAULT_DUE_SOON_WITHIN;
  policy.deadlines.timeZone ??= DEFAULT_TIME_ZONE;
  policy.authority ??= { ...DEFAULT_AUTHORITY };
  policy.recipients = Object.assign(
    new RecipientNoticesPolicy(),
    DEFAULT_RECIPIENT_NOTICES,
    Object.fromEntries(Object.entries(policy.recipients ?? {}).filter(([, v]) => v !== undefined)),
  );
  policy.registrations = Object.assign(
    new RegistrationsPolicy(),
    DEFAULT_REGISTRATIONS,
    { approveCapabilities: [...DEFAULT_REGISTRATIONS.approveCapabilities] },
    Object.fromEntries(Object.entries(policy.registrations ?? {}).filter(([, v]) => v !== undefined)),
  );
  policy.verification = normaliseVerification(policy.verification);
  policy.directMarketing = normaliseDirectMarketing(policy.directMarketing);
  policy.identity = normaliseIdentityLinks(policy.identity);
  policy.purge = normalisePurge(policy.purge);
  policy.fields = Object.freeze(
    Object.assign(Object.create(null) as Record<string, readonly string[]>, policy.fields ?? {}),
  );
  for (const rule of policy.categories.values()) {
    if (rule.requests) rule.action = rule.requests.erasure;
    else rule.requests = Object.assign(new RequestEffectsPolicy(), { erasure: rule.action, ...DEFAULT_EFFECTS });
    rule.retentions = rule.action === 'retain' && rule.retention ? listOf(rule.retention) : [];
  }
  return policy;
}

const listOf = (r: RetentionRule | RetentionRule[]): RetentionRule[] => (Array.isArray(r) ? r : [r]);

/** Rules across fields, which class-validator's per-property decorators do not express. */
function crossChecks(policy: Policy): string[] {
  const problems: string[] = [];
  if (!(policy.categories instanceof Map)) return problems;
  if (!policy.categories.has(DEFAULT_CATEGORY)) {
    problems.push(`categories.${DEFAULT_CATEGORY}: is required (the rule for every category not named)`);
  }
  problems.push(...fieldChecks(policy.fields));
  // A purged category needs a period to wait for: its own rule's retention or limit.
  for (const category of Array.isArray(policy.purge?.categories) ? policy.purge.categories : []) {
    const rule = policy.categories.get(category);
    if (!rule || (rule.retention === undefined && rule.limit === undefined))
      problems.push(`purge.categories: ${category} has no rule with a retention or a limit to count from`);
  }
  for (const [name, rule] of policy.categories) {
    if (!POLICY_CATEGORY_PATTERN.test(name))
      problems.push(`categories.${name}: the name must be a lowercase slug (a-z, 0-9, -)`);
    if (rule && typeof rule === 'object') problems.push(...ruleChecks(name, rule));
  }
  return problems;
}

/** `fields`: field name → a non-empty list of category names (rectification, Art. 16). */
function fieldChecks(fields: unknown): string[] {
  if (fields === undefined || fields === null || typeof fields !== 'object' || Array.isArray(fields)) return [];
  const problems: string[] = [];
  for (const [field, categories] of Object.entries(fields as Record<string, unknown>)) {
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/.test(field))
      problems.push(`fields.${field}: the field name must be a letter then letters, digits, _ . -`);
    if (
      !Array.isArray(categories) ||
      categories.length === 0 ||
      !categories.every((c) => typeof c === 'string' && POLICY_CATEGORY_PATTERN.test(c))
    ) {
      problems.push(`fields.${field}: must be a non-empty list of category names`);
    }
  }
  return problems;
}

function ruleChecks(name: string, rule: CategoryRule): string[] {
  const problems: string[] = [];
  const requests = typeof rule.requests === 'object' && rule.requests !== null ? rule.requests : undefined;
  const erasure = requests?.erasure ?? rule.action;
  if (rule.action !== undefined && requests?.erasure !== undefined && rule.action !== requests.erasure) {
    problems.push(
      `categories.${name}.action: says ${rule.action} but requests.erasure says ${requests.erasure}; give one of them`,
    );
  }
  if (erasure === 'erase' && rule.retention !== undefined) {
    problems.push(
      `categories.${name}.retention: only allowed with action: retain (or requests.erasure: retain); a maximum period is a limit`,
    );
  }
  // Art. 12(4): a reason is told where a request type does not act on the category, and only there.
  const whyNot = rule.whyNot;
  if (whyNot && typeof whyNot === 'object') {
    for (const [type, reason] of Object.entries(whyNot)) {
      if (reason === undefined) continue;
      const e = type === 'erasure' ? erasure : (requests as Record<string, unknown> | undefined)?.[type];
      if (e !== 'not-applicable' && e !== 'exclude' && e !== 'retain')
        problems.push(
          `categories.${name}.whyNot.${type}: only for a request type that does not act on the category (not-applicable, exclude, or erasure retain)`,
        );
    }
  }
  // Art. 20(1): portability covers only data the subject provided, under consent or contract.
  if (requests?.portability === 'include' && rule.provided === undefined) {
    problems.push(
      `categories.${name}.provided: is required with requests.portability: include (Art. 20(1): only data the subject provided under consent or contract)`,
    );
  }
  return problems;
}

/** One `path: reason` line per failed constraint, the path in the file's own terms. */
function problemsOf(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    for (const [kind, message] of Object.entries(e.constraints ?? {})) {
      out.push(kind === 'whitelistValidation' ? `${path}: unknown field (check its spelling)` : `${path}: ${message}`);
    }
    if (e.children?.length) out.push(...problemsOf(e.children, path));
  }
  return out;
}

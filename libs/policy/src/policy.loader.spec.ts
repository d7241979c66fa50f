import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy, PolicyError, resolvePolicyPath } from './policy.loader';

const VALID = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT2S, maxAttempts: 2, retryBackoff: PT1S }
categories:
  default: { action: erase }
  billing:
    action: retain
    retention: { period: P10Y, from: record-date, ground: "Art. 17(3)(b)", legalText: "Code de commerce L123-22" }
`;

function problemsOf(text: string): string[] {
  try {
    parsePolicy(text, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).problems;
  }
  throw new Error('the policy was accepted');
}

describe('the French default profile', () => {
  it('is found from the working directory and is valid', () => {
    const file = resolvePolicyPath();
    expect(file.endsWith(DEFAULT_POLICY_FILE)).toBe(true);
    const policy = loadPolicy(file);
    expect(policy).toMatchObject({
      version: 1,
      profile: 'fr-hosting-provider',
      deadlines: { response: 'P1M', extensionMax: 'P2M', proofPeriod: 'P5Y' },
      commands: { respondWithin: 'PT1H', maxAttempts: 4, retryBackoff: 'PT5M' },
    });
    expect(policy.categories.get('default')?.action).toBe('erase');
  });
});

describe('loadPolicy', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'policy-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a valid file', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, VALID);
    expect(loadPolicy(file).commands).toEqual({ respondWithin: 'PT2S', maxAttempts: 2, retryBackoff: 'PT1S' });
  });

  it('refuses an invalid file with its path and the path of each error', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, VALID.replace('period: P10Y', 'period: 10 years'));
    expect(() => loadPolicy(file)).toThrow(PolicyError);
    expect(() => loadPolicy(file)).toThrow(
      `invalid policy file ${file}:\n  - categories.billing.retention.period: must be an ISO 8601 duration`,
    );
  });

  it('refuses a missing file, naming it', () => {
    expect(() => loadPolicy(join(dir, 'missing.yaml'))).toThrow(
      /invalid policy file .*missing\.yaml:\n {2}- cannot be read: ENOENT/,
    );
  });

  it('resolves POLICY_FILE against the working directory', () => {
    expect(resolvePolicyPath('x.yaml', [dir])).toBe(join(dir, 'x.yaml'));
    expect(resolvePolicyPath('/abs/x.yaml', [dir])).toBe('/abs/x.yaml');
  });

  it('says to set POLICY_FILE when the default file is nowhere to be found', () => {
    expect(() => resolvePolicyPath(undefined, [dir])).toThrow('set POLICY_FILE');
  });
});

describe('parsePolicy refuses, naming where and why', () => {
  it.each([
    ['a wrong version', VALID.replace('version: 1', 'version: 2'), 'version: must be 1 (the version this code reads)'],
    ['a missing section', VALID.replace(/^deadlines:.*$/m, ''), 'deadlines: is required'],
    [
      'a bad duration',
      VALID.replace('response: P1M', 'response: 1 month'),
      'deadlines.response: must be an ISO 8601 duration (e.g. P1M, P10Y, PT1H)',
    ],
    [
      'a zero duration',
      VALID.replace('respondWithin: PT2S', 'respondWithin: PT0S'),
      'commands.respondWithin: must be longer than zero',
    ],
    [
      'a bad attempt count',
      VALID.replace('maxAttempts: 2', 'maxAttempts: 0'),
      'commands.maxAttempts: must be at least 1',
    ],
    [
      'a misspelt field',
      VALID.replace('retryBackoff', 'retryBackof'),
      'commands.retryBackof: unknown field (check its spelling)',
    ],
    [
      'an unknown action',
      VALID.replace('default: { action: erase }', 'default: { action: keep }'),
      'categories.default.action: must be one of erase, retain',
    ],
    [
      'retain without retention',
      VALID.replace('default: { action: erase }', 'default: { action: retain }'),
      'categories.default.retention: is required with action: retain',
    ],
    [
      'retention with erase',
      VALID.replace('action: retain', 'action: erase'),
      'categories.billing.retention: only allowed with action: retain',
    ],
    [
      'a missing legal text',
      VALID.replace(', legalText: "Code de commerce L123-22"', ''),
      'categories.billing.retention.legalText: is required',
    ],
    [
      'an unknown anchor',
      VALID.replace('from: record-date', 'from: whenever'),
      'categories.billing.retention.from: must be one of',
    ],
    ['no default rule', VALID.replace('  default: { action: erase }\n', ''), 'categories.default: is required'],
    [
      'a bad category name',
      VALID.replace('billing:', 'Billing:'),
      'categories.Billing: the name must be a lowercase slug',
    ],
    ['a duplicate key', `${VALID}version: 1\n`, 'YAML: Map keys must be unique'],
    ['broken YAML', 'version: [', 'YAML: '],
  ])('%s', (_what, text, expected) => {
    expect(problemsOf(text).some((p) => p.startsWith(expected))).toBe(true);
  });

  it.each(['', '- a list', '42'])('a file that is not a mapping (%j)', (text) => {
    expect(problemsOf(text)).toEqual(['the file must hold a YAML mapping (version, profile, deadlines, ...)']);
  });

  it('lists every problem, not only the first', () => {
    const problems = problemsOf(
      VALID.replace('response: P1M', 'response: x').replace('maxAttempts: 2', 'maxAttempts: many'),
    );
    expect(problems).toEqual([
      'deadlines.response: must be an ISO 8601 duration (e.g. P1M, P10Y, PT1H)',
      'commands.maxAttempts: must be a whole number',
    ]);
  });
});

describe('the rule schema: what each request type does, obligations, limits (issue 6)', () => {
  const RULES = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y, dueSoonWithin: P2D }
commands: { respondWithin: PT2S, maxAttempts: 2, retryBackoff: PT1S }
authority: { name: Garante, complaintUrl: "https://www.garanteprivacy.it/" }
categories:
  default:
    requests: { erasure: erase, access: include, portability: exclude, restriction: apply, objection: apply, rectification: apply }
  billing:
    provided: contract
    requests: { erasure: retain, access: include, portability: include, restriction: apply, objection: not-applicable, rectification: apply }
    retention:
      - { period: P10Y, from: record-date, ground: "Art. 17(3)(b)", legalText: "Code de commerce L123-22" }
      - { period: P6Y, from: last-operation, ground: "Art. 17(3)(b)", legalText: "LPF L102 B" }
  claims:
    requests: { erasure: retain, access: include, portability: exclude, restriction: apply, objection: not-applicable, rectification: not-applicable }
    retention: { period: P5Y, from: account-closure, ground: "Art. 17(3)(e)", legalText: "Code civil art. 2224" }
  prospection:
    requests: { erasure: erase, access: include, portability: exclude, restriction: apply, objection: apply, rectification: apply }
    limit: { period: P3Y, from: last-contact, legalText: "CNIL référentiel gestion commerciale" }
`;

  it('reads rules in the full form, and fills what the legacy form leaves out', () => {
    const p = parsePolicy(RULES);
    expect(p.deadlines.dueSoonWithin).toBe('P2D');
    expect(p.authority).toEqual({ name: 'Garante', complaintUrl: 'https://www.garanteprivacy.it/' });
    expect(p.categories.get('billing')).toMatchObject({ action: 'retain', provided: 'contract' });
    expect(p.categories.get('billing')?.retentions.map((r) => r.legalText)).toEqual([
      'Code de commerce L123-22',
      'LPF L102 B',
    ]);
    expect(p.categories.get('claims')?.retentions).toEqual([
      expect.objectContaining({ ground: 'Art. 17(3)(e)', from: 'account-closure' }),
    ]);
    expect(p.categories.get('prospection')?.retentions).toEqual([]);

    const legacy = parsePolicy(VALID);
    expect(legacy.deadlines.dueSoonWithin).toBe('P3D');
    expect(legacy.authority.name).toBe('CNIL');
    // Art. 19 notices: a week per notice and two reminders unless the file says otherwise.
    expect({ ...legacy.recipients }).toEqual({ acknowledgeWithin: 'P7D', reminders: 2 });
    expect({
      ...parsePolicy(RULES.replace('categories:\n', 'recipients: { reminders: 0 }\ncategories:\n')).recipients,
    }).toEqual({ acknowledgeWithin: 'P7D', reminders: 0 });
    // Registrations (Art. 28, 30, 32): every new capability waits for the DPO, a plain first registration does not.
    expect({ ...legacy.registrations }).toEqual({
      approveCapabilities: ['export', 'erase', 'rectify', 'restrict', 'suppress', 'notify'],
      approveFirstRegistration: false,
    });
    expect({
      ...parsePolicy(RULES.replace('categories:\n', 'registrations: { approveCapabilities: [erase] }\ncategories:\n'))
        .registrations,
    }).toEqual({ approveCapabilities: ['erase'], approveFirstRegistration: false });
    expect({ ...legacy.categories.get('billing')?.requests }).toEqual({
      erasure: 'retain',
      access: 'include',
      portability: 'exclude',
      restriction: 'apply',
      objection: 'apply',
      rectification: 'apply',
    });
  });

  it.each([
    [
      'a ground that is no Art. 17(3) exception',
      RULES.replace('ground: "Art. 17(3)(e)"', 'ground: "because"'),
      'categories.claims.retention.ground: must be an Art. 17(3) exception',
    ],
    [
      'an error in the second obligation of a list',
      RULES.replace('period: P6Y', 'period: six years'),
      'categories.billing.retention.1.period: must be an ISO 8601 duration',
    ],
    [
      'portability without the basis the data was provided under',
      RULES.replace('    provided: contract\n', ''),
      'categories.billing.provided: is required with requests.portability: include (Art. 20(1)',
    ],
    [
      'a basis that makes nothing portable',
      RULES.replace('provided: contract', 'provided: legitimate-interest'),
      'categories.billing.provided: must be one of consent, contract',
    ],
    [
      'an effect a request type cannot have',
      RULES.replace(
        'objection: not-applicable, rectification: apply }\n    retention:\n      -',
        'objection: erase, rectification: apply }\n    retention:\n      -',
      ),
      'categories.billing.requests.objection: must be one of apply, not-applicable',
    ],
    [
      'a request type left out',
      RULES.replace(
        'restriction: apply, objection: apply, rectification: apply }\n  billing',
        'restriction: apply, objection: apply }\n  billing',
      ),
      'categories.default.requests.rectification: is required',
    ],
    [
      'an unknown request type',
      RULES.replace('rectification: apply }\n  billing', 'rectification: apply, deletion: erase }\n  billing'),
      'categories.default.requests.deletion: unknown field',
    ],
    [
      'retain without an obligation',
      RULES.replace(/    retention: \{ period: P5Y.*\n/, ''),
      'categories.claims.retention: is required with requests.erasure: retain',
    ],
    [
      'an obligation on data that is erased',
      RULES.replace('limit: { period: P3Y', 'retention: { ground: "Art. 17(3)(b)", period: P3Y'),
      'categories.prospection.retention: only allowed with action: retain',
    ],
    [
      'action and requests.erasure that disagree',
      RULES.replace('  claims:\n', '  claims:\n    action: erase\n'),
      'categories.claims.action: says erase but requests.erasure says retain',
    ],
    [
      'neither action nor requests',
      RULES.replace(/  prospection:\n    requests: .*\n/, '  prospection:\n'),
      'categories.prospection.action: is required (or give requests.erasure)',
    ],
    [
      'a limit without its text',
      RULES.replace(', legalText: "CNIL référentiel gestion commerciale"', ''),
      'categories.prospection.limit.legalText: is required',
    ],
    [
      'an unknown anchor',
      RULES.replace('from: account-closure', 'from: whenever'),
      'categories.claims.retention.from: must be one of record-date',
    ],
    [
      'a zero due-soon window',
      RULES.replace('dueSoonWithin: P2D', 'dueSoonWithin: P0D'),
      'deadlines.dueSoonWithin: must be longer than zero',
    ],
    [
      'a negative number of reminders',
      RULES.replace('categories:\n', 'recipients: { reminders: -1 }\ncategories:\n'),
      'recipients.reminders: must be 0 or more',
    ],
    [
      'a capability no system can have',
      RULES.replace('categories:\n', 'registrations: { approveCapabilities: [teleport] }\ncategories:\n'),
      'registrations.approveCapabilities: must each be one of export',
    ],
    [
      'an acknowledgement delay that is no duration',
      RULES.replace('categories:\n', 'recipients: { acknowledgeWithin: 7 days }\ncategories:\n'),
      'recipients.acknowledgeWithin: must be an ISO 8601 duration',
    ],
    [
      'an authority without an https URL',
      RULES.replace('"https://www.garanteprivacy.it/"', '"ftp://garante"'),
      'authority.complaintUrl: must be an https URL',
    ],
  ])('refuses %s', (_what, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.find((p) => p.startsWith(expected)) ?? problems).toEqual(expect.stringContaining(expected));
  });

  it('names the file and every problem in one message, as the service prints it before stopping', () => {
    const text = RULES.replace('period: P6Y', 'period: 6Y').replace('    provided: contract\n', '');
    expect(() => parsePolicy(text, '/etc/datarights/policy.yaml')).toThrow(
      'invalid policy file /etc/datarights/policy.yaml:\n  - categories.billing.retention.1.period: must be an ISO 8601 duration (e.g. P1M, P10Y, PT1H)\n  - categories.billing.provided: is required with requests.portability: include',
    );
  });
});

describe('fields (rectification, Art. 16)', () => {
  it('maps each field to the categories holding it; the default profile names email', () => {
    expect(parsePolicy(`${VALID}fields:\n  email: [identification, billing]\n`).fields.email).toEqual([
      'identification',
      'billing',
    ]);
    expect(parsePolicy(VALID).fields).toEqual({});
    expect(loadPolicy(resolvePolicyPath()).fields.email).toEqual(
      expect.arrayContaining(['identification', 'prospection']),
    );
  });

  it.each([
    ['an empty list', 'fields:\n  email: []\n', 'fields.email: must be a non-empty list of category names'],
    [
      'a category that is not a slug',
      'fields:\n  email: [Billing]\n',
      'fields.email: must be a non-empty list of category names',
    ],
    ['a list instead of a mapping', 'fields: [email]\n', 'fields: must be a mapping'],
  ])('refuses %s', (_what, extra, expected) => {
    expect(problemsOf(`${VALID}${extra}`)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });
});

describe('profiles that extend another, and the reasons told to the subject', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'policy-extends-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = `
version: 1
profile: base
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 4, retryBackoff: PT5M }
categories:
  default: { action: erase }
  usage: { action: erase }
fields: { email: [usage] }
`;

  it('takes the base, replaces its sections and merges categories and fields by name', () => {
    writeFileSync(join(dir, 'base.yaml'), base);
    writeFileSync(
      join(dir, 'child.yaml'),
      `version: 1\nprofile: child\nextends: base.yaml\ncategories:\n  extra: { action: erase }\nfields: { phone: [extra] }\n`,
    );
    const p = loadPolicy(join(dir, 'child.yaml'));
    expect(p.profile).toBe('child');
    expect([...p.categories.keys()].sort()).toEqual(['default', 'extra', 'usage']);
    expect({ ...p.fields }).toEqual({ email: ['usage'], phone: ['extra'] });
  });

  it('refuses a loop', () => {
    writeFileSync(join(dir, 'a.yaml'), `${base}\nextends: b.yaml\n`.replace('profile: base', 'profile: a'));
    writeFileSync(join(dir, 'b.yaml'), `${base}\nextends: a.yaml\n`.replace('profile: base', 'profile: b'));
    expect(() => loadPolicy(join(dir, 'a.yaml'))).toThrow(/extends: .* makes a loop/);
  });

  it('accepts a reason only where the request type does not act on the category (Art. 12(4))', () => {
    const withWhy = (effect: string) => `
version: 1
profile: t
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 4, retryBackoff: PT5M }
categories:
  default: { action: erase }
  billing:
    requests: { erasure: erase, access: include, portability: exclude, restriction: apply, objection: apply, rectification: ${effect} }
    whyNot: { rectification: { fr: "Corrigée par un avoir." } }
`;
    expect(parsePolicy(withWhy('not-applicable')).categories.get('billing')?.whyNot?.rectification?.fr).toBe(
      'Corrigée par un avoir.',
    );
    expect(() => parsePolicy(withWhy('apply'))).toThrow(
      /categories.billing.whyNot.rectification: only for a request type/,
    );
    expect(() => parsePolicy(withWhy('apply').replace('{ fr: "Corrigée par un avoir." }', '{ en: "x" }'))).toThrow(
      /whyNot.rectification.fr: is required/,
    );
  });
});

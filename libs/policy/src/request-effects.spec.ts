import { erasureDecision, longestRetention } from './erasure-decision';
import { loadPolicy, resolvePolicyPath } from './policy.loader';
import { inLocale, POLICY_REQUEST_TYPES } from './policy.model';
import { categoriesCovered, effectOf, ruleFor } from './request-effects';

const fr = loadPolicy(resolvePolicyPath());

describe('the French hosting-provider profile: each rule of the law, citing its text', () => {
  it.each([
    // category, [period, from, ground, legal text] of each obligation
    // LCEN art. 6 II and décret 2021-1362 art. 2: the subscriber's civil identity, 5 years after the contract ends.
    ['identification', [['P5Y', 'contract-end', 'Art. 17(3)(b)', 'LCEN art. 6 et décret 2021-1362']]],
    ['subscriber-identity', [['P5Y', 'contract-end', 'Art. 17(3)(b)', 'LCEN art. 6 et décret 2021-1362']]],
    // décret 2021-1362 art. 3: account data, 1 year after the account is closed.
    ['account', [['P1Y', 'account-closure', 'Art. 17(3)(b)', 'décret 2021-1362 art. 3']]],
    // décret 2021-1362: connection data, 1 year from the connection.
    ['connection', [['P1Y', 'connection', 'Art. 17(3)(b)', 'décret 2021-1362']]],
    // Code de commerce L123-22: 10 years from the end of the financial year; LPF L102 B: 6 years from the last operation.
    [
      'billing',
      [
        ['P10Y', 'end-of-financial-year', 'Art. 17(3)(b)', 'Code de commerce L123-22'],
        ['P6Y', 'last-operation', 'Art. 17(3)(b)', 'Livre des procédures fiscales L102 B'],
      ],
    ],
    // CNIL délibération 2018-303: card data 13 months from the debit; décret 2021-1362 art. 3: account payment data.
    [
      'payment',
      [
        ['P13M', 'transaction', 'Art. 17(3)(e)', 'CNIL délibération 2018-303 (cartes de paiement, contestations)'],
        ['P1Y', 'account-closure', 'Art. 17(3)(b)', 'décret 2021-1362 art. 3'],
      ],
    ],
  ])('%s is kept under %j', (category, obligations) => {
    const d = erasureDecision(fr, category);
    if (d.action !== 'retain') throw new Error(`${category} is not retained`);
    expect(d.retentions.map((r) => [r.period, r.from, r.ground, r.legalText])).toEqual(obligations);
  });

  it('has no anti-money-laundering rule: CMF L561-12 binds only the entities of CMF L561-2, which a hosting provider is not', () => {
    expect(fr.profile).toBe('fr-hosting-provider');
    for (const name of fr.categories.keys()) expect(name).not.toMatch(/^aml/);
    for (const rule of fr.categories.values())
      for (const r of rule.retentions) expect(r.legalText).not.toContain('L561');
  });

  it('keeps prospects three years at most after their last contact, but erases them on request (a limit, not a hold)', () => {
    expect(erasureDecision(fr, 'prospection')).toEqual({
      action: 'erase',
      rule: 'prospection',
      limit: {
        period: 'P3Y',
        from: 'last-contact',
        legalText: 'CNIL référentiel "gestion commerciale" (délibération 2021-130)',
      },
    });
  });

  it('does not rectify issued invoices and says why, in French and English (Art. 16; Art. 12(4): the reasons)', () => {
    expect(effectOf(fr, 'rectification', 'billing')).toBe('not-applicable');
    const why = fr.categories.get('billing')?.whyNot?.rectification;
    expect(inLocale(why, 'fr')).toContain('avoir');
    expect(inLocale(why, 'en')).toContain('credit note');
    expect(inLocale(why, 'de')).toBe(why?.fr);
    // The subscriber identity is corrected (Art. 16); the fields a rectification names reach it, never billing.
    expect(effectOf(fr, 'rectification', 'subscriber-identity')).toBe('apply');
    expect(fr.fields.address).toEqual(['identification', 'subscriber-identity']);
    expect(Object.values(fr.fields).flat()).not.toContain('billing');
  });

  it('gives the reasons of every retention in French (Art. 12(1), 12(4))', () => {
    for (const [name, rule] of fr.categories)
      if (rule.action === 'retain') expect([name, rule.whyNot?.erasure?.fr]).toEqual([name, expect.any(String)]);
  });

  it('has deadlines, the due-soon window and the authority to complain to', () => {
    expect(fr.deadlines).toEqual({
      response: 'P1M',
      extensionMax: 'P2M',
      proofPeriod: 'P5Y',
      dueSoonWithin: 'P3D',
      timeZone: 'Europe/Paris',
    });
    expect(fr.authority).toEqual({ name: 'CNIL', complaintUrl: 'https://www.cnil.fr/fr/adresser-une-plainte' });
  });
});

describe('the opt-in profile of an entity under the anti-money-laundering obligations (CMF L561-2)', () => {
  const obliged = loadPolicy(resolvePolicyPath('deploy/policy/obliged-entity.fr.yaml'));

  it('extends the French default and adds CMF L561-12: 5 years from the end of the relationship, and from each transaction', () => {
    expect(obliged.profile).toBe('fr-obliged-entity');
    expect(obliged.deadlines).toEqual(fr.deadlines);
    expect(erasureDecision(obliged, 'billing')).toEqual(erasureDecision(fr, 'billing'));
    expect(erasureDecision(obliged, 'aml-due-diligence')).toMatchObject({
      action: 'retain',
      retention: { period: 'P5Y', from: 'end-of-relationship', legalText: 'Code monétaire et financier L561-12' },
    });
    expect(erasureDecision(obliged, 'aml-transactions')).toMatchObject({
      action: 'retain',
      retention: { period: 'P5Y', from: 'transaction', legalText: 'Code monétaire et financier L561-12' },
    });
  });

  it('does not exclude these records from the copy of the data (Art. 15)', () => {
    expect(effectOf(obliged, 'access', 'aml-due-diligence')).toBe('include');
    expect(effectOf(obliged, 'access', 'aml-transactions')).toBe('include');
  });
});

describe('what each request type does to each category (French hosting provider)', () => {
  // erasure, access, portability, restriction, objection, rectification
  it.each([
    ['billing', 'retain', 'include', 'exclude', 'apply', 'not-applicable', 'not-applicable'],
    ['payment', 'retain', 'include', 'include', 'apply', 'not-applicable', 'apply'],
    ['identification', 'retain', 'include', 'include', 'apply', 'not-applicable', 'apply'],
    ['subscriber-identity', 'retain', 'include', 'include', 'apply', 'not-applicable', 'apply'],
    ['account', 'retain', 'include', 'include', 'apply', 'not-applicable', 'apply'],
    ['connection', 'retain', 'include', 'exclude', 'apply', 'not-applicable', 'not-applicable'],
    ['relationship', 'erase', 'include', 'include', 'apply', 'not-applicable', 'apply'],
    ['usage', 'erase', 'include', 'exclude', 'apply', 'apply', 'not-applicable'],
    ['prospection', 'erase', 'include', 'exclude', 'apply', 'apply', 'apply'],
    // Not named: the default rule.
    ['support-tickets', 'erase', 'include', 'exclude', 'apply', 'apply', 'apply'],
    ['__proto__', 'erase', 'include', 'exclude', 'apply', 'apply', 'apply'],
  ])('%s', (category, ...expected) => {
    expect(POLICY_REQUEST_TYPES.map((t) => effectOf(fr, t, category))).toEqual(expected);
  });

  it('portability includes only data the subject provided under consent or contract (Art. 20(1))', () => {
    for (const [name, rule] of fr.categories) {
      if (rule.requests.portability === 'include')
        expect([name, rule.provided]).toEqual([name, expect.stringMatching(/^(consent|contract)$/)]);
    }
  });

  it('lists the categories a request covers', () => {
    const categories = ['billing', 'connection', 'usage', 'payment', 'relationship'];
    expect(categoriesCovered(fr, 'access', categories)).toEqual(categories);
    expect(categoriesCovered(fr, 'portability', categories)).toEqual(['payment', 'relationship']);
    expect(categoriesCovered(fr, 'objection', categories)).toEqual(['usage']);
    expect(categoriesCovered(fr, 'rectification', categories)).toEqual(['payment', 'relationship']);
  });

  it('says which rule applied', () => {
    expect(ruleFor(fr, 'billing')?.name).toBe('billing');
    expect(ruleFor(fr, 'constructor')?.name).toBe('default');
  });
});

describe('longestRetention', () => {
  it.each([
    [['P1Y', 'P10Y', 'P6Y'], 'P10Y'],
    [['P12M', 'P1Y'], 'P12M'],
    [['P1Y1D', 'P1Y'], 'P1Y1D'],
    [['P2M', 'P61D'], 'P61D'],
    [['P2M', 'P60D'], 'P2M'], // a tie (31 Jan 2000 + either = 31 March): the first
    [['P5Y'], 'P5Y'],
  ])('%j → %s', (periods, expected) => {
    expect(longestRetention(periods.map((period) => ({ period })))?.period).toBe(expected);
  });

  it('is undefined for no rule', () => expect(longestRetention([])).toBeUndefined());
});

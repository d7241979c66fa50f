import { erasureDecision, longestRetention } from './erasure-decision';
import { loadPolicy, resolvePolicyPath } from './policy.loader';
import { POLICY_REQUEST_TYPES } from './policy.model';
import { categoriesCovered, effectOf, ruleFor } from './request-effects';

const fr = loadPolicy(resolvePolicyPath());

describe('the French default profile: the six rules of the law, each citing its text', () => {
  it.each([
    // category, period, from, ground, legal text (the longest obligation of the category)
    ['billing', 'P10Y', 'record-date', 'Art. 17(3)(b)', 'Code de commerce L123-22'],
    ['payment', 'P10Y', 'record-date', 'Art. 17(3)(b)', 'Code de commerce L123-22'],
    ['aml-due-diligence', 'P5Y', 'end-of-relationship', 'Art. 17(3)(b)', 'Code monétaire et financier L561-12'],
    ['subscriber-identity', 'P5Y', 'contract-end', 'Art. 17(3)(b)', 'LCEN art. 6 and décret 2021-1362'],
    ['connection', 'P1Y', 'connection', 'Art. 17(3)(b)', 'décret 2021-1362'],
  ])('%s is kept %s from %s under %s (%s)', (category, period, from, ground, legalText) => {
    const d = erasureDecision(fr, category);
    expect(d).toMatchObject({ action: 'retain', rule: category, retention: { period, from, ground, legalText } });
  });

  it('keeps tax records six years from the last operation (LPF L102 B), within the ten years of the accounts', () => {
    for (const category of ['billing', 'payment']) {
      const d = erasureDecision(fr, category);
      if (d.action !== 'retain') throw new Error(`${category} is not retained`);
      expect(d.retentions.map((r) => [r.period, r.from, r.legalText])).toEqual([
        ['P10Y', 'record-date', 'Code de commerce L123-22'],
        ['P6Y', 'last-operation', 'Livre des procédures fiscales L102 B'],
      ]);
    }
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

describe('what each request type does to each category (French default)', () => {
  // erasure, access, portability, restriction, objection, rectification
  it.each([
    ['billing', 'retain', 'include', 'exclude', 'apply', 'not-applicable', 'apply'],
    ['payment', 'retain', 'include', 'include', 'apply', 'not-applicable', 'apply'],
    ['aml-due-diligence', 'retain', 'exclude', 'exclude', 'apply', 'not-applicable', 'apply'],
    ['subscriber-identity', 'retain', 'include', 'include', 'apply', 'not-applicable', 'apply'],
    ['connection', 'retain', 'include', 'exclude', 'apply', 'not-applicable', 'not-applicable'],
    ['identification', 'erase', 'include', 'include', 'apply', 'not-applicable', 'apply'],
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
    const categories = ['billing', 'aml-due-diligence', 'usage', 'payment', 'relationship'];
    expect(categoriesCovered(fr, 'access', categories)).toEqual(['billing', 'usage', 'payment', 'relationship']);
    expect(categoriesCovered(fr, 'portability', categories)).toEqual(['payment', 'relationship']);
    expect(categoriesCovered(fr, 'objection', categories)).toEqual(['usage']);
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

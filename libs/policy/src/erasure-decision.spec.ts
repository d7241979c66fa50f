import { erasureDecision } from './erasure-decision';
import { loadPolicy, parsePolicy, resolvePolicyPath } from './policy.loader';

describe('erasureDecision with the French default profile', () => {
  const policy = loadPolicy(resolvePolicyPath());

  it.each([
    ['billing', 'retain', 'P10Y', 'end-of-financial-year', 'Code de commerce L123-22'],
    ['payment', 'retain', 'P13M', 'transaction', 'CNIL délibération 2018-303 (cartes de paiement, contestations)'],
    ['identification', 'retain', 'P5Y', 'contract-end', 'LCEN art. 6 et décret 2021-1362'],
    ['relationship', 'erase', undefined, undefined, undefined],
    ['usage', 'erase', undefined, undefined, undefined],
    ['prospection', 'erase', undefined, undefined, undefined],
  ])('%s → %s', (category, action, period, from, legalText) => {
    const d = erasureDecision(policy, category);
    expect(d.action).toBe(action);
    expect(d.rule).toBe(category);
    if (d.action === 'retain') expect(d.retention).toMatchObject({ period, legalText, from });
  });

  it.each(['support-tickets', 'constructor', '__proto__'])(
    'a category the file does not name (%s) takes the default rule',
    (category) => {
      expect(erasureDecision(policy, category)).toEqual({ action: 'erase', rule: 'default' });
    },
  );
});

describe('erasureDecision with a default that retains', () => {
  const policy = parsePolicy(`
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 4, retryBackoff: PT5M }
categories:
  default: { action: retain, retention: { period: P1Y, from: end-of-contract, ground: "Art. 17(3)(b)", legalText: "décret 2021-1362" } }
  usage: { action: erase }
`);

  it('applies the default rule, retention included', () => {
    expect(erasureDecision(policy, 'account')).toMatchObject({
      action: 'retain',
      rule: 'default',
      retention: { period: 'P1Y', legalText: 'décret 2021-1362' },
    });
    expect(erasureDecision(policy, 'usage')).toEqual({ action: 'erase', rule: 'usage' });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from './policy.loader';
import { requiredProofs, verificationSatisfied } from './verification';

const MINIMAL = `
version: 1
profile: t
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: P1D, maxAttempts: 3, retryBackoff: PT1H }
categories: { default: { action: erase } }
`;

describe('policy: verification', () => {
  it('defaults: suspension on, 30 days, codes of 15 minutes with 5 attempts and 10 wrong per subject per day, erasure needs code + customer number, a portal session or the DPO', () => {
    const p = parsePolicy(MINIMAL);
    expect(p.verification.suspendDeadline).toBe(true);
    expect(p.verification.unverifiedAfter).toBe('P30D');
    expect(p.verification.code).toEqual({
      ttl: 'PT15M',
      maxAttempts: 5,
      resendCooldown: 'PT1M',
      maxWrongPerSubject: 10,
      wrongWindow: 'P1D',
    });
    expect(requiredProofs(p.verification, 'erasure')).toEqual([
      ['code', 'customer-number'],
      ['portal-session'],
      ['dpo-attested'],
    ]);
    expect(requiredProofs(p.verification, 'access')).toEqual([['code'], ['portal-session'], ['dpo-attested']]);
    expect(requiredProofs(p.verification, 'access', true)).toEqual([['dpo-attested']]);
    expect(requiredProofs(p.verification, 'erasure', true)).toEqual([['dpo-attested']]);
  });

  it('the shipped French policy reads, with its verification section', () => {
    const p = parsePolicy(readFileSync(join(__dirname, '../../../deploy/policy/default.fr.yaml'), 'utf8'));
    expect(requiredProofs(p.verification, 'access')).toEqual([['code'], ['portal-session'], ['dpo-attested']]);
    expect(requiredProofs(p.verification, 'erasure')).toEqual([
      ['code', 'customer-number'],
      ['portal-session'],
      ['dpo-attested'],
    ]);
    expect(requiredProofs(p.verification, 'erasure', true)).toEqual([['dpo-attested']]);
    expect(p.verification.code.maxAttempts).toBe(5);
    expect(p.verification.code).toMatchObject({ maxWrongPerSubject: 10, wrongWindow: 'P1D' });
  });

  it('refuses a per-subject limit of wrong codes that is not a whole number from 1 to 100', () => {
    for (const bad of ['0', '101', 'many'])
      expect(() => parsePolicy(`${MINIMAL}verification: { code: { maxWrongPerSubject: ${bad} } }\n`)).toThrow(
        /verification\.code\.maxWrongPerSubject/,
      );
  });

  it('accepts portal-session as a proof, alone or with others', () => {
    const p = parsePolicy(
      `${MINIMAL}verification: { requests: { access: [[portal-session]], erasure: [[portal-session, customer-number], [dpo-attested]] } }\n`,
    );
    expect(requiredProofs(p.verification, 'access')).toEqual([['portal-session']]);
    expect(verificationSatisfied(requiredProofs(p.verification, 'erasure'), ['portal-session'])).toBe(false);
    expect(
      verificationSatisfied(requiredProofs(p.verification, 'erasure'), ['portal-session', 'customer-number']),
    ).toBe(true);
  });

  it("refuses a representative's list naming a proof of the subject (code, portal-session): the mandate needs the DPO", () => {
    expect(() => parsePolicy(`${MINIMAL}verification: { representative: [[code]] }\n`)).toThrow(
      /verification.representative\[0\]: code cannot prove a representative's mandate/,
    );
    expect(() =>
      parsePolicy(`${MINIMAL}verification: { representative: [[dpo-attested], [portal-session]] }\n`),
    ).toThrow(/verification.representative\[1\]: portal-session cannot prove/);
    expect(() =>
      parsePolicy(`${MINIMAL}verification: { representative: [[dpo-attested, customer-number]] }\n`),
    ).not.toThrow();
  });

  it('refuses an unknown proof and a bad duration', () => {
    expect(() => parsePolicy(`${MINIMAL}verification: { requests: { access: [[selfie]] } }\n`)).toThrow(
      /verification.requests.access\[0\]/,
    );
    expect(() => parsePolicy(`${MINIMAL}verification: { code: { ttl: soon } }\n`)).toThrow(/verification.code.ttl/);
    expect(() => parsePolicy(`${MINIMAL}verification: { suspend: true }\n`)).toThrow(/unknown field/);
  });

  it('a code alone does not satisfy erasure; code + customer number, or the DPO, does', () => {
    const erasure = requiredProofs(parsePolicy(MINIMAL).verification, 'erasure');
    expect(verificationSatisfied(erasure, ['code'])).toBe(false);
    expect(verificationSatisfied(erasure, ['code', 'customer-number'])).toBe(true);
    expect(verificationSatisfied(erasure, ['dpo-attested'])).toBe(true);
    expect(verificationSatisfied(erasure, ['portal-session'])).toBe(true);
    expect(verificationSatisfied(erasure, ['customer-number'])).toBe(false);
  });
});

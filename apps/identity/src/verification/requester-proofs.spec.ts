import { parsePolicy } from '@datarights/policy';
import { awaitedProofs, nextStep, proofsInHand, requiredFor, type RequesterFacts } from './requester-proofs';

const MINIMAL = `
version: 1
profile: t
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: P1D, maxAttempts: 3, retryBackoff: PT1H }
categories: { default: { action: erase } }
`;
const defaults = parsePolicy(MINIMAL).verification;
const withoutSessions = parsePolicy(
  `${MINIMAL}verification: { requests: { access: [[code], [dpo-attested]], erasure: [[code, portal-session], [dpo-attested]] } }\n`,
).verification;

const subjectKeys = new Set(['email:sam@example.test', 'customerId:C-1']);
const facts = (over: Partial<RequesterFacts> = {}): RequesterFacts => ({
  type: 'erasure',
  filedBy: 'subject',
  byRepresentative: false,
  portalSession: false,
  givenKeys: ['customerId:C-1'],
  ...over,
});

describe("identity's choice of proofs for a requester", () => {
  it("a representative's request follows verification.representative: the DPO attests, whatever the type or the route", () => {
    for (const filedBy of ['dpo', 'subject'] as const) {
      for (const type of ['erasure', 'access'] as const) {
        const r = facts({ filedBy, type, byRepresentative: true });
        expect(requiredFor(defaults, r)).toEqual([['dpo-attested']]);
        expect(awaitedProofs(defaults, r)).toEqual(['dpo-attested']);
        expect(nextStep(defaults, r, proofsInHand(r, subjectKeys))).toEqual({ step: 'dpo' });
      }
    }
  });

  it('a representative filing from a customer-space session still waits for the DPO (the session proves the subject, not the mandate)', () => {
    const r = facts({ byRepresentative: true, portalSession: true });
    expect(proofsInHand(r, subjectKeys)).toEqual(['customer-number', 'portal-session']);
    expect(nextStep(defaults, r, proofsInHand(r, subjectKeys))).toEqual({ step: 'dpo' });
  });

  it("a portal request whose session customer number is the subject's verifies at once, erasure included", () => {
    for (const type of ['erasure', 'access', 'portability', 'rectification', 'restriction', 'objection'] as const) {
      const r = facts({ type, portalSession: true });
      expect(nextStep(defaults, r, proofsInHand(r, subjectKeys))).toEqual({ step: 'verify', method: 'portal-session' });
    }
  });

  it("a portal request whose customer number is not the subject's gets a code, like an anonymous one", () => {
    const r = facts({ portalSession: true, givenKeys: ['customerId:C-2', 'email:sam@example.test'] });
    expect(proofsInHand(r, subjectKeys)).toEqual([]);
    expect(nextStep(defaults, r, [])).toEqual({ step: 'code' });
  });

  it('a policy that does not list portal-session alone asks for a code (then session + code together)', () => {
    const access = facts({ type: 'access', portalSession: true });
    expect(nextStep(withoutSessions, access, proofsInHand(access, subjectKeys))).toEqual({ step: 'code' });
    const erasure = facts({ portalSession: true });
    expect(nextStep(withoutSessions, erasure, proofsInHand(erasure, subjectKeys))).toEqual({ step: 'code' });
  });

  it("a customer number alone never verifies: an anonymous request with the subject's customer number gets a code", () => {
    const r = facts();
    expect(proofsInHand(r, subjectKeys)).toEqual(['customer-number']);
    expect(
      nextStep(
        parsePolicy(`${MINIMAL}verification: { requests: { erasure: [[customer-number]] } }\n`).verification,
        r,
        ['customer-number'],
      ),
    ).toEqual({ step: 'code' });
  });

  it('an objection to direct marketing only, where the policy applies it without proof, verifies at once, whoever filed it (Art. 21(3))', () => {
    for (const filedBy of ['dpo', 'subject'] as const) {
      const r = facts({ type: 'objection', filedBy, givenKeys: ['email:sam@example.test'], noProofNeeded: true });
      expect(nextStep(defaults, r, [])).toEqual({ step: 'verify', method: 'not-required' });
      expect(awaitedProofs(defaults, r)).toBeUndefined();
    }
    const weighed = facts({ type: 'objection', givenKeys: ['email:sam@example.test'], noProofNeeded: false });
    expect(nextStep(defaults, weighed, [])).toEqual({ step: 'code' });
  });

  it("says what it awaits for a subject's own request, and nothing for the DPO's own filings (unchanged)", () => {
    expect(awaitedProofs(defaults, facts())).toEqual(['code+customer-number', 'portal-session', 'dpo-attested']);
    expect(awaitedProofs(defaults, facts({ type: 'access' }))).toEqual(['code', 'portal-session', 'dpo-attested']);
    expect(awaitedProofs(defaults, facts({ filedBy: 'dpo' }))).toBeUndefined();
    expect(nextStep(defaults, facts({ filedBy: 'dpo' }), ['customer-number'])).toEqual({ step: 'dpo' });
    expect(nextStep(defaults, facts({ filedBy: null }), [])).toEqual({ step: 'dpo' });
  });
});

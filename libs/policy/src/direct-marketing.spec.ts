import { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy, PolicyError } from './policy.loader';
import { directMarketingOf, needsNoProof } from './direct-marketing';

const MINIMAL = `
version: 1
profile: t
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: P1D, maxAttempts: 3, retryBackoff: PT1H }
categories: { default: { action: erase } }
`;

describe('policy: objection to direct marketing (GDPR Art. 21(2)-(3))', () => {
  it('defaults: prospection and direct-marketing are absolute, and a proof is asked unless the file says otherwise', () => {
    const d = parsePolicy(MINIMAL).directMarketing;
    expect(d.purposes).toEqual(['prospection', 'direct-marketing']);
    expect(d.objectionWithoutProof).toBe(false);
    expect(needsNoProof(d, { type: 'objection', purposes: ['prospection'] })).toBe(false);
  });

  it("the French profile: the marketing purposes a hosting provider's systems register, applied without proof (CPCE L34-5, LCEN art. 22)", () => {
    const d = loadPolicy(DEFAULT_POLICY_FILE).directMarketing;
    expect(d.purposes).toEqual(['prospection', 'direct-marketing', 'loyalty', 'surveys', 'promotions', 'newsletters']);
    expect(d.objectionWithoutProof).toBe(true);
  });

  it('no proof only for an objection to direct-marketing purposes only: one weighed purpose (Art. 21(1)) brings the usual proof back', () => {
    const d = loadPolicy(DEFAULT_POLICY_FILE).directMarketing;
    expect(needsNoProof(d, { type: 'objection', purposes: ['newsletters', 'prospection'] })).toBe(true);
    expect(needsNoProof(d, { type: 'objection', purposes: ['prospection', 'service-improvement'] })).toBe(false);
    expect(needsNoProof(d, { type: 'objection', purposes: [] })).toBe(false);
    expect(needsNoProof(d, { type: 'objection', purposes: null })).toBe(false);
    expect(needsNoProof(d, { type: 'erasure', purposes: ['prospection'] })).toBe(false);
    expect(directMarketingOf(d, ['service-improvement', 'loyalty'])).toEqual(['loyalty']);
  });

  it('refuses a purpose that is not a slug and a list that is empty, with the path', () => {
    expect(() => parsePolicy(`${MINIMAL}directMarketing: { purposes: [Prospection] }\n`)).toThrow(PolicyError);
    expect(() => parsePolicy(`${MINIMAL}directMarketing: { purposes: [] }\n`)).toThrow(/directMarketing\.purposes/);
    expect(() => parsePolicy(`${MINIMAL}directMarketing: { objectionWithoutProof: yes-please }\n`)).toThrow(
      /objectionWithoutProof/,
    );
  });
});

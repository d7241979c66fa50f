import { parsePolicy } from './policy.loader';
import { authoritativeKinds, identityLinksFingerprint } from './identity-links';
import { loadPolicy, resolvePolicyPath } from './policy.loader';

const BASE = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 3, retryBackoff: PT5M }
categories:
  default: { action: erase }
`;

describe('identity links policy', () => {
  it('reads which systems are authoritative for which key kinds', () => {
    const p = parsePolicy(`${BASE}
identity:
  authoritative:
    crm: [phone, email, customerId]
    billing: [customerId]
  uniqueKinds: [customerId]
`);
    expect(authoritativeKinds(p.identity, 'crm')).toEqual(['customerId', 'email', 'phone']);
    expect(authoritativeKinds(p.identity, 'billing')).toEqual(['customerId']);
    expect(authoritativeKinds(p.identity, 'marketing')).toEqual([]);
    expect(authoritativeKinds(p.identity, 'constructor')).toEqual([]);
    expect(p.identity.uniqueKinds).toEqual(['customerId']);
  });

  it('makes every link weak without the section, customer numbers unique', () => {
    const p = parsePolicy(BASE);
    expect(p.identity.authoritative).toEqual({});
    expect(p.identity.uniqueKinds).toEqual(['customerId']);
  });

  it('refuses an unknown key kind, an empty list and a bad system id, naming each', () => {
    expect(() =>
      parsePolicy(`${BASE}
identity:
  authoritative:
    crm: [email, address]
    billing: []
    Bad_Id: [email]
  uniqueKinds: [iban]
`),
    ).toThrow(
      /identity\.uniqueKinds: each must be one of[\s\S]*identity\.authoritative\.crm: must be a non-empty list[\s\S]*identity\.authoritative\.billing: must be a non-empty list[\s\S]*identity\.authoritative\.Bad_Id: the system id must be a lowercase slug/,
    );
  });

  it('changes its fingerprint when the authority changes, not when the file is reordered', () => {
    const a = parsePolicy(`${BASE}\nidentity: { authoritative: { crm: [email, phone], billing: [customerId] } }`);
    const b = parsePolicy(`${BASE}\nidentity: { authoritative: { billing: [customerId], crm: [phone, email] } }`);
    const c = parsePolicy(`${BASE}\nidentity: { authoritative: { crm: [email] } }`);
    expect(identityLinksFingerprint(a.identity)).toBe(identityLinksFingerprint(b.identity));
    expect(identityLinksFingerprint(a.identity)).not.toBe(identityLinksFingerprint(c.identity));
  });

  it('the shipped profiles name the CRM and billing as authoritative and nothing else', () => {
    for (const file of ['default.fr.yaml', 'obliged-entity.fr.yaml']) {
      const p = loadPolicy(resolvePolicyPath().replace(/default\.fr\.yaml$/, file));
      expect(Object.keys(p.identity.authoritative).sort()).toEqual(['billing', 'crm']);
      expect(authoritativeKinds(p.identity, 'crm')).toEqual(['customerId', 'email', 'phone']);
      expect(authoritativeKinds(p.identity, 'marketing')).toEqual([]);
    }
  });
});

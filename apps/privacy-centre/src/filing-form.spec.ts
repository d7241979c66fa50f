import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { filingPage } from './pages';
import { requirementsOf, validateFiling } from './filing-form';
import { MESSAGES } from './messages';

const policy = loadPolicy(resolvePolicyPath('deploy/policy/default.fr.yaml'));
const m = MESSAGES.fr;

describe('the privacy centre filing form', () => {
  it('reads from the policy that an erasure needs the customer number with the code, and an access the code alone', () => {
    expect(requirementsOf(policy, 'erasure')).toEqual({ code: true, customerNumber: true });
    expect(requirementsOf(policy, 'access')).toEqual({ code: true, customerNumber: false });
    const dpoOnly = {
      verification: {
        ...policy.verification,
        requests: { ...policy.verification.requests, access: [['dpo-attested']] },
      },
    };
    expect(requirementsOf(dpoOnly as typeof policy, 'access')).toEqual({ code: false, customerNumber: false });
  });

  it('names each missing or malformed field in French', () => {
    expect(validateFiling({}, policy, m).errors).toEqual({
      type: m.errors.typeRequired,
      identifiers: m.errors.identifierRequired,
    });
    expect(validateFiling({ type: 'access', email: 'nope', phone: '0612' }, policy, m).errors).toEqual({
      email: m.errors.emailInvalid,
      phone: m.errors.phoneInvalid,
    });
    expect(validateFiling({ type: 'erasure', email: 'a@b.fr' }, policy, m).errors).toEqual({
      customerId: m.errors.customerIdRequired,
    });
    expect(validateFiling({ type: 'rectification', email: 'a@b.fr' }, policy, m).errors).toEqual({
      changes: m.errors.changesRequired,
    });
    expect(validateFiling({ type: 'rectification', email: 'a@b.fr', changeField1: 'email' }, policy, m).errors).toEqual(
      {
        change1: m.errors.changeIncomplete,
      },
    );
    expect(
      validateFiling({ type: 'objection', email: 'a@b.fr', otherPurposes: 'Profil Age' }, policy, m).errors,
    ).toEqual({
      otherPurposes: m.errors.purposeInvalid,
    });
    expect(validateFiling({ type: 'restriction', email: 'a@b.fr', ground: 'because' }, policy, m).errors).toEqual({
      ground: m.errors.groundRequired,
    });
  });

  it('builds the self-service body with only the field of its type, filed through the portal', () => {
    expect(
      validateFiling(
        {
          type: 'objection',
          email: ' a@b.fr ',
          'purpose-prospection': '1',
          'purpose-newsletters': '1',
          otherPurposes: 'profilage, prospection',
          ground: 'x',
        },
        policy,
        m,
      ).body,
    ).toEqual({
      type: 'objection',
      subject: { email: 'a@b.fr' },
      channel: 'portal',
      purposes: ['prospection', 'newsletters', 'profilage'],
    });
    expect(
      validateFiling(
        { type: 'rectification', customerId: 'C-1', changeField0: 'email', changeValue0: 'new@b.fr' },
        policy,
        m,
      ).body,
    ).toEqual({
      type: 'rectification',
      subject: { customerId: 'C-1' },
      channel: 'portal',
      changes: { email: 'new@b.fr' },
    });
    expect(validateFiling({ type: 'erasure', email: 'a@b.fr', customerId: 'C-1' }, policy, m).body).toEqual({
      type: 'erasure',
      subject: { email: 'a@b.fr', customerId: 'C-1' },
      channel: 'portal',
    });
  });
});

describe('the objection form offers the policy’s direct-marketing purposes (Art. 21(3); issue 14)', () => {
  it('one box per purpose of directMarketing.purposes, in plain words, and no other', () => {
    const page = filingPage('fr', policy, { type: 'objection' });
    for (const p of policy.directMarketing.purposes)
      expect(page).toMatch(new RegExp(`type="checkbox"\\s+id="purpose-${p}"\\s+name="purpose-${p}"`));
    expect(page).toContain('Lettres d’information (toujours accordée, art. 21(3))');
    const narrow = { ...policy, directMarketing: { ...policy.directMarketing, purposes: ['newsletters'] } };
    const other = filingPage('en', narrow, { type: 'objection' });
    expect(other).toContain('id="purpose-newsletters"');
    expect(other).not.toContain('id="purpose-prospection"');
    expect(
      validateFiling({ type: 'objection', email: 'a@b.fr', 'purpose-prospection': '1' }, narrow, m).errors,
    ).toEqual({
      purposes: m.errors.purposesRequired,
    });
  });
});

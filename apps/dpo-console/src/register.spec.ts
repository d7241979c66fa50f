import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { MESSAGES } from './messages';
import { registerCsv, registerPage, registerRows } from './register';

const policy = loadPolicy(resolvePolicyPath('deploy/policy/default.fr.yaml'));

describe('the Art. 30 register export', () => {
  const system = {
    systemId: 'billing',
    name: 'Facturation',
    owner: 'finance',
    role: 'controller',
    purposes: ['billing'],
    legalBasis: 'contract',
    categories: ['billing'],
    location: 'FR',
    recipients: [{ name: 'Cabinet, "Comptable"', kind: 'sub-processor', country: 'FR', categories: ['billing'] }],
    transfers: [],
  };

  it('adds each category retention from the policy, with its legal text', () => {
    const [row] = registerRows([system], policy, MESSAGES.fr);
    expect(row.retention).toContain('Code de commerce L123-22');
    expect(row.retention).toContain('P10Y');
  });

  it('writes RFC 4180 CSV with a BOM, quoted cells, and formulas neutralised', () => {
    const rows = registerRows([{ ...system, owner: '=HYPERLINK("x")' }], policy, MESSAGES.fr);
    const csv = registerCsv(rows, MESSAGES.fr);
    expect(csv.startsWith('\uFEFFSystème,Responsable,')).toBe(true);
    const line = csv.split('\r\n')[1];
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
    expect(line).toContain('"Cabinet, ""Comptable"" (sub-processor, FR: billing)"');
  });

  describe('registrations waiting for the DPO (Art. 28, 30, 32)', () => {
    const pending = {
      registrationId: '2b1e4c6a-90f0-4c2a-8e3b-1d4c6e9a7f2d',
      systemId: 'hosting',
      name: 'Hébergement <géré>',
      receivedAt: '2026-12-07T10:00:00.000Z',
      changes: [
        { field: 'role', from: 'controller', to: 'processor' },
        { field: 'controllerContact', to: 'dpo@client.example' },
      ],
    };
    const frame = (lang: 'fr' | 'en') => ({ lang, csrf: 'csrf-token-1', signedIn: true, path: '/register' });

    it('shows what each changes, in French by default, with an Approve and a Reject form carrying the CSRF token', () => {
      const page = registerPage(frame('fr'), [], [pending]);
      expect(page).toContain('Enregistrements en attente de votre approbation');
      expect(page).toContain('rôle: controller → processor');
      expect(page).toContain('contact du responsable: aucun → dpo@client.example');
      expect(page).toContain('Hébergement &lt;géré&gt;');
      const forms = page.match(/<form method="post" action="[^"]+">[\s\S]*?<\/form>/g) ?? [];
      const actions = forms.map((f) => /action="([^"]+)"/.exec(f)![1]);
      expect(actions).toEqual(
        expect.arrayContaining([
          `/register/hosting/registrations/${pending.registrationId}/approval`,
          `/register/hosting/registrations/${pending.registrationId}/rejection`,
        ]),
      );
      for (const f of forms.filter((x) => x.includes('/registrations/')))
        expect(f).toContain('name="_csrf" value="csrf-token-1"');
      expect(page).toMatch(/<textarea[^>]*name="reason"[^>]*required/);
    });

    it('speaks English too, and says when nothing waits', () => {
      expect(registerPage(frame('en'), [], [pending])).toContain('controller contact: none → dpo@client.example');
      expect(registerPage(frame('en'), [], [])).toContain('No registration waiting.');
    });
  });
});

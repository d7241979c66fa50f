import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { MESSAGES } from './messages';
import { registerCsv, registerRows } from './register';

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
});

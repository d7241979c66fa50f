import { groupPlanItems, normalisedKeys, type Holding, type KnownSystem } from './plan-builder';

const crm: KnownSystem = { systemId: 'crm', role: 'controller', capabilities: ['export', 'erase'] };
const hosting: KnownSystem = {
  systemId: 'hosting',
  role: 'processor',
  controller: 'customer-42',
  capabilities: ['export'],
};

describe('groupPlanItems', () => {
  it('groups holdings by system, with sorted categories, summed records and what the inventory knows', () => {
    const holdings: Holding[] = [
      { systemId: 'hosting', category: 'usage', records: 4 },
      { systemId: 'crm', category: 'relationship', records: 1 },
      { systemId: 'crm', category: 'identification', records: 2 },
    ];
    const { items, unregistered } = groupPlanItems(holdings, [crm, hosting]);
    expect(unregistered).toEqual([]);
    expect(items).toEqual([
      {
        systemId: 'crm',
        role: 'controller',
        categories: ['identification', 'relationship'],
        capabilities: ['export', 'erase'],
        records: 3,
      },
      {
        systemId: 'hosting',
        role: 'processor',
        controller: 'customer-42',
        categories: ['usage'],
        capabilities: ['export'],
        records: 4,
      },
    ]);
  });

  it('gives a system that never registered the controller role and no capability, and reports it', () => {
    const { items, unregistered } = groupPlanItems([{ systemId: 'shadow-it', category: 'billing', records: 1 }], [crm]);
    expect(unregistered).toEqual(['shadow-it']);
    expect(items).toEqual([
      { systemId: 'shadow-it', role: 'controller', categories: ['billing'], capabilities: [], records: 1 },
    ]);
  });

  it('leaves out registered systems that hold nothing of the subject, and empty holdings', () => {
    const { items } = groupPlanItems([{ systemId: 'crm', category: 'billing', records: 0 }], [crm, hosting]);
    expect(items).toEqual([]);
  });

  it('does not share the inventory capability arrays with the plan', () => {
    const { items } = groupPlanItems([{ systemId: 'crm', category: 'billing', records: 1 }], [crm]);
    items[0].capabilities.push('rectify');
    expect(crm.capabilities).toEqual(['export', 'erase']);
  });
});

describe('normalisedKeys', () => {
  it('normalises and de-duplicates every kind, as the index stores them', () => {
    expect(
      normalisedKeys({
        email: [' Jane@Example.COM', 'jane@example.com'],
        customerId: [' C-1 '],
        phone: ['+33 6 12-34.56 78'],
      }),
    ).toEqual({
      email: ['jane@example.com'],
      customerId: ['C-1'],
      phone: ['+33612345678'],
    });
  });

  it('gives empty lists for absent kinds', () => {
    expect(normalisedKeys({ customerId: ['C-2'] })).toEqual({ email: [], customerId: ['C-2'], phone: [] });
  });
});

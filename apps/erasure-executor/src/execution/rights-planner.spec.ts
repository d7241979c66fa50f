import type { PlanItem } from '@datarights/contracts';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';
import { planObjection, planRectification, planRestriction } from './rights-planner';

const frDefault = loadPolicy(resolvePolicyPath());

const item = (o: Partial<PlanItem> & Pick<PlanItem, 'systemId' | 'categories'>): PlanItem =>
  ({
    role: 'controller',
    capabilities: ['export', 'erase', 'rectify', 'restrict', 'suppress'],
    records: 1,
    ...o,
  }) as PlanItem;

// The demo systems' shape: CRM and support rectify; billing and marketing cannot.
const demoPlan: PlanItem[] = [
  item({ systemId: 'crm', categories: ['identification'], capabilities: ['export', 'erase', 'rectify', 'restrict'] }),
  item({ systemId: 'billing', categories: ['billing', 'payment'], capabilities: ['export', 'erase', 'restrict'] }),
  item({ systemId: 'support', categories: ['relationship'], capabilities: ['export', 'erase', 'rectify'] }),
  item({
    systemId: 'marketing',
    categories: ['usage', 'prospection'],
    capabilities: ['export', 'erase', 'restrict', 'suppress'],
  }),
];

describe('planRectification (Art. 16) with the French default profile', () => {
  it('sends the same changes to every system holding a category of the changed field, escalates those that cannot rectify', () => {
    const changes = { email: 'jeanne.new@example.fr' };
    expect(planRectification(frDefault, demoPlan, changes)).toEqual([
      { dispatch: true, kind: 'rectify', systemId: 'crm', categories: ['identification'], params: { changes } },
      {
        dispatch: false,
        kind: 'rectify',
        systemId: 'billing',
        categories: ['billing'],
        reason: expect.stringContaining("no 'rectify' capability"),
      },
      { dispatch: true, kind: 'rectify', systemId: 'support', categories: ['relationship'], params: { changes } },
      {
        dispatch: false,
        kind: 'rectify',
        systemId: 'marketing',
        categories: ['prospection'],
        reason: expect.stringContaining("no 'rectify' capability"),
      },
    ]);
  });

  it('leaves out the systems that do not hold the field', () => {
    expect(planRectification(frDefault, demoPlan, { fullName: 'Jeanne Martin-Durand' })).toEqual([
      {
        dispatch: true,
        kind: 'rectify',
        systemId: 'crm',
        categories: ['identification'],
        params: { changes: { fullName: 'Jeanne Martin-Durand' } },
      },
    ]);
  });

  it('asks every system where rectification applies for a field the policy does not map, never a category it does not apply to', () => {
    const actions = planRectification(frDefault, demoPlan, { shoeSize: '42' });
    expect(actions.map((a) => [a.systemId, a.categories])).toEqual([
      ['crm', ['identification']],
      ['billing', ['billing', 'payment']],
      ['support', ['relationship']],
      ['marketing', ['prospection']], // usage: rectification not-applicable
    ]);
  });

  it('forwards to the controller for a processor system (Art. 28)', () => {
    expect(
      planRectification(
        frDefault,
        [item({ systemId: 'hosted', role: 'processor', controller: 'ACME', categories: ['identification'] })],
        { email: 'a@b.fr' },
      ),
    ).toEqual([expect.objectContaining({ dispatch: false, kind: 'forward', systemId: 'hosted', controller: 'ACME' })]);
  });
});

describe('planObjection (Art. 21)', () => {
  const registrations = new Map([
    ['crm', { purposes: ['customer-relationship'] }],
    ['marketing', { purposes: ['prospection', 'service-improvement'] }],
  ]);

  it('prospection: a suppress command to every system pursuing it, at once (Art. 21(3))', () => {
    expect(planObjection(frDefault, demoPlan, ['prospection'], registrations)).toEqual([
      {
        dispatch: true,
        kind: 'suppress',
        systemId: 'marketing',
        categories: ['usage', 'prospection'],
        params: { purposes: ['prospection'], reason: expect.stringContaining('Art. 21(3)') },
      },
    ]);
  });

  it('legitimate interest: the DPO weighs it (Art. 21(1)), nothing is sent', () => {
    expect(planObjection(frDefault, demoPlan, ['service-improvement'], registrations)).toEqual([
      {
        dispatch: false,
        kind: 'suppress',
        systemId: 'marketing',
        categories: ['usage', 'prospection'],
        reason: expect.stringContaining('Art. 21(1)'),
        params: { purposes: ['service-improvement'], reason: expect.any(String) },
      },
    ]);
  });

  it('a system pursuing none of the purposes, or not registered, gets nothing; one that cannot suppress is escalated', () => {
    expect(planObjection(frDefault, demoPlan, ['prospection'], new Map())).toEqual([]);
    const noSuppress = [
      item({ systemId: 'marketing', categories: ['prospection'], capabilities: ['export', 'erase'] }),
    ];
    expect(planObjection(frDefault, noSuppress, ['prospection'], registrations)).toEqual([
      expect.objectContaining({
        dispatch: false,
        kind: 'suppress',
        systemId: 'marketing',
        reason: expect.stringContaining("no 'suppress' capability"),
      }),
    ]);
  });
});

describe('planRestriction (Art. 18)', () => {
  it('restrict commands with the ground to every system where restriction applies; escalates those that cannot', () => {
    const actions = planRestriction(frDefault, demoPlan, 'accuracy-contested');
    expect(actions).toEqual([
      {
        dispatch: true,
        kind: 'restrict',
        systemId: 'crm',
        categories: ['identification'],
        params: { ground: 'accuracy-contested', action: 'place' },
      },
      {
        dispatch: true,
        kind: 'restrict',
        systemId: 'billing',
        categories: ['billing', 'payment'],
        params: { ground: 'accuracy-contested', action: 'place' },
      },
      {
        dispatch: false,
        kind: 'restrict',
        systemId: 'support',
        categories: ['relationship'],
        reason: expect.stringContaining("no 'restrict' capability"),
      },
      {
        dispatch: true,
        kind: 'restrict',
        systemId: 'marketing',
        categories: ['usage', 'prospection'],
        params: { ground: 'accuracy-contested', action: 'place' },
      },
    ]);
    expect(planRestriction(frDefault, demoPlan, 'accuracy-contested', 'lift')[0]).toMatchObject({
      params: { action: 'lift' },
    });
  });
});

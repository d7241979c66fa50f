import type { PlanItem } from '@datarights/contracts';
import { loadPolicy, parsePolicy, resolvePolicyPath } from '@datarights/policy';
import { planErasure } from './erasure-planner';

const frDefault = loadPolicy(resolvePolicyPath());
const requestedAt = new Date('2025-01-31T10:00:00.000Z');

const item = (o: Partial<PlanItem> & Pick<PlanItem, 'systemId' | 'categories'>): PlanItem =>
  ({ role: 'controller', capabilities: ['export', 'erase', 'restrict'], records: 1, ...o }) as PlanItem;

describe('planErasure with the French default profile', () => {
  it.each([
    ['relationship', 'erase'],
    ['usage', 'erase'],
    ['prospection', 'erase'],
    ['support-tickets', 'erase'],
    ['billing', 'retain'],
  ])('%s → %s', (category, expected) => {
    const plan = planErasure(frDefault, [item({ systemId: 'sys', categories: [category] })], requestedAt);
    if (expected === 'erase') {
      expect(plan.holds).toEqual([]);
      expect(plan.actions).toEqual([
        { dispatch: true, kind: 'erase', systemId: 'sys', categories: [category], params: {} },
      ]);
    } else {
      expect(plan.holds).toEqual([
        {
          systemId: 'sys',
          category,
          ground: 'Art. 17(3)(b)',
          legalText: 'Code de commerce L123-22',
          period: 'P10Y',
          from: 'end-of-financial-year',
          until: new Date('2035-01-31T10:00:00.000Z'),
          canErase: true,
        },
      ]);
      // Art. 18: held data is restricted meanwhile.
      expect(plan.actions).toEqual([
        {
          dispatch: true,
          kind: 'restrict',
          systemId: 'sys',
          categories: [category],
          params: { ground: 'legal-hold', until: '2035-01-31T10:00:00.000Z', action: 'place' },
        },
      ]);
    }
  });

  it('splits one system: erases some categories, holds and restricts the others', () => {
    const plan = planErasure(
      frDefault,
      [item({ systemId: 'billing', categories: ['relationship', 'billing', 'billing'] })],
      requestedAt,
    );
    expect(plan.actions).toEqual([
      { dispatch: true, kind: 'erase', systemId: 'billing', categories: ['relationship'], params: {} },
      {
        dispatch: true,
        kind: 'restrict',
        systemId: 'billing',
        categories: ['billing'],
        params: { ground: 'legal-hold', until: '2035-01-31T10:00:00.000Z', action: 'place' },
      },
    ]);
    expect(plan.holds.map((h) => h.category)).toEqual(['billing']);
  });

  it('records the hold without a restrict command when the system cannot restrict', () => {
    const plan = planErasure(
      frDefault,
      [item({ systemId: 'ledger', categories: ['billing'], capabilities: ['export', 'erase'] })],
      requestedAt,
    );
    expect(plan.actions).toEqual([]);
    expect(plan.holds).toHaveLength(1);
  });

  it('notes whether the held data can be erased by the system when the hold ends', () => {
    const plan = planErasure(
      frDefault,
      [item({ systemId: 'archive', categories: ['billing'], capabilities: ['export', 'restrict'] })],
      requestedAt,
    );
    expect(plan.holds).toEqual([
      expect.objectContaining({ systemId: 'archive', category: 'billing', canErase: false }),
    ]);
  });

  it.each([
    // The French rules, through the planner: category, period, legal text, end of the hold for a request of 31 January 2025.
    ['subscriber-identity', 'P5Y', 'LCEN art. 6 et décret 2021-1362', '2030-01-31T10:00:00.000Z'],
    ['identification', 'P5Y', 'LCEN art. 6 et décret 2021-1362', '2030-01-31T10:00:00.000Z'],
    ['account', 'P1Y', 'décret 2021-1362 art. 3', '2026-01-31T10:00:00.000Z'],
    ['connection', 'P1Y', 'décret 2021-1362', '2026-01-31T10:00:00.000Z'],
  ])('holds %s for %s (%s) until %s', (category, period, legalText, until) => {
    const plan = planErasure(frDefault, [item({ systemId: 'sys', categories: [category] })], requestedAt);
    expect(plan.holds).toEqual([expect.objectContaining({ category, period, legalText, until: new Date(until) })]);
  });

  it('escalates at once an erasure a system cannot do', () => {
    const plan = planErasure(
      frDefault,
      [item({ systemId: 'legacy', categories: ['relationship'], capabilities: ['export'] })],
      requestedAt,
    );
    expect(plan.actions).toEqual([
      {
        dispatch: false,
        kind: 'erase',
        systemId: 'legacy',
        categories: ['relationship'],
        reason: "system legacy cannot erase (no 'erase' capability): erase by hand, then close the action",
      },
    ]);
  });

  it('forwards to the controller for a processor system (Art. 28), holding nothing itself', () => {
    const plan = planErasure(
      frDefault,
      [
        item({
          systemId: 'hosting',
          role: 'processor',
          controller: 'ACME SAS',
          categories: ['identification', 'billing'],
        }),
      ],
      requestedAt,
    );
    expect(plan.holds).toEqual([]);
    expect(plan.actions).toEqual([
      {
        dispatch: false,
        kind: 'forward',
        systemId: 'hosting',
        categories: ['identification', 'billing'],
        controller: 'ACME SAS',
        reason: 'processor system: the request must be forwarded to the controller ACME SAS',
      },
    ]);
  });

  it('plans a system listed twice once', () => {
    const plan = planErasure(
      frDefault,
      [
        item({ systemId: 'crm', categories: ['relationship'] }),
        item({ systemId: 'crm', categories: ['usage', 'relationship'] }),
      ],
      requestedAt,
    );
    expect(plan.actions).toEqual([
      { dispatch: true, kind: 'erase', systemId: 'crm', categories: ['relationship', 'usage'], params: {} },
    ]);
  });

  it('does nothing for a system with no category, and nothing for an empty plan', () => {
    expect(planErasure(frDefault, [item({ systemId: 'x', categories: [] })], requestedAt)).toEqual({
      actions: [],
      holds: [],
    });
    expect(planErasure(frDefault, [], requestedAt)).toEqual({ actions: [], holds: [] });
  });
});

describe('planErasure follows the policy it is given', () => {
  const policy = parsePolicy(`
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 4, retryBackoff: PT5M }
categories:
  default: { action: erase }
  billing: { action: retain, retention: { period: P10Y, from: record-date, ground: "Art. 17(3)(b)", legalText: "Code de commerce L123-22" } }
  aml: { action: retain, retention: { period: P5Y, from: end-of-relationship, ground: "Art. 17(3)(b)", legalText: "Code monétaire et financier L561-12" } }
`);

  it('sends one restrict command per end date', () => {
    const plan = planErasure(
      policy,
      [item({ systemId: 'kyc', categories: ['billing', 'aml'] })],
      new Date('2024-02-29T00:00:00.000Z'),
    );
    expect(plan.holds.map((h) => [h.category, h.until.toISOString()])).toEqual([
      ['billing', '2034-02-28T00:00:00.000Z'],
      ['aml', '2029-02-28T00:00:00.000Z'],
    ]);
    expect(plan.actions.map((a) => [a.kind, a.categories])).toEqual([
      ['restrict', ['billing']],
      ['restrict', ['aml']],
    ]);
  });
});

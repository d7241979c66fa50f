import { planRestriction } from './restriction-planner';
import { demoPlan, frDefault } from '../../../test/plan-items';

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

import { planObjection } from './objection-planner';
import { demoPlan, frDefault, item } from '../../../test/plan-items';

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

import { planRectification } from './rectification-planner';
import { demoPlan, frDefault, item } from '../../../test/plan-items';

describe('planRectification (Art. 16) with the French default profile', () => {
  it('sends the same changes to every system holding a category of the changed field, escalates those that cannot rectify', () => {
    const changes = { email: 'jeanne.new@example.fr' };
    expect(planRectification(frDefault, demoPlan, changes)).toEqual([
      { dispatch: true, kind: 'rectify', systemId: 'crm', categories: ['identification'], params: { changes } },
      // Billing is not asked: issued invoices are corrected by credit note (policy: rectification not-applicable).
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
      ['billing', ['payment']], // billing: corrected by credit note, rectification not-applicable
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

import { columnsFor, planRectification } from './rectification';
import { DEMO_SYSTEMS } from './system-catalog';

describe('planning a rectification (Art. 16)', () => {
  it('maps aliases to fields and normalises keys', () => {
    expect(
      planRectification({
        email: ' Jane.NEW@Example.test ',
        phone: '+33 6 11 22 33 44',
        name: 'Jane Doe',
        address: '1 rue X, 75001 Paris',
      }),
    ).toEqual({
      ok: true,
      fields: {
        email: 'jane.new@example.test',
        phone: '+33611223344',
        fullName: 'Jane Doe',
        address: '1 rue X, 75001 Paris',
      },
    });
    expect(planRectification({ full_name: 'A B' })).toEqual({ ok: true, fields: { fullName: 'A B' } });
  });

  it('ignores fields the systems do not hold', () => {
    expect(planRectification({ shoeSize: '42' })).toEqual({ ok: true, fields: {} });
  });

  it('refuses invalid values without quoting them', () => {
    const bad = planRectification({ email: 'not-an-address' });
    expect(bad).toEqual({ ok: false, error: 'changes.email is not a valid e-mail address' });
    expect(planRectification({ phone: '0612' })).toEqual({
      ok: false,
      error: 'changes.phone is not a phone number in E.164 form',
    });
    expect(planRectification({ fullName: '  ' }).ok).toBe(false);
  });

  it('sets only the columns a table holds', () => {
    const fields = { email: 'x@example.test', fullName: 'X' };
    expect(columnsFor(DEMO_SYSTEMS.crm.tables[0], fields)).toEqual({ email: 'x@example.test', full_name: 'X' });
    expect(columnsFor(DEMO_SYSTEMS.support.tables[0], fields)).toEqual({ email: 'x@example.test' });
    expect(columnsFor(DEMO_SYSTEMS.billing.tables[0], fields)).toEqual({});
  });
});

import { matchClause, normaliseKeyLists } from './key-match';
import { DEMO_SYSTEMS } from './system-catalog';

const crm = DEMO_SYSTEMS.crm.tables[0];
const payments = DEMO_SYSTEMS.billing.tables[1];

describe('matching rows to subject keys', () => {
  it('normalises, deduplicates and drops empty key lists', () => {
    expect(
      normaliseKeyLists({
        email: [' Jane.Doe@Example.TEST', 'jane.doe@example.test'],
        customerId: [],
        phone: ['+33 6 12 34 56 78'],
      }),
    ).toEqual({
      email: ['jane.doe@example.test'],
      phone: ['+33612345678'],
    });
  });

  it('matches ANY of the keys the table carries, with numbered parameters', () => {
    const m = matchClause(crm, { email: ['a@example.test'], customerId: ['C-1', 'C-2'], phone: ['+33600000001'] }, 3);
    expect(m).toEqual({
      sql: '(email = ANY($3::text[]) OR customer_id = ANY($4::text[]) OR phone = ANY($5::text[]))',
      params: [['a@example.test'], ['C-1', 'C-2'], ['+33600000001']],
    });
  });

  it('uses only the kinds of keys a table carries', () => {
    expect(matchClause(payments, { email: ['a@example.test'], customerId: ['C-1'] })).toEqual({
      sql: '(customer_id = ANY($1::text[]))',
      params: [['C-1']],
    });
  });

  it('matches nothing when the table carries none of the kinds given', () => {
    expect(matchClause(payments, { email: ['a@example.test'], phone: ['+33600000001'] })).toBeUndefined();
  });
});

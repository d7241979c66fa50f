/** The dates the demo systems report with each record (issue 14: each period runs from the record's own start). */
import { endOfFinancialYear, toRecordInput } from './command-handlers.service';
import { DEMO_SYSTEMS } from './system-catalog';

const table = (system: keyof typeof DEMO_SYSTEMS, name: string) =>
  DEMO_SYSTEMS[system].tables.find((t) => t.table === name)!;

describe('the retention dates of the demo records', () => {
  it('an invoice reports its issue date and the end of its financial year, Paris time (Code de commerce L123-22)', () => {
    const issued = new Date('2023-02-14T09:00:00Z');
    const input = toRecordInput(
      table('billing', 'billing_invoices'),
      { ref: 'F-1', occurredAt: issued, keys: { customerId: 'C-1' } },
      issued,
    );
    expect(input?.retentionDates).toEqual({
      recordDate: issued,
      lastOperation: issued,
      endOfFinancialYear: new Date('2023-12-31T22:59:59.999Z'),
    });
  });

  it('a customer of the CRM reports its contract end as not happened yet: the contract runs (LCEN art. 6)', () => {
    const created = new Date('2020-05-01T10:00:00Z');
    const input = toRecordInput(
      table('crm', 'crm_customers'),
      { ref: 'C-1', occurredAt: created, keys: { customerId: 'C-1' } },
      created,
    );
    expect(input?.retentionDates).toEqual({ recordDate: created, contractEnd: null, accountClosure: null });
  });

  it('a prospect reports its last contact (CNIL: three years from the last contact from the prospect)', () => {
    const last = new Date('2022-06-01T10:00:00Z');
    const input = toRecordInput(
      table('marketing', 'marketing_contacts'),
      { ref: 'P-1', occurredAt: last, keys: { email: 'p@example.org' } },
      last,
    );
    expect(input?.retentionDates).toEqual({ lastContact: last });
  });

  it('a row without a date gives none of the dates counted from it (the executor then counts from the request)', () => {
    const input = toRecordInput(table('marketing', 'marketing_contacts'), {
      ref: 'P-2',
      occurredAt: null,
      keys: { email: 'p@example.org' },
    });
    expect(input?.retentionDates).toBeUndefined();
  });

  it('the financial year ends on 31 December, 23:59:59.999 Paris time', () => {
    expect(endOfFinancialYear(new Date('2024-12-31T23:30:00Z')).toISOString()).toBe('2025-12-31T22:59:59.999Z');
  });
});

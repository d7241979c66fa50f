import { PHONE_PATTERN, SubjectKeys, validatePayload } from '@datarights/contracts';
import { HOLDER_IDS } from '../systems/system-catalog';
import { ALL_SYSTEMS_SHARE, emailLocalPart, generateDataset, phoneOf, type DemoDataset } from './customer-generator';

describe('the fake customer generator', () => {
  const SEED = 424242;
  let data: DemoDataset;

  beforeAll(() => {
    data = generateDataset(SEED, 1, 3000);
  });

  it('gives the same customers and rows for the same seed', () => {
    expect(generateDataset(SEED, 1, 3000)).toEqual(data);
  });

  it('gives other customers for another seed', () => {
    const other = generateDataset(SEED + 1, 1, 3000);
    const same = other.customers.filter(
      (c, i) => c.fullName === data.customers[i].fullName && c.address === data.customers[i].address,
    ).length;
    expect(same).toBeLessThan(100);
  });

  it('does not depend on how the customers are chunked', () => {
    const a = generateDataset(SEED, 1, 1234);
    const b = generateDataset(SEED, 1235, 3000);
    const joined: DemoDataset = {
      customers: [...a.customers, ...b.customers],
      crmCustomers: [...a.crmCustomers, ...b.crmCustomers],
      invoices: [...a.invoices, ...b.invoices],
      payments: [...a.payments, ...b.payments],
      tickets: [...a.tickets, ...b.tickets],
      contacts: [...a.contacts, ...b.contacts],
      usage: [...a.usage, ...b.usage],
    };
    expect(joined).toEqual(data);
  });

  it('puts most customers in all four systems and the others in some of them', () => {
    const everywhere = data.customers.filter((c) => c.systems.length === 4).length / data.customers.length;
    expect(everywhere).toBeGreaterThan(ALL_SYSTEMS_SHARE - 0.03);
    expect(everywhere).toBeLessThan(ALL_SYSTEMS_SHARE + 0.03);
    for (const id of HOLDER_IDS) {
      // Each system misses some customers, and holds some who are not everywhere.
      expect(data.customers.filter((c) => !c.systems.includes(id)).length).toBeGreaterThan(50);
      expect(data.customers.filter((c) => c.systems.includes(id) && c.systems.length < 4).length).toBeGreaterThan(50);
    }
    expect(data.customers.every((c) => c.systems.length >= 1)).toBe(true);
  });

  it('gives every customer unique, contract-valid keys in the documented formats', () => {
    const ids = new Set(data.customers.map((c) => c.customerId));
    const emails = new Set(data.customers.map((c) => c.email));
    const phones = new Set(data.customers.map((c) => c.phone));
    expect([ids.size, emails.size, phones.size]).toEqual([3000, 3000, 3000]);
    expect(data.customers[0].customerId).toBe('C-000001');
    for (const c of data.customers) {
      expect(c.email).toMatch(/^[a-z-]+\.[a-z-]+\.\d+@example\.test$/);
      expect(c.phone).toMatch(/^\+336\d{8}$/);
      expect(c.phone).toMatch(PHONE_PATTERN);
      expect(validatePayload(SubjectKeys, { email: c.email, customerId: c.customerId, phone: c.phone }).ok).toBe(true);
    }
  });

  it("gives rows only to the systems a customer is in, under that customer's keys", () => {
    const byId = new Map(data.customers.map((c) => [c.customerId, c]));
    const byEmail = new Map(data.customers.map((c) => [c.email, c]));
    const inSystem = (id: string | undefined, system: string) =>
      !!id && byId.get(id)?.systems.includes(system as never);
    expect(data.crmCustomers.every((c) => c.systems.includes('crm'))).toBe(true);
    expect(
      data.invoices.every((r) => inSystem(r.customerId, 'billing') && byId.get(r.customerId)?.email === r.email),
    ).toBe(true);
    expect(
      data.payments.every(
        (r) => inSystem(r.customerId, 'billing') && data.invoices.some((i) => i.invoiceId === r.invoiceId),
      ),
    ).toBe(true);
    expect(data.tickets.every((r) => inSystem(r.customerId, 'support'))).toBe(true);
    expect(
      data.contacts.every(
        (r) => byEmail.get(r.email)?.systems.includes('marketing') && byEmail.get(r.email)?.phone === r.phone,
      ),
    ).toBe(true);
    expect(data.usage.every((r) => inSystem(r.customerId, 'marketing'))).toBe(true);
  });

  it('produces realistic row values', () => {
    expect(data.invoices.length).toBeGreaterThan(data.customers.length);
    expect(
      data.invoices.every((r) => Number.isInteger(r.amountCents) && r.amountCents >= 499 && r.amountCents <= 29_999),
    ).toBe(true);
    expect(data.payments.every((r) => /^\d{4}$/.test(r.cardLast4))).toBe(true);
    const ids = [
      ...data.invoices.map((r) => r.invoiceId),
      ...data.payments.map((r) => r.paymentId),
      ...data.tickets.map((r) => r.ticketId),
      ...data.usage.map((r) => r.eventId),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    const created = new Map(data.customers.map((c) => [c.customerId, c.createdAt.getTime()]));
    expect(data.invoices.every((r) => r.issuedAt.getTime() >= created.get(r.customerId)!)).toBe(true);
    expect(data.contacts.every((r) => r.optedIn === (r.lastContactAt !== null))).toBe(true);
  });

  it('folds accents and punctuation out of e-mail addresses', () => {
    expect(emailLocalPart('Hélène', "N'Diaye")).toBe('helene.ndiaye');
    expect(emailLocalPart('Jean-Luc', 'Guérin')).toBe('jean-luc.guerin');
  });

  it('never gives two customers the same phone number', () => {
    const phones = new Set<string>();
    for (let n = 1; n <= 200_000; n++) phones.add(phoneOf(n, SEED));
    expect(phones.size).toBe(200_000);
  });
});

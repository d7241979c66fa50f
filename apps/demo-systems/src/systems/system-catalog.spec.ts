import { SystemRegistered, validatePayload } from '@datarights/contracts';
import { ALL_TABLES, assertIdentifiers, DEMO_SYSTEMS, HOLDER_IDS, SYSTEM_IDS, systemOfTable } from './system-catalog';

describe('the demo systems catalog', () => {
  it.each(SYSTEM_IDS)('%s registers a valid Art. 30 entry under its own id', (id) => {
    const r = DEMO_SYSTEMS[id].registration;
    expect(validatePayload(SystemRegistered, r).ok).toBe(true);
    expect(r.systemId).toBe(id);
  });

  it.each(HOLDER_IDS)('%s announces exactly the categories of its tables', (id) => {
    const s = DEMO_SYSTEMS[id];
    expect([...new Set(s.tables.map((t) => t.category))].sort()).toEqual([...s.registration.categories].sort());
  });

  it.each(HOLDER_IDS)('%s can do what it announces, and announces what it can do', (id) => {
    const { registration: r, tables } = DEMO_SYSTEMS[id];
    expect(r.capabilities.includes('restrict')).toBe(tables.some((t) => t.restriction));
    expect(r.capabilities.includes('rectify')).toBe(tables.some((t) => t.rectifiable));
    expect(r.capabilities.includes('suppress')).toBe(tables.some((t) => t.suppressible));
    expect(r.capabilities).toEqual(expect.arrayContaining(['export', 'erase']));
  });

  it('has helpscale as a recipient of the support desk that takes Art. 19 notices and holds no table', () => {
    expect(HOLDER_IDS.every((id) => DEMO_SYSTEMS[id].tables.length > 0)).toBe(true);
    expect(DEMO_SYSTEMS.helpscale).toMatchObject({
      tables: [],
      registration: { capabilities: ['notify'], location: 'US' },
    });
    expect(DEMO_SYSTEMS.support.registration.recipients).toEqual([
      expect.objectContaining({ systemId: 'helpscale', categories: ['relationship'] }),
    ]);
  });

  it("declares the support system's transfer to the US under standard contractual clauses (Art. 46)", () => {
    expect(DEMO_SYSTEMS.support.registration.transfers).toEqual([
      expect.objectContaining({ country: 'US', mechanism: 'scc' }),
    ]);
    expect(DEMO_SYSTEMS.billing.registration.recipients.length).toBeGreaterThanOrEqual(2);
  });

  it('gives every table a distinct record type and plain identifiers', () => {
    expect(new Set(ALL_TABLES.map((t) => t.recordType)).size).toBe(ALL_TABLES.length);
    expect(() => assertIdentifiers()).not.toThrow();
    expect(() => assertIdentifiers([{ ...ALL_TABLES[0], table: 'x; DROP TABLE y' }])).toThrow(/invalid SQL identifier/);
    expect(systemOfTable('billing_payments')).toBe('billing');
  });
});

/**
 * Issue 13, item 2: after an erasure, datarights itself forgets the subject. A demo customer
 * held only by systems whose categories the policy erases (support: relationship;
 * marketing: usage, prospection; no legal hold) asks for a copy of their data, then for
 * its erasure; once the erasure is completed,
 * every text, text[] and jsonb column of every table of every datarights schema of this
 * run is searched for the customer's e-mail, phone and customer number. None may be found
 * in clear, except in the allow-list below, each entry with the reason it must stay. The
 * demo systems' schema is left out: those are the company's systems, not datarights.
 */
import { Client } from 'pg';
import { DATABASE_URL, waitFor } from '../libs/testing/src/infra';
import { CUSTOMER_PAGE, demoReady, fileAndVerify, http, state, waitForStatus, type DemoCustomer } from './support/api';

/** Where an identifier of the erased subject may legitimately stay in clear, and why. */
const ALLOWED: { service: string; table: string; column: string; why: string }[] = [
  {
    service: 'request-intake',
    table: 'requests',
    column: 'subject_email',
    why:
      "the request's own record of who asked, kept for its proof period (policy deadlines.proofPeriod, " +
      'Art. 5(2), 12(5); Code civil art. 2224), then replaced by a keyed hash by the minimiser',
  },
  {
    service: 'request-intake',
    table: 'requests',
    column: 'verified_emails',
    why:
      'the verified address the request may still write to during its proof period (the completion notice, ' +
      "and Art. 19's list of recipients when the subject asks for it); keyed hashes after the proof period",
  },
];

interface Finding {
  service: string;
  table: string;
  column: string;
  identifier: 'email' | 'phone' | 'customerId';
}

/** A regular expression matching the value as a whole token (C-001050 must not match C-0010501). */
const token = (value: string) =>
  `(^|[^a-z0-9])${value.toLowerCase().replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}($|[^a-z0-9])`;

/** Every text, text[], varchar and json(b) column of every table of the run's datarights schemas. */
async function scan(pg: Client, customer: DemoCustomer): Promise<Finding[]> {
  const services = Object.entries(state.schemas).filter(([service]) => service !== 'demo-systems');
  const columns = await pg.query<{ schema: string; table: string; column: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = ANY($1) AND t.table_type = 'BASE TABLE'
        AND (c.data_type IN ('text', 'character varying', 'jsonb', 'json')
             OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))
      ORDER BY 1, 2, 3`,
    [services.map(([, schema]) => schema)],
  );
  expect(columns.rows.length).toBeGreaterThan(50);
  const identifiers = { email: customer.email, phone: customer.phone, customerId: customer.customerId };
  const findings: Finding[] = [];
  for (const c of columns.rows) {
    const service = services.find(([, schema]) => schema === c.schema)![0];
    for (const [identifier, value] of Object.entries(identifiers)) {
      const hit = await pg.query(
        `SELECT 1 FROM "${c.schema}"."${c.table}" WHERE lower("${c.column}"::text) ~ $1 LIMIT 1`,
        [token(value)],
      );
      if (hit.rows.length > 0)
        findings.push({ service, table: c.table, column: c.column, identifier: identifier as Finding['identifier'] });
    }
  }
  return findings;
}

const allowed = (f: Finding) =>
  ALLOWED.some((a) => a.service === f.service && a.table === f.table && a.column === f.column);

describe('datarights forgets an erased subject', () => {
  const pg = new Client({ connectionString: DATABASE_URL });

  beforeAll(async () => {
    await demoReady();
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
  });

  it('keeps none of their identifiers in clear in any datarights schema once the erasure is completed, but where the allow-list says why', async () => {
    // A customer held by support and marketing only: the policy erases everything they hold (no hold).
    const res = await http<{ customers: DemoCustomer[] }>(
      'demo-systems',
      'GET',
      `/demo/customers?limit=50&offset=${CUSTOMER_PAGE.forget}`,
      { token: null },
    );
    expect(res.status).toBe(200);
    const customer = res.body.customers.find(
      (c) => c.systems.length > 0 && c.systems.every((s) => s === 'support' || s === 'marketing'),
    );
    if (!customer) throw new Error('no demo customer held by support and marketing only in the forget page');

    // They first asked for a copy of their data (Art. 15): what that left behind must go too.
    const access = await fileAndVerify({ type: 'access', subject: { email: customer.email } });
    await waitForStatus(access, ['completed'], 120_000);

    const id = await fileAndVerify({ type: 'erasure', subject: { email: customer.email } });
    const done = await waitForStatus(id, ['completed'], 120_000);
    expect(done.holds).toEqual([]);
    for (const s of done.systems.filter((x: { kind: string }) => x.kind === 'erase'))
      expect(s).toMatchObject({ outcome: expect.stringMatching(/^(done|not-found)$/) });
    const after = await http('demo-systems', 'GET', `/demo/customers/${customer.customerId}`, { token: null });
    const held = Object.values(after.body.systems ?? {}).flatMap((tables) => Object.values(tables as object).flat());
    expect(held).toEqual([]);

    // The executor replaces its stored keys on its own schedule: wait for it, then look everywhere.
    let findings: Finding[] = [];
    await waitFor(
      async () => {
        findings = await scan(pg, customer);
        return findings.every(allowed);
      },
      'only allowed places to hold the erased subject in clear',
      60_000,
      2_000,
    ).catch(() => undefined);
    expect(findings.filter((f) => !allowed(f))).toEqual([]);
    // The request's own copy is where the allow-list says (it was filed by e-mail).
    expect(findings).toContainEqual({
      service: 'request-intake',
      table: 'requests',
      column: 'subject_email',
      identifier: 'email',
    });
  });
});

/**
 * Access and portability, end to end, through the public surfaces only: the DPO's HTTP
 * API, the demo systems' own API (what each system holds), the mail sink's notices, and a
 * plain kafkajs client playing a company system that replies to its export in parts
 * (over 2 MiB). The package is checked against the systems' own tables.
 */
import { TOPICS } from '../libs/contracts/src';
import { waitFor } from '../libs/testing/src/infra';
import { RawKafka, type Received } from '../libs/testing/src/kafka-client';
import { unzip } from '@datarights/testing';
import {
  CUSTOMER_PAGE,
  systemIndexed,
  demoCustomersIn,
  demoReady,
  fileAndVerify,
  http,
  state,
  waitForStatus,
  type DemoCustomer,
} from './support/api';

async function download(path: string, token: string | null = state.token): Promise<{ status: number; zip: Buffer }> {
  const res = await fetch(`${state.urls['request-intake']}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, zip: Buffer.from(await res.arrayBuffer()) };
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe('access and portability, end to end', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-raw-exporter');
  let customer: DemoCustomer;
  let other: DemoCustomer;

  beforeAll(async () => {
    await demoReady();
    [customer, other] = await demoCustomersIn(['crm', 'billing', 'support', 'marketing'], CUSTOMER_PAGE.access);
  });

  afterAll(async () => {
    await raw.close();
  });

  it('gives a seeded customer every record of theirs from the four systems and a raw system (2 MiB+ in parts), nothing of anyone else, with the Art. 15 facts', async () => {
    // A system the repo does not know, on the public contract, holding a big history of the customer.
    const systemId = `raw-${Date.now().toString(36)}`;
    const commandTopic = `pdata.commands.${systemId}.v1`;
    await raw.sendEvent(TOPICS.systems.name, systemId, 'pdata.system.registered.v1', {
      systemId,
      name: 'Usage archive',
      owner: 'data-team',
      role: 'controller',
      purposes: ['service-improvement'],
      legalBasis: 'legitimate-interest',
      categories: ['usage'],
      location: 'FR',
      transfers: [{ country: 'US', mechanism: 'scc', recipient: 'Cold Storage Inc.' }],
      recipients: [{ name: 'Cold Storage Inc.', kind: 'sub-processor', categories: ['usage'], country: 'US' }],
      capabilities: ['export'],
    });
    await raw.sendEvent(TOPICS.dataEvents.name, `${systemId}:hist`, 'pdata.record.stored.v1', {
      systemId,
      recordRef: 'hist',
      category: 'usage',
      subjectKeys: { email: customer.email },
      occurredAt: new Date().toISOString(),
    });
    // Approved as the DPO would (its capabilities wait for the DPO), then its command topic comes.
    await systemIndexed(systemId, 1);
    await raw.waitForTopic(commandTopic);
    const commands: Received[] = await raw.collect([commandTopic]);

    const held = (await http('demo-systems', 'GET', `/demo/customers/${customer.customerId}`, { token: null })).body
      .systems as Record<string, Record<string, Record<string, unknown>[]>>;
    const id = await fileAndVerify({ type: 'access', subject: { email: customer.email } });

    const command = await raw.waitForMessage(
      commands,
      (r) => r.envelope?.type === 'pdata.command.export.v1' && r.envelope?.correlationid === id,
      'the export command',
      90_000,
    );
    const data = command.envelope!.data as { commandId: string; requestId: string };
    const big = Array.from({ length: 2500 }, (_, i) => ({
      recordRef: `hist-${i}`,
      category: 'usage',
      event: 'login',
      detail: 'y'.repeat(1000),
    }));
    for (let part = 1; part <= 5; part++) {
      await raw.sendEvent(
        TOPICS.replies.name,
        id,
        'pdata.command.completed.v1',
        {
          commandId: data.commandId,
          requestId: id,
          systemId,
          outcome: 'done',
          affectedRecords: big.length,
          export: { records: big.slice((part - 1) * 500, part * 500), part, parts: 5 },
        },
        { correlationid: id },
      );
    }

    await waitForStatus(id, ['completed'], 120_000);
    const pkg = await download(`/v1/requests/${id}/package`);
    expect(pkg.status).toBe(200);
    const files = await unzip(pkg.zip);
    const dataJson = JSON.parse(files.get('data.json')!) as {
      systems: Record<string, Record<string, Record<string, unknown>[]>>;
    };

    // Every row each demo system holds about them is in the package, from its own tables.
    for (const [sys, tables] of Object.entries(held)) {
      const exported = Object.values(dataJson.systems[sys] ?? {}).flat();
      const rows = Object.values(tables).flat();
      expect(exported).toHaveLength(rows.length);
      for (const row of rows) {
        const expected = Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v]));
        expect(exported).toContainEqual(expect.objectContaining(expected));
      }
    }
    // The raw system's export, whole, from five parts.
    expect(
      Object.values(dataJson.systems[systemId])
        .flat()
        .map((r) => r.recordRef)
        .sort(),
    ).toEqual(big.map((r) => r.recordRef).sort());
    // Nothing of any other customer.
    const text = files.get('data.json')!;
    for (const v of [other.email, other.customerId, other.phone]) expect(text).not.toContain(v);
    // One CSV per category, and the Art. 15 facts, matching the inventory.
    const categories = [...new Set(Object.values(dataJson.systems).flatMap((s) => Object.keys(s)))];
    for (const c of categories) expect(files.has(`csv/${c}.csv`)).toBe(true);
    const processing = JSON.parse(files.get('processing.json')!);
    const usage = processing.categories.find((c: { category: string }) => c.category === 'usage');
    expect(usage.systems).toContain(systemId);
    expect(usage.recipients).toContainEqual(
      expect.objectContaining({ name: 'Cold Storage Inc.', kind: 'sub-processor', system: systemId }),
    );
    expect(usage.transfers).toContainEqual(
      expect.objectContaining({ country: 'US', mechanism: 'scc', system: systemId }),
    );
    for (const c of processing.categories) {
      expect(c).toEqual(
        expect.objectContaining({
          purposes: expect.any(Array),
          categoryOfData: c.category,
          recipients: expect.any(Array),
          retention: expect.any(Array),
          sources: expect.any(Array),
          automatedDecisionMaking: expect.any(String),
          transfers: expect.any(Array),
        }),
      );
      expect(c.retention.length).toBeGreaterThan(0);
    }
    expect(processing.complaint.authority).toBe('CNIL');
    // In French, the subject's language by default (Art. 12(1)).
    expect(files.get('summary.md')).toContain('## Réclamation et recours (f)');

    // The subject's signed link works; a wrong signature is 403.
    const linkRes = await http('request-intake', 'POST', `/v1/requests/${id}/package/link`);
    expect(linkRes.status).toBe(200);
    expect((await download(linkRes.body.path, null)).status).toBe(200);
    expect((await download(linkRes.body.path.replace(/sig=.{4}/, 'sig=AAAA'), null)).status).toBe(403);
    expect((await download(`/v1/requests/${id}/package`, null)).status).toBe(401);
  });

  it('portability gives only what the customer provided under contract or consent', async () => {
    const id = await fileAndVerify({ type: 'portability', subject: { email: other.email } });
    await waitForStatus(id, ['completed'], 120_000);
    const pkg = await download(`/v1/requests/${id}/package`);
    expect(pkg.status).toBe(200);
    const files = await unzip(pkg.zip);
    const dataJson = JSON.parse(files.get('data.json')!) as { systems: Record<string, Record<string, unknown[]>> };
    const categories = new Set(Object.values(dataJson.systems).flatMap((s) => Object.keys(s)));
    // The French default policy: invoices, usage and prospection are not portable (Art. 20(1)).
    for (const excluded of ['billing', 'usage', 'prospection']) expect(categories.has(excluded)).toBe(false);
    expect(categories.has('identification')).toBe(true);
    expect(files.has('processing.json')).toBe(false);
    await waitFor(
      async () => (await http('request-intake', 'GET', `/v1/requests/${id}`)).body.status === 'completed',
      'completed',
    );
  });
});

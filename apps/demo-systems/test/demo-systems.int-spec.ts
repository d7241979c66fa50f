/**
 * demo-systems against real Kafka and PostgreSQL, driven through its public surfaces: a
 * plain kafkajs client plays the erasure-executor and the data-locator (commands written
 * in the documented envelope by hand, replies and data events read back), and the demo's
 * HTTP views show what each system holds.
 */
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  commandTopic,
  EVENTS,
  TOPICS,
  type CommandReply,
  type RecordEvent,
  type SystemRegistered,
} from '@datarights/contracts';
import {
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';
import {
  ALL_TABLES,
  DEMO_SYSTEMS,
  HOLDER_IDS,
  recordRefOf,
  SYSTEM_IDS,
  systemOfTable,
  type SystemId,
} from '../src/systems/system-catalog';

jest.setTimeout(120_000);

interface Customer {
  customerId: string;
  email: string;
  phone: string;
  name: string;
  systems: SystemId[];
}

describe('demo-systems (real Kafka and PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let ds: DataSource;
  let raw: RawKafka;
  let seen: Received[];
  let customers: Customer[];

  const http = () => request(app.getHttpServer());
  const onTopic = (topic: string, type?: string) =>
    seen.filter((r) => r.topic === topic && (!type || r.envelope?.type === type));
  const repliesTo = (commandId: string) =>
    onTopic(TOPICS.replies.name).filter((r) => (r.envelope?.data as CommandReply).commandId === commandId);
  const recordEvents = (type: string, key: string) =>
    onTopic(TOPICS.dataEvents.name, type).filter((r) => r.key === key);

  /** A command as any Kafka client would write it: the documented CloudEvents envelope, by hand. */
  async function sendCommand(systemId: string, type: string, data: Record<string, unknown>): Promise<{ id: string }> {
    const envelope = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'erasure-executor',
      type,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      correlationid: data.requestId,
      data: { systemId, respondBy: new Date(Date.now() + 3_600_000).toISOString(), ...data },
    };
    await raw.send(commandTopic(systemId), data.requestId as string, envelope);
    return envelope;
  }

  const keysOf = (c: Customer) => ({ email: [c.email], customerId: [c.customerId], phone: [c.phone] });
  const pick = (n: number, where: (c: Customer) => boolean = (c) => c.systems.length === 4) =>
    customers.filter(where)[n];

  beforeAll(async () => {
    iso = isolate(SERVICE);
    process.env.DEMO_CUSTOMERS = '200';
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    ds = app.get(DataSource);
    raw = new RawKafka(iso.topicPrefix);
    seen = await raw.collect([TOPICS.systems.name, TOPICS.dataEvents.name, TOPICS.replies.name]);
    await waitFor(
      async () => (await http().get('/demo/status')).body.seedStatus === 'ready',
      'the seeding and its announcement',
      90_000,
    );
    customers = (await http().get('/demo/customers?limit=100&offset=0').expect(200)).body.customers;
  });

  afterAll(async () => {
    delete process.env.DEMO_CUSTOMERS;
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
  });

  it('registers the five systems (four holders, one recipient) each on its own pdata.systems.<id>.v1, with their Art. 30 entries', async () => {
    await waitFor(
      async () => SYSTEM_IDS.every((id) => onTopic(TOPICS.systems.name).some((r) => r.key === id)),
      'the five registrations',
    );
    for (const id of SYSTEM_IDS) {
      const r = onTopic(TOPICS.systems.name).find((m) => m.key === id)!;
      expect(r.envelope?.type).toBe(EVENTS.systemRegistered.type);
      expect(r.headers['content-type']).toBe('application/cloudevents+json');
      expect(r.envelope?.data).toEqual(JSON.parse(JSON.stringify(DEMO_SYSTEMS[id].registration)));
    }
    const support = onTopic(TOPICS.systems.name).find((m) => m.key === 'support')!.envelope!.data as SystemRegistered;
    expect(support.transfers).toEqual([{ country: 'US', mechanism: 'scc', recipient: expect.any(String) }]);
  });

  it('seeds the customers and announces every row once, with a stored data event carrying its keys', async () => {
    const status = (await http().get('/demo/status').expect(200)).body;
    expect(status).toMatchObject({ seedStatus: 'ready', customers: 200, publishedSystems: [...HOLDER_IDS] });
    expect(status.published).toBe(status.total);
    expect(status.connectors).toEqual({
      crm: 'running',
      billing: 'running',
      support: 'running',
      marketing: 'running',
      helpscale: 'running',
    });
    expect(status.connectorDetails.support).toEqual({ state: 'running', restarts: 0 });
    // Ready only while every connector consumes (connectors.readiness.ts).
    expect((await http().get('/health/ready').expect(200)).body.info.connectors).toEqual({ status: 'up' });

    const expected = new Map<string, Record<string, unknown>>();
    for (const spec of ALL_TABLES) {
      const rows: Record<string, string>[] = await ds.query(`SELECT * FROM ${spec.table}`);
      for (const row of rows) expected.set(`${systemOfTable(spec.table)}:${recordRefOf(spec, row[spec.pk])}`, row);
    }
    expect(expected.size).toBe(status.total);
    await waitFor(
      async () => onTopic(TOPICS.dataEvents.name, EVENTS.recordStored.type).length >= expected.size,
      'a stored event per row',
    );
    const stored = onTopic(TOPICS.dataEvents.name, EVENTS.recordStored.type);
    expect(stored).toHaveLength(expected.size);
    expect(new Set(stored.map((r) => r.key))).toEqual(new Set(expected.keys()));

    const crmRow = stored.find((r) => r.key?.startsWith('crm:'))!;
    const data = crmRow.envelope!.data as RecordEvent;
    const row = expected.get(crmRow.key!)!;
    expect(data).toMatchObject({
      systemId: 'crm',
      category: 'identification',
      subjectKeys: { email: row.email, customerId: row.customer_id, phone: row.phone },
    });
    expect(customers.filter((c) => c.systems.length === 4).length).toBeGreaterThan(50);
    expect(customers.some((c) => c.systems.length < 4)).toBe(true);
  });

  it('erases a customer from the CRM on command, announces it, and never does a repeated command twice', async () => {
    const jane = pick(0);
    const requestId = randomUUID();
    const commandId = randomUUID();
    const erase = { commandId, requestId, subjectKeys: keysOf(jane), categories: ['identification'] };
    const first = await sendCommand('crm', EVENTS.eraseCommand.type, erase);

    const reply = await raw.waitForMessage(seen, (r) => repliesTo(commandId).includes(r), 'the erase reply');
    expect(reply.key).toBe(requestId);
    expect(reply.envelope).toMatchObject({
      type: EVENTS.commandCompleted.type,
      source: 'crm',
      correlationid: requestId,
      causationid: first.id,
    });
    expect(reply.envelope!.data).toEqual({
      commandId,
      requestId,
      systemId: 'crm',
      outcome: 'done',
      affectedRecords: 1,
    });
    expect(await ds.query(`SELECT 1 FROM crm_customers WHERE customer_id = $1`, [jane.customerId])).toEqual([]);
    const key = `crm:customer/${jane.customerId}`;
    await waitFor(async () => recordEvents(EVENTS.recordErased.type, key).length === 1, 'the erased event');
    expect(recordEvents(EVENTS.recordErased.type, key)[0].envelope!.data).toMatchObject({
      subjectKeys: { email: jane.email, customerId: jane.customerId, phone: jane.phone },
    });

    // What the walkthrough shows: the CRM holds nothing about her any more, the others still do.
    const holdings = (await http().get(`/demo/customers/${jane.customerId}`).expect(200)).body;
    expect(holdings.systems.crm.crm_customers).toEqual([]);
    expect(holdings.systems.billing.billing_invoices.length).toBeGreaterThan(0);
    const listed: Customer[] = (await http().get('/demo/customers?limit=100&offset=0').expect(200)).body.customers;
    expect(listed.find((c) => c.customerId === jane.customerId)?.systems).toEqual(['billing', 'support', 'marketing']);

    // She comes back as a new customer; the old command, delivered again, must not erase her again.
    await ds.query(
      `INSERT INTO crm_customers (customer_id, email, phone, full_name, created_at) VALUES ($1, $2, $3, $4, now())`,
      [jane.customerId, jane.email, jane.phone, jane.name],
    );
    await sendCommand('crm', EVENTS.eraseCommand.type, erase);
    await waitFor(async () => repliesTo(commandId).length === 2, 'the second reply');
    expect(repliesTo(commandId)[1].envelope!.data).toEqual(reply.envelope!.data);
    expect(await ds.query(`SELECT 1 FROM crm_customers WHERE customer_id = $1`, [jane.customerId])).toHaveLength(1);
    expect(recordEvents(EVENTS.recordErased.type, key)).toHaveLength(1);
  });

  it('the helpdesk recipient acknowledges an Art. 19 notice and a reminder alike, keeping what it was told but not who', async () => {
    const jane = pick(1);
    const requestId = randomUUID();
    const commandId = randomUUID();
    const notice = {
      commandId,
      requestId,
      subjectKeys: keysOf(jane),
      categories: ['relationship'],
      action: 'erasure',
      fromSystemId: 'support',
      reminder: 0,
    };
    await sendCommand('helpscale', EVENTS.notifyCommand.type, notice);
    const reply = await raw.waitForMessage(seen, (r) => repliesTo(commandId).includes(r), 'the acknowledgement');
    expect(reply.envelope).toMatchObject({ type: EVENTS.commandCompleted.type, source: 'helpscale' });
    expect(reply.envelope!.data).toEqual({
      commandId,
      requestId,
      systemId: 'helpscale',
      outcome: 'done',
      affectedRecords: 0,
    });
    await sendCommand('helpscale', EVENTS.notifyCommand.type, { ...notice, reminder: 1 });
    await waitFor(async () => repliesTo(commandId).length === 2, 'the reminder acknowledged');
    expect(repliesTo(commandId)[1].envelope!.data).toEqual(reply.envelope!.data);
    const rows = await ds.query(`SELECT * FROM recipient_notices WHERE command_id = $1`, [commandId]);
    expect(rows).toEqual([
      expect.objectContaining({
        system_id: 'helpscale',
        request_id: requestId,
        action: 'erasure',
        from_system_id: 'support',
        categories: ['relationship'],
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(jane.email);
  });

  it("exports exactly one customer's invoices and payments from billing", async () => {
    const [mine] = await ds.query(
      `SELECT d.customer_id FROM demo_directory d
        WHERE EXISTS (SELECT 1 FROM billing_payments p WHERE p.customer_id = d.customer_id) ORDER BY d.n OFFSET 3 LIMIT 1`,
    );
    const john = customers.find((c) => c.customerId === mine.customer_id)!;
    const invoices: { invoice_id: string }[] = await ds.query(
      `SELECT invoice_id FROM billing_invoices WHERE customer_id = $1`,
      [john.customerId],
    );
    const payments: { payment_id: string }[] = await ds.query(
      `SELECT payment_id FROM billing_payments WHERE customer_id = $1`,
      [john.customerId],
    );
    const commandId = randomUUID();
    await sendCommand('billing', EVENTS.exportCommand.type, {
      commandId,
      requestId: randomUUID(),
      subjectKeys: keysOf(john),
      categories: ['billing', 'payment'],
    });

    const reply = await raw.waitForMessage(seen, (r) => repliesTo(commandId).includes(r), 'the export reply');
    const data = reply.envelope!.data as CommandReply;
    expect(data).toMatchObject({ outcome: 'done', affectedRecords: invoices.length + payments.length });
    const refs = data.export!.records.map((r) => r.recordRef).sort();
    expect(refs).toEqual(
      [...invoices.map((i) => `invoice/${i.invoice_id}`), ...payments.map((p) => `payment/${p.payment_id}`)].sort(),
    );
    expect(data.export!.records.every((r) => r.customerId === john.customerId)).toBe(true);
    expect(data.export!.records.find((r) => r.recordType === 'invoice')).toMatchObject({
      category: 'billing',
      email: john.email,
      amountCents: expect.any(Number),
    });
  });

  it('a deferred erase (a legal hold that ended) leaves a record created after the request untouched (Art. 17(3) then 17(1))', async () => {
    const [mine] = await ds.query(
      `SELECT d.customer_id FROM demo_directory d
        WHERE EXISTS (SELECT 1 FROM billing_invoices i WHERE i.customer_id = d.customer_id) ORDER BY d.n OFFSET 7 LIMIT 1`,
    );
    const ret = customers.find((c) => c.customerId === mine.customer_id)!;
    const before: { invoice_id: string }[] = await ds.query(
      `SELECT invoice_id FROM billing_invoices WHERE customer_id = $1`,
      [ret.customerId],
    );
    // The hold was recorded at the request; the customer came back and was invoiced afterwards.
    const cutOff = new Date();
    const later = `INV-RETURN-${randomUUID().slice(0, 8)}`;
    await ds.query(
      `INSERT INTO billing_invoices (invoice_id, customer_id, email, amount_cents, issued_at) VALUES ($1, $2, $3, 1200, $4)`,
      [later, ret.customerId, ret.email, new Date(cutOff.getTime() + 60_000)],
    );
    const commandId = randomUUID();
    await sendCommand('billing', EVENTS.eraseCommand.type, {
      commandId,
      requestId: randomUUID(),
      subjectKeys: keysOf(ret),
      categories: ['billing'],
      createdBefore: cutOff.toISOString(),
    });
    const reply = await raw.waitForMessage(seen, (r) => repliesTo(commandId).includes(r), 'the erase reply');
    expect(reply.envelope!.data).toMatchObject({ outcome: 'done', affectedRecords: before.length });
    const left: { invoice_id: string }[] = await ds.query(
      `SELECT invoice_id FROM billing_invoices WHERE customer_id = $1`,
      [ret.customerId],
    );
    expect(left.map((r) => r.invoice_id)).toEqual([later]);

    // Naming the records works the same way: only the named one goes.
    await ds.query(
      `INSERT INTO billing_invoices (invoice_id, customer_id, email, amount_cents, issued_at) VALUES ($1, $2, $3, 900, now())`,
      [`${later}-2`, ret.customerId, ret.email],
    );
    const named = randomUUID();
    await sendCommand('billing', EVENTS.eraseCommand.type, {
      commandId: named,
      requestId: randomUUID(),
      subjectKeys: keysOf(ret),
      categories: ['billing'],
      recordRefs: [`invoice/${later}-2`],
    });
    await raw.waitForMessage(seen, (r) => repliesTo(named).includes(r), 'the named erase reply');
    const still: { invoice_id: string }[] = await ds.query(
      `SELECT invoice_id FROM billing_invoices WHERE customer_id = $1`,
      [ret.customerId],
    );
    expect(still.map((r) => r.invoice_id)).toEqual([later]);
  });

  it('restricts and lifts on billing, suppresses prospection on marketing, rectifies the CRM', async () => {
    const ann = pick(5);
    const restrict = {
      commandId: randomUUID(),
      requestId: randomUUID(),
      subjectKeys: keysOf(ann),
      categories: ['billing'],
      ground: 'legal-hold',
      until: '2035-12-31T00:00:00.000Z',
    };
    await sendCommand('billing', EVENTS.restrictCommand.type, restrict);
    await waitFor(async () => repliesTo(restrict.commandId).length === 1, 'the restrict reply');
    const held: { restricted_until: Date | null }[] = await ds.query(
      `SELECT restricted_until FROM billing_invoices WHERE customer_id = $1`,
      [ann.customerId],
    );
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((r) => r.restricted_until?.toISOString() === restrict.until)).toBe(true);
    const lift = { ...restrict, commandId: randomUUID(), action: 'lift', until: undefined };
    await sendCommand('billing', EVENTS.restrictCommand.type, lift);
    await waitFor(async () => repliesTo(lift.commandId).length === 1, 'the lift reply');
    expect(
      await ds.query(`SELECT 1 FROM billing_invoices WHERE customer_id = $1 AND restricted_until IS NOT NULL`, [
        ann.customerId,
      ]),
    ).toEqual([]);

    const suppress = {
      commandId: randomUUID(),
      requestId: randomUUID(),
      subjectKeys: keysOf(ann),
      categories: ['prospection'],
      purposes: ['prospection'],
    };
    await sendCommand('marketing', EVENTS.suppressCommand.type, suppress);
    await waitFor(async () => repliesTo(suppress.commandId).length === 1, 'the suppress reply');
    expect(repliesTo(suppress.commandId)[0].envelope!.data).toMatchObject({ outcome: 'done', affectedRecords: 1 });
    expect(
      await ds.query(`SELECT opted_in, suppressed_purposes FROM marketing_contacts WHERE email = $1`, [ann.email]),
    ).toEqual([{ opted_in: false, suppressed_purposes: ['prospection'] }]);

    const newEmail = `ann.rectified.${Date.now()}@example.test`;
    const rectify = {
      commandId: randomUUID(),
      requestId: randomUUID(),
      subjectKeys: keysOf(ann),
      categories: ['identification'],
      changes: { email: newEmail, fullName: 'Ann Rectified' },
    };
    await sendCommand('crm', EVENTS.rectifyCommand.type, rectify);
    await waitFor(async () => repliesTo(rectify.commandId).length === 1, 'the rectify reply');
    expect(
      await ds.query(`SELECT email, full_name FROM crm_customers WHERE customer_id = $1`, [ann.customerId]),
    ).toEqual([{ email: newEmail, full_name: 'Ann Rectified' }]);
    const key = `crm:customer/${ann.customerId}`;
    await waitFor(async () => recordEvents(EVENTS.recordUpdated.type, key).length === 1, 'the updated event');
    expect((recordEvents(EVENTS.recordUpdated.type, key)[0].envelope!.data as RecordEvent).subjectKeys.email).toBe(
      newEmail,
    );
  });

  it('keeps every notification in the demo mailbox, shown escaped', async () => {
    const requestId = randomUUID();
    const notification = {
      notificationId: randomUUID(),
      requestId,
      channel: 'email',
      to: 'Camille.Demo@example.test',
      template: 'identity-code',
      locale: 'fr-FR',
      variables: { code: '<b>482913</b>' },
    };
    await raw.sendEvent(TOPICS.notifications.name, requestId, EVENTS.notificationRequested.type, notification);
    const messages = await waitFor(async () => {
      const body = (await http().get(`/mail/messages?requestId=${requestId}`).expect(200)).body;
      return body.messages.length === 1 && body.messages;
    }, 'the message in the mailbox');
    expect(messages[0]).toMatchObject({
      notificationId: notification.notificationId,
      to: notification.to,
      template: 'identity-code',
      variables: { code: '<b>482913</b>' },
    });
    expect(
      (await http().get('/mail/messages?to=camille.demo@example.test&template=identity-code').expect(200)).body
        .messages,
    ).toHaveLength(1);
    const page = await http()
      .get('/mail')
      .expect(200)
      .expect('content-type', /text\/html/);
    expect(page.text).toContain('&lt;b&gt;482913&lt;/b&gt;');
    expect(page.text).not.toContain('<b>482913');
  });

  it('answers bad input with 400 and unknown customers with 404, without a token (demo only)', async () => {
    await http().get('/demo/customers?limit=0').expect(400);
    await http().get('/mail/messages?requestId=not-a-uuid').expect(400);
    await http().get('/mail/messages?unknown=1').expect(400);
    await http().get('/demo/customers/C-999999').expect(404);
  });
});

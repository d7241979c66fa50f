/**
 * data-locator against real Kafka and PostgreSQL, driven through its public surfaces: a
 * plain kafkajs client plays the company systems and the identity service, the register
 * is read over HTTP.
 */
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  commandTopic,
  dlqTopic,
  EVENTS,
  systemTopic,
  systemWritableTopics,
  TOPICS,
  type IdentityVerified,
  type PlanBuilt,
  type RecordEvent,
  type SystemRegistered,
} from '@datarights/contracts';
import {
  anApprovedSystem,
  aRecordEvent,
  aSubject,
  aSystem,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';
import { approveRegistrations } from './registrations';

const TOKEN = `dpo-${randomUUID()}`;
const OPERATOR = `operator-${randomUUID()}`;

describe('data-locator (real Kafka and PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let ds: DataSource;
  let raw: RawKafka;
  let plans: Received[];
  let dataDlq: Received[];
  let decisions: Received[];

  // Two registered systems (one processor for a customer), one that never registers.
  const crm = aSystem({ categories: ['identification', 'relationship'], capabilities: ['export', 'erase', 'rectify'] });
  const hosting = aSystem({
    role: 'processor',
    controller: 'customer-42',
    categories: ['usage'],
    capabilities: ['export'],
    location: 'FR',
    transfers: [{ country: 'US', mechanism: 'scc', recipient: 'Backup Inc.' }],
    recipients: [{ name: 'Backup Inc.', kind: 'sub-processor', categories: ['usage'], country: 'US' }],
    source: "the customer's own users",
    automatedDecisions: { logic: 'an abuse score from the traffic', significance: 'a server may be suspended' },
  } as Partial<SystemRegistered>);
  const shadow = `shadow-${Date.now().toString(36)}`;
  const jane = aSubject();
  const john = aSubject();

  const sendRecord = (e: RecordEvent, type: string = EVENTS.recordStored.type) =>
    raw.sendEvent(TOPICS.dataEvents.name, `${e.systemId}:${e.recordRef}`, type, e);
  const sendSystem = (s: SystemRegistered) =>
    raw.sendEvent(TOPICS.systems.name, s.systemId, EVENTS.systemRegistered.type, s);
  const handled = async (eventId: string) =>
    (await ds.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [eventId])).length === 1;
  const indexRow = async (systemId: string, recordRef: string) =>
    (await ds.query(`SELECT * FROM pdata_index WHERE system_id = $1 AND record_ref = $2`, [systemId, recordRef]))[0] as
      { category: string; email: string | null; customer_id: string | null; erased: boolean } | undefined;
  const verified = (subjectKeys: IdentityVerified['subjectKeys'], requestId = randomUUID()): IdentityVerified => ({
    requestId,
    requestType: 'erasure',
    subjectRef: `subj-${randomUUID()}`,
    subjectKeys,
    method: 'code',
    verifiedAt: new Date().toISOString(),
  });
  const planOf = (requestId: string) =>
    raw.waitForMessage(
      plans,
      (r) => (r.envelope?.data as PlanBuilt | undefined)?.requestId === requestId,
      `the plan of ${requestId}`,
    );

  beforeAll(async () => {
    iso = isolate(SERVICE);
    process.env.DPO_TOKEN = TOKEN;
    process.env.OPERATOR_TOKEN = OPERATOR;
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    ds = app.get(DataSource);
    raw = new RawKafka(iso.topicPrefix);
    plans = await raw.collect([TOPICS.plans.name]);
    dataDlq = await raw.collect([dlqTopic(TOPICS.dataEvents.name)]);
    decisions = await raw.collect([TOPICS.systemApprovals.name]);
  });

  afterAll(async () => {
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
  });

  /** The register as the DPO reads it: the systems in force and the registrations waiting. */
  const register = async () =>
    (await request(app.getHttpServer()).get('/v1/systems').set('Authorization', `Bearer ${TOKEN}`).expect(200))
      .body as { items: Array<Record<string, unknown>>; pending: Array<Record<string, any>> };
  const pendingOf = (systemId: string) =>
    waitFor(
      async () => (await register()).pending.find((p) => p.systemId === systemId),
      `a registration of ${systemId} waiting for the DPO`,
    );
  const decide = (systemId: string, registrationId: string, what: 'approval' | 'rejection', token = TOKEN) =>
    request(app.getHttpServer())
      .post(`/v1/systems/${systemId}/registrations/${registrationId}/${what}`)
      .set('Authorization', `Bearer ${token}`);
  /** Registers a system that waits for the DPO (it has capabilities), and approves it as the DPO would. */
  const registerApproved = async (s: SystemRegistered) => {
    await sendSystem(s);
    await approveRegistrations(app, TOKEN, [s.systemId]);
  };
  const decisionsOf = (systemId: string, type: string) =>
    decisions.filter((r) => r.key === systemId && r.envelope?.type === type).map((r) => r.envelope!.data as any);

  it('records a registered system and creates its command topic and dead-letter topic', async () => {
    await registerApproved(crm);
    await registerApproved(hosting);
    const admin = raw.kafka.admin();
    await admin.connect();
    try {
      const wanted = [crm, hosting].flatMap((s) => [
        raw.topic(commandTopic(s.systemId)),
        raw.topic(dlqTopic(commandTopic(s.systemId))),
      ]);
      await waitFor(async () => {
        const topics = new Set(await admin.listTopics());
        return wanted.every((t) => topics.has(t));
      }, 'the command topics');
    } finally {
      await admin.disconnect();
    }
    await waitFor(
      async () => (await ds.query(`SELECT 1 FROM systems WHERE command_topic_ready_at IS NOT NULL`)).length === 2,
      'the topics marked ready',
    );
  });

  it('builds the plan of a verified subject: every system and category with live records under any of their keys, nothing of anyone else', async () => {
    // Jane: an address in the CRM written differently, a customer number in hosting, and a record in an unregistered system.
    const janeCrmIdentity = aRecordEvent(
      crm.systemId,
      { email: jane.email.toUpperCase() },
      { category: 'identification' },
    );
    const janeCrmTicket = aRecordEvent(crm.systemId, { customerId: jane.customerId }, { category: 'relationship' });
    const janeHosting1 = aRecordEvent(
      hosting.systemId,
      { customerId: jane.customerId, phone: jane.phone },
      { category: 'usage' },
    );
    const janeHosting2 = aRecordEvent(hosting.systemId, { phone: jane.phone }, { category: 'usage' });
    const janeShadow = aRecordEvent(shadow, { email: jane.email }, { category: 'billing' });
    // Jane's erased record (erased, then a late, older "stored" that must not bring it back).
    const janeErased = aRecordEvent(
      crm.systemId,
      { email: jane.email },
      { category: 'billing', occurredAt: '2026-01-02T00:00:00Z' },
    );
    // John, in both systems, in categories Jane does not have there.
    const johnCrm = aRecordEvent(crm.systemId, { email: john.email }, { category: 'marketing' });
    const johnHosting = aRecordEvent(hosting.systemId, { customerId: john.customerId }, { category: 'support' });

    for (const e of [janeCrmIdentity, janeCrmTicket, janeHosting1, janeHosting2, janeShadow, johnCrm, johnHosting])
      await sendRecord(e);
    await sendRecord({ ...janeErased, occurredAt: '2026-01-01T00:00:00Z' });
    await sendRecord(janeErased, EVENTS.recordErased.type);
    const late = await sendRecord({ ...janeErased, occurredAt: '2026-01-01T12:00:00Z' });

    await waitFor(
      async () => (await ds.query(`SELECT count(*)::int AS n FROM pdata_index`))[0].n >= 8,
      'the records indexed',
    );
    await waitFor(() => handled(late.id), 'the late event handled');
    expect(await indexRow(crm.systemId, janeErased.recordRef)).toMatchObject({
      erased: true,
      email: null,
      customer_id: null,
    });
    expect(await indexRow(crm.systemId, janeCrmIdentity.recordRef)).toMatchObject({
      email: jane.email.toLowerCase(),
      erased: false,
    });

    const v = verified({ email: [jane.email], customerId: [jane.customerId], phone: [jane.phone] });
    await raw.sendEvent(TOPICS.identity.name, v.requestId, EVENTS.identityVerified.type, v, {
      correlationid: v.requestId,
    });
    const got = await planOf(v.requestId);
    expect(got.key).toBe(v.requestId);
    expect(got.envelope).toMatchObject({ type: EVENTS.planBuilt.type, source: SERVICE, correlationid: v.requestId });
    const plan = got.envelope!.data as PlanBuilt;
    expect(plan).toMatchObject({ requestType: 'erasure', subjectRef: v.subjectRef, subjectKeys: v.subjectKeys });
    expect(plan.items).toEqual(
      [
        {
          systemId: crm.systemId,
          role: 'controller',
          categories: ['identification', 'relationship'],
          capabilities: ['export', 'erase', 'rectify'],
          records: 2,
        },
        {
          systemId: hosting.systemId,
          role: 'processor',
          controller: 'customer-42',
          categories: ['usage'],
          capabilities: ['export'],
          records: 2,
        },
        { systemId: shadow, role: 'controller', categories: ['billing'], capabilities: [], records: 1 },
      ].sort((a, b) => a.systemId.localeCompare(b.systemId)),
    );
    const stored = await ds.query(`SELECT subject_ref, items FROM plans WHERE request_id = $1`, [v.requestId]);
    expect(stored).toEqual([{ subject_ref: v.subjectRef, items: plan.items }]);
  });

  it("keeps each record's retention dates in the index and lists them, per record, in an erasure plan (issue 14: a hold runs from each record's own start)", async () => {
    const zoe = aSubject();
    const sys = `ledger-${randomUUID().slice(0, 8)}`;
    const invoice2023 = aRecordEvent(
      sys,
      { customerId: zoe.customerId },
      { category: 'billing', occurredAt: '2023-02-14T09:00:00.000Z' },
    );
    const invoice2026 = aRecordEvent(
      sys,
      { customerId: zoe.customerId },
      { category: 'billing', occurredAt: '2026-03-01T09:00:00.000Z' },
    );
    const usage = aRecordEvent(sys, { customerId: zoe.customerId }, { category: 'usage' });
    const identity = aRecordEvent(sys, { customerId: zoe.customerId }, { category: 'identification' });
    await sendRecord({
      ...invoice2023,
      retentionDates: { recordDate: invoice2023.occurredAt, endOfFinancialYear: '2023-12-31T22:59:59.999Z' },
    });
    await sendRecord({
      ...invoice2026,
      retentionDates: { recordDate: invoice2026.occurredAt, endOfFinancialYear: '2026-12-31T22:59:59.999Z' },
    });
    await sendRecord(usage);
    await sendRecord({ ...identity, retentionDates: { contractEnd: null } });
    // The contract ends: the system sends the record again with the date.
    const ended = await sendRecord(
      {
        ...identity,
        occurredAt: new Date(Date.parse(identity.occurredAt) + 1000).toISOString(),
        retentionDates: { contractEnd: '2026-06-30T10:00:00.000Z' },
      },
      EVENTS.recordUpdated.type,
    );
    await waitFor(() => handled(ended.id), 'the contract end indexed');
    expect((await indexRow(sys, identity.recordRef)) as unknown).toMatchObject({
      retention_dates: { contractEnd: '2026-06-30T10:00:00.000Z' },
    });

    const v = verified({ customerId: [zoe.customerId] });
    await raw.sendEvent(TOPICS.identity.name, v.requestId, EVENTS.identityVerified.type, v, {
      correlationid: v.requestId,
    });
    const plan = (await planOf(v.requestId)).envelope!.data as PlanBuilt;
    expect(plan.items).toHaveLength(1);
    expect(plan.items[0].records).toBe(4);
    // Every dated record, with its dates; the usage record (no dates) is not listed: the
    // executor counts its category from the request.
    expect([...(plan.items[0].recordDates ?? [])].sort((a, b) => a.recordRef.localeCompare(b.recordRef))).toEqual(
      [
        {
          recordRef: invoice2023.recordRef,
          category: 'billing',
          occurredAt: invoice2023.occurredAt,
          retentionDates: { recordDate: invoice2023.occurredAt, endOfFinancialYear: '2023-12-31T22:59:59.999Z' },
        },
        {
          recordRef: invoice2026.recordRef,
          category: 'billing',
          occurredAt: invoice2026.occurredAt,
          retentionDates: { recordDate: invoice2026.occurredAt, endOfFinancialYear: '2026-12-31T22:59:59.999Z' },
        },
        {
          recordRef: identity.recordRef,
          category: 'identification',
          occurredAt: new Date(Date.parse(identity.occurredAt) + 1000).toISOString(),
          retentionDates: { contractEnd: '2026-06-30T10:00:00.000Z' },
        },
      ].sort((a, b) => a.recordRef.localeCompare(b.recordRef)),
    );
  });

  it('builds the plan only once the index has read the data events that existed at verification: a system just arrived', async () => {
    // Its topic is new: data-locator reads it once its topic watcher picks it up, seconds
    // after the verification below arrives on a topic it already reads. Meanwhile the
    // verification waits in awaiting_messages, not in the consumer.
    const ann = aSubject();
    const newcomer = `newcomer-${randomUUID().slice(0, 8)}`;
    await sendRecord(aRecordEvent(newcomer, { email: ann.email }, { category: 'usage' }));
    const v = verified({ email: [ann.email] });
    await raw.sendEvent(TOPICS.identity.name, v.requestId, EVENTS.identityVerified.type, v, {
      correlationid: v.requestId,
    });
    const plan = (await planOf(v.requestId)).envelope!.data as PlanBuilt;
    expect(plan.items).toEqual([
      { systemId: newcomer, role: 'controller', categories: ['usage'], capabilities: [], records: 1 },
    ]);
    expect(await ds.query(`SELECT 1 FROM awaiting_messages`)).toEqual([]);
  });

  it('builds one plan per request, even when identity verification arrives twice', async () => {
    const v = verified({ email: [john.email] });
    const first = await raw.sendEvent(TOPICS.identity.name, v.requestId, EVENTS.identityVerified.type, v);
    const again = await raw.sendEvent(TOPICS.identity.name, v.requestId, EVENTS.identityVerified.type, {
      ...v,
      verifiedAt: new Date().toISOString(),
    });
    await waitFor(async () => (await handled(first.id)) && (await handled(again.id)), 'both verifications handled');
    const outbox = await ds.query(`SELECT 1 FROM outbox WHERE envelope->'data'->>'requestId' = $1`, [v.requestId]);
    expect(outbox).toHaveLength(1);
    const plan = (await planOf(v.requestId)).envelope!.data as PlanBuilt;
    expect(plan.items.map((i) => [i.systemId, i.categories])).toEqual([[crm.systemId, ['marketing']]]);
  });

  it('serves the Art. 30 register to the DPO, and nothing without a token', async () => {
    await request(app.getHttpServer()).get('/v1/systems').expect(401);
    const res = await request(app.getHttpServer())
      .get('/v1/systems')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200);
    const byId = new Map((res.body.items as Array<{ systemId: string }>).map((i) => [i.systemId, i]));
    expect([...byId.keys()]).toEqual([crm.systemId, hosting.systemId].sort());
    expect(byId.get(hosting.systemId)).toEqual({
      systemId: hosting.systemId,
      name: hosting.name,
      owner: hosting.owner,
      role: 'processor',
      controller: 'customer-42',
      purposes: hosting.purposes,
      legalBasis: hosting.legalBasis,
      categories: ['usage'],
      location: 'FR',
      transfers: [{ country: 'US', mechanism: 'scc', recipient: 'Backup Inc.' }],
      recipients: [{ name: 'Backup Inc.', kind: 'sub-processor', categories: ['usage'], country: 'US' }],
      capabilities: ['export'],
      source: "the customer's own users",
      // Art. 15(1)(h), as the system declared it.
      automatedDecisions: { logic: 'an abuse score from the traffic', significance: 'a server may be suspended' },
      registeredAt: expect.any(String),
      updatedAt: expect.any(String),
      records: 3, // Jane's two, John's one
    });
    // Jane's two live records and John's one; the erased record does not count.
    expect(byId.get(crm.systemId)).toMatchObject({ records: 3 });

    const one = await request(app.getHttpServer())
      .get(`/v1/systems/${crm.systemId}`)
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200);
    expect(one.body).toMatchObject({ systemId: crm.systemId, capabilities: ['export', 'erase', 'rectify'] });
    await request(app.getHttpServer())
      .get('/v1/systems/never-registered')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(404);
    await request(app.getHttpServer())
      .get('/v1/systems/Not_A_Slug')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(400);
  });

  it('keeps the newest registration of a system when an older one is replayed', async () => {
    const renamed = { ...crm, name: 'CRM (renamed)' };
    await raw.sendEvent(TOPICS.systems.name, crm.systemId, EVENTS.systemRegistered.type, renamed);
    const older = await raw.sendEvent(
      TOPICS.systems.name,
      crm.systemId,
      EVENTS.systemRegistered.type,
      { ...crm, name: 'CRM (old)' },
      { time: '2020-01-01T00:00:00Z' },
    );
    await waitFor(() => handled(older.id), 'the replayed registration handled');
    const res = await request(app.getHttpServer())
      .get(`/v1/systems/${crm.systemId}`)
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200);
    expect(res.body.name).toBe('CRM (renamed)');
  });

  it('dead-letters an invalid data event with its reason and indexes the next one on the same key', async () => {
    const recordRef = `rec-${randomUUID()}`;
    const key = `${crm.systemId}:${recordRef}`;
    const badEmail = `not-an-email-${randomUUID()}`;
    await raw.sendEvent(
      TOPICS.dataEvents.name,
      key,
      EVENTS.recordStored.type,
      aRecordEvent(crm.systemId, { email: badEmail }, { recordRef }),
    );
    await sendRecord(aRecordEvent(crm.systemId, { email: jane.email }, { recordRef, category: 'relationship' }));

    await waitFor(() => indexRow(crm.systemId, recordRef), 'the valid event after the invalid one');
    expect(await indexRow(crm.systemId, recordRef)).toMatchObject({
      category: 'relationship',
      email: jane.email.toLowerCase(),
    });
    const dead = await raw.waitForMessage(dataDlq, (r) => r.key === key, 'the invalid event in the DLQ');
    expect(dead.topic).toBe(dlqTopic(TOPICS.dataEvents.name));
    expect(dead.headers['x-dlq-reason']).toMatch(/^invalid-payload: .*email/);
    expect(dead.headers['x-dlq-reason']).not.toContain(badEmail);
  });
  describe('registrations that redirect personal data wait for the DPO (Art. 28, 30, 32)', () => {
    const contact = `dpo.${randomUUID().slice(0, 8)}@customer.example.test`;
    const plain = aSystem({ capabilities: [], categories: ['usage'] });
    const redirecting: SystemRegistered = {
      ...plain,
      role: 'processor',
      controller: 'customer-7',
      controllerContact: contact,
      capabilities: ['export', 'erase'],
    };
    const itemOf = async (systemId: string) => (await register()).items.find((i) => i.systemId === systemId);

    it('puts a plain first registration in force at once, and publishes it as approved by the policy', async () => {
      await sendSystem(plain);
      await waitFor(() => itemOf(plain.systemId), 'the plain system in the register');
      expect(await itemOf(plain.systemId)).toMatchObject({ role: 'controller', capabilities: [] });
      const [approved] = await waitFor(async () => {
        const found = decisionsOf(plain.systemId, EVENTS.systemApproved.type);
        return found.length > 0 ? found : undefined;
      }, 'its dsr.system.approved.v1');
      expect(approved).toMatchObject({ systemId: plain.systemId, approval: 'policy', changes: [] });
    });

    it('holds a processor role, a controller contact and new capabilities until the DPO approves them, once', async () => {
      await sendSystem(redirecting);
      const held = await pendingOf(redirecting.systemId);
      expect(held).toMatchObject({
        status: 'pending',
        role: 'processor',
        controllerContact: contact,
        changes: [
          { field: 'role', from: 'controller', to: 'processor' },
          { field: 'controller', to: 'customer-7' },
          { field: 'controllerContact', to: contact },
          { field: 'capability', to: 'export' },
          { field: 'capability', to: 'erase' },
        ],
      });
      // Not in force: the register still shows the plain system, and the audit hears of the wait.
      expect(await itemOf(redirecting.systemId)).toMatchObject({ role: 'controller', capabilities: [] });
      await waitFor(
        async () => decisionsOf(redirecting.systemId, EVENTS.systemRegistrationHeld.type).length === 1,
        'dsr.system.registration-held.v1',
      );

      const id = held.registrationId as string;
      await decide(redirecting.systemId, id, 'approval', OPERATOR).expect(403);
      await decide(redirecting.systemId, 'not-a-uuid', 'approval').expect(400);
      await decide(redirecting.systemId, randomUUID(), 'approval').expect(404);
      await decide('someone-else', id, 'approval').expect(404);

      const ok = await decide(redirecting.systemId, id, 'approval').expect(200);
      expect(ok.body).toMatchObject({ registrationId: id, status: 'approved', decidedBy: expect.any(String) });
      expect(await itemOf(redirecting.systemId)).toMatchObject({
        role: 'processor',
        controller: 'customer-7',
        capabilities: ['export', 'erase'],
      });
      expect((await register()).pending.find((p) => p.systemId === redirecting.systemId)).toBeUndefined();
      // Approving again answers the same and publishes nothing more; rejecting it now is a conflict.
      expect((await decide(redirecting.systemId, id, 'approval').expect(200)).body).toEqual(ok.body);
      await decide(redirecting.systemId, id, 'rejection').send({ reason: 'changed my mind' }).expect(409);
      const approvedNow = () =>
        decisionsOf(redirecting.systemId, EVENTS.systemApproved.type).filter((d) => d.registrationId === id);
      await waitFor(async () => approvedNow().length === 1, 'the approval published');
      expect(approvedNow()[0]).toMatchObject({ approval: 'dpo', controllerContact: contact, role: 'processor' });
      // The same registration again changes nothing that needs the DPO: in force at once.
      await sendSystem({ ...redirecting, name: 'Renamed' });
      await waitFor(
        async () => (await itemOf(redirecting.systemId))?.name === 'Renamed',
        'the re-registration in force',
      );
      expect(approvedNow()).toHaveLength(1);
    });

    it('lets a newer registration supersede a waiting one, and a rejection keep the one in force', async () => {
      const first = `first.${randomUUID().slice(0, 8)}@attacker.example.test`;
      const second = `second.${randomUUID().slice(0, 8)}@attacker.example.test`;
      await sendSystem({ ...redirecting, controllerContact: first });
      const superseded = await pendingOf(redirecting.systemId);
      expect(superseded.changes).toEqual([{ field: 'controllerContact', from: contact, to: first }]);
      await sendSystem({ ...redirecting, controllerContact: second });
      const latest = await waitFor(async () => {
        const p = (await register()).pending.find((x) => x.systemId === redirecting.systemId);
        return p && p.registrationId !== superseded.registrationId ? p : undefined;
      }, 'the newer registration waiting');
      expect(latest.controllerContact).toBe(second);

      await decide(redirecting.systemId, superseded.registrationId as string, 'approval').expect(409);
      await decide(redirecting.systemId, latest.registrationId as string, 'rejection')
        .send({})
        .expect(400);
      await decide(redirecting.systemId, latest.registrationId as string, 'rejection')
        .send({ reason: 'not the customer’s address', extra: true })
        .expect(400);
      const rejected = await decide(redirecting.systemId, latest.registrationId as string, 'rejection')
        .send({ reason: 'not the customer’s address' })
        .expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'not the customer’s address' });
      await decide(redirecting.systemId, latest.registrationId as string, 'approval').expect(409);
      expect((await register()).pending.find((p) => p.systemId === redirecting.systemId)).toBeUndefined();
      await waitFor(
        async () => decisionsOf(redirecting.systemId, EVENTS.systemRegistrationRejected.type).length === 1,
        'dsr.system.registration-rejected.v1',
      );
      // Nothing of either address was ever put in force.
      const approvals = decisionsOf(redirecting.systemId, EVENTS.systemApproved.type);
      expect(approvals.map((a) => a.controllerContact)).not.toContain(first);
      expect(approvals.map((a) => a.controllerContact)).not.toContain(second);
      expect(await itemOf(redirecting.systemId)).toMatchObject({ role: 'processor', name: 'Renamed' });
    });

    it('gives no effect to a forged dsr.system.approved.v1 on any topic a system may write (dead-lettered where read by type)', async () => {
      const mallory = `mallory-${randomUUID().slice(0, 8)}`;
      const own = systemWritableTopics(mallory);
      await raw.ensureTopics([...own, ...own.map(dlqTopic)]);
      const dead = await raw.collect([dlqTopic(TOPICS.dataEvents.name)]);
      const forged = {
        ...anApprovedSystem({ systemId: mallory, role: 'processor', controller: 'x', capabilities: ['export'] }),
        controllerContact: 'mallory@attacker.example.test',
      };
      const sent = await Promise.all(
        own.map((topic) => raw.sendEvent(topic, mallory, EVENTS.systemApproved.type, forged)),
      );
      // Then its genuine, plain registration, on the same topic and partition as the forgery.
      await sendSystem(aSystem({ systemId: mallory, capabilities: [] }));
      await waitFor(
        async () => (await register()).items.some((i) => i.systemId === mallory),
        "mallory's own registration in force",
        90_000,
      );
      // The data-event topic is read by type (a batch handler): the forgery is dead-lettered
      // there; on the others data-locator handles registrations and replies only, and passes over it.
      const onEvents = sent[own.indexOf(systemTopic(TOPICS.dataEvents, mallory))];
      const letter = await raw.waitForMessage(
        dead,
        (r) => r.envelope?.id === onEvents.id,
        'the forgery dead-lettered',
        90_000,
      );
      expect(letter.headers['x-dlq-reason']).toMatch(
        /^wrong-topic: dsr.system.approved.v1 is only accepted on dsr.systems.v1/,
      );
      const now = await register();
      expect(now.items.find((i) => i.systemId === mallory)).toMatchObject({ role: 'controller', capabilities: [] });
      expect(now.pending.find((p) => p.systemId === mallory)).toBeUndefined();
      // Its only decision is the policy's, on its genuine registration.
      const ofMallory = () => decisions.filter((r) => r.key === mallory).map((r) => (r.envelope!.data as any).approval);
      await waitFor(async () => ofMallory().length > 0, 'the approval of its registration published');
      expect(ofMallory()).toEqual(['policy']);
    }, 200_000);
  });
});

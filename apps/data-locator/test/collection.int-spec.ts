/**
 * Access and portability collection against real Kafka and PostgreSQL: a plain kafkajs
 * client plays the company systems (registration, data events, export replies — one of
 * them over 2 MiB, in parts, out of order and with a duplicate) and the identity service.
 */
import type { INestApplication } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  commandTopic,
  dlqTopic,
  EVENTS,
  TOPICS,
  type ExportCommand,
  type IdentityVerified,
  type PackageReady,
  type SystemRegistered,
} from '@datarights/contracts';
import {
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
import { ExportTimeoutLoop } from '../src/collection/export-timeout.loop';
import { approveRegistrations } from './registrations';
import { unzip } from '@datarights/testing';
import {
  DEV_PACKAGE_ENCRYPTION_KEY,
  decryptPackage,
  decryptPackageStream,
  PACKAGE_CHUNK_BYTES,
  packageKey,
} from '@datarights/service-kit';
import { Readable } from 'node:stream';

const TOKEN = `dpo-${randomUUID()}`;

describe('data-locator collection for access and portability (real Kafka and PostgreSQL)', () => {
  let iso: Isolation;
  let app: INestApplication;
  let ds: DataSource;
  let raw: RawKafka;
  let actions: Received[];
  let commands: Received[];
  let repliesDlq: Received[];

  const crm = aSystem({ categories: ['identification', 'relationship'], capabilities: ['export', 'erase'] });
  const billing = aSystem({
    categories: ['billing', 'payment'],
    capabilities: ['export', 'erase'],
    purposes: ['invoicing'],
    legalBasis: 'legal-obligation',
    transfers: [{ country: 'US', mechanism: 'scc', recipient: 'PayCo Inc.' }],
    recipients: [{ name: 'PayCo Inc.', kind: 'sub-processor', categories: ['payment'], country: 'US' }],
  } as Partial<SystemRegistered>);
  const hosting = aSystem({
    role: 'processor',
    controller: 'customer-42',
    categories: ['usage'],
    capabilities: ['export'],
  } as Partial<SystemRegistered>);
  const silent = aSystem({ categories: ['relationship'], capabilities: ['export'] });
  const jane = aSubject();
  const john = aSubject();

  const send = (topic: string, key: string, type: string, data: object) => raw.sendEvent(topic, key, type, data);
  const verify = async (requestType: IdentityVerified['requestType']) => {
    const v: IdentityVerified = {
      requestId: randomUUID(),
      requestType,
      subjectRef: `subj-${randomUUID()}`,
      subjectKeys: { email: [jane.email], customerId: [jane.customerId] },
      method: 'code',
      verifiedAt: new Date().toISOString(),
    };
    await raw.sendEvent(TOPICS.identity.name, v.requestId, EVENTS.identityVerified.type, v, {
      correlationid: v.requestId,
    });
    return v.requestId;
  };
  const commandFor = (requestId: string, systemId: string) =>
    raw
      .waitForMessage(
        commands,
        (r) =>
          r.envelope?.type === EVENTS.exportCommand.type &&
          (r.envelope.data as ExportCommand).requestId === requestId &&
          (r.envelope.data as ExportCommand).systemId === systemId,
        `export command to ${systemId}`,
      )
      .then((r) => r.envelope!.data as ExportCommand);
  const reply = (c: ExportCommand, records: Record<string, unknown>[], part?: number, parts?: number) =>
    send(TOPICS.replies.name, c.requestId, EVENTS.commandCompleted.type, {
      commandId: c.commandId,
      requestId: c.requestId,
      systemId: c.systemId,
      outcome: 'done',
      affectedRecords: records.length,
      export: { records, ...(part ? { part, parts } : {}) },
    });
  const eventsOf = (requestId: string, name: keyof typeof EVENTS) =>
    actions.filter(
      (r) =>
        r.envelope?.type === EVENTS[name].type && (r.envelope.data as { requestId: string }).requestId === requestId,
    );
  const partsOf = async (requestId: string) => {
    const first = await raw.waitForMessage(
      actions,
      (r) => r.envelope?.type === EVENTS.packageReady.type && (r.envelope.data as PackageReady).requestId === requestId,
      'the package',
      60_000,
    );
    const parts = (first.envelope!.data as PackageReady).parts;
    const all = await waitFor(async () => {
      const got = eventsOf(requestId, 'packageReady');
      return got.length >= parts ? got : undefined;
    }, 'every package part');
    return all.map((r) => r.envelope!.data as PackageReady).sort((a, b) => a.part - b.part);
  };
  const packageOf = async (requestId: string) => {
    const ordered = await partsOf(requestId);
    const encrypted = Buffer.from(ordered.map((p) => p.data).join(''), 'base64');
    expect(createHash('sha256').update(encrypted).digest('hex')).toBe(ordered[0].sha256);
    return {
      meta: ordered[0],
      files: await unzip(decryptPackage(packageKey(DEV_PACKAGE_ENCRYPTION_KEY), encrypted, requestId)),
    };
  };

  beforeAll(async () => {
    iso = isolate(SERVICE);
    process.env.EXPORT_POLL_MS = '3600000'; // the test drives the timeout loop itself
    process.env.DPO_TOKEN = TOKEN;
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    ds = app.get(DataSource);
    raw = new RawKafka(iso.topicPrefix);
    for (const s of [crm, billing, hosting, silent])
      await send(TOPICS.systems.name, s.systemId, EVENTS.systemRegistered.type, s);
    // Their capabilities make each registration wait for the DPO, who approves them.
    await approveRegistrations(
      app,
      TOKEN,
      [crm, billing, hosting, silent].map((s) => s.systemId),
    );
    await waitFor(
      async () => (await ds.query(`SELECT 1 FROM systems WHERE command_topic_ready_at IS NOT NULL`)).length === 4,
      'the systems registered',
    );
    actions = await raw.collect([TOPICS.actions.name]);
    commands = await raw.collect([crm, billing, hosting, silent].map((s) => commandTopic(s.systemId)));
    repliesDlq = await raw.collect([dlqTopic(TOPICS.replies.name)]);
    const records = [
      aRecordEvent(crm.systemId, { email: jane.email }, { category: 'identification' }),
      aRecordEvent(crm.systemId, { customerId: jane.customerId }, { category: 'relationship' }),
      // An invoice of the 2023 financial year, with its dates (issue 14: the package states its own period).
      aRecordEvent(
        billing.systemId,
        { customerId: jane.customerId },
        {
          category: 'billing',
          recordRef: 'invoice-2023-02',
          occurredAt: '2023-02-14T09:00:00.000Z',
          retentionDates: {
            recordDate: '2023-02-14T09:00:00.000Z',
            lastOperation: '2023-02-14T09:00:00.000Z',
            endOfFinancialYear: '2023-12-31T22:59:59.999Z',
          },
        },
      ),
      aRecordEvent(billing.systemId, { customerId: jane.customerId }, { category: 'payment' }),
      aRecordEvent(hosting.systemId, { customerId: jane.customerId }, { category: 'usage' }),
      aRecordEvent(crm.systemId, { email: john.email }, { category: 'identification' }),
    ];
    for (const e of records)
      await send(TOPICS.dataEvents.name, `${e.systemId}:${e.recordRef}`, EVENTS.recordStored.type, e);
    await waitFor(
      async () => (await ds.query(`SELECT count(*)::int AS n FROM pdata_index`))[0].n >= records.length,
      'the records indexed',
    );
  });

  afterAll(async () => {
    delete process.env.EXPORT_POLL_MS;
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
  });

  it('access: asks every controller system (not the processor), reassembles a 2 MiB+ export sent in parts, and hands over the whole package', async () => {
    const requestId = await verify('access');
    const toCrm = await commandFor(requestId, crm.systemId);
    const toBilling = await commandFor(requestId, billing.systemId);
    expect(toCrm.categories).toEqual(['identification', 'relationship']);
    expect(toBilling.categories).toEqual(['billing', 'payment']);
    expect(toCrm.subjectKeys).toMatchObject({ email: [jane.email], customerId: [jane.customerId] });

    await reply(toCrm, [
      { recordRef: 'crm-1', category: 'identification', email: jane.email, note: 'line1\n"quoted", comma' },
      // A ticket naming a support agent: the system flags it (Art. 15(4), other people's data).
      { recordRef: 'crm-2', category: 'relationship', subject: 'ticket', containsThirdPartyData: true },
    ]);
    // Billing: 2,500 records of ~1 KiB = over 2 MiB, in 5 parts of ~500 KiB, out of order, part 3 twice.
    // Incompressible, so that the package itself (zip, encrypted) needs several parts too.
    const big = Array.from({ length: 2500 }, (_, i) => ({
      recordRef: `inv-${i}`,
      category: i % 2 ? 'billing' : 'payment',
      customerId: jane.customerId,
      line: randomBytes(750).toString('base64'),
    }));
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(2 * 1024 * 1024);
    const chunks = [0, 1, 2, 3, 4].map((i) => big.slice(i * 500, (i + 1) * 500));
    for (const i of [4, 2, 0, 2, 1, 3]) await reply(toBilling, chunks[i], i + 1, 5);
    // A reply to a command data-locator never sent (the executor's): ignored, not dead-lettered.
    const foreign = await send(TOPICS.replies.name, requestId, EVENTS.commandCompleted.type, {
      commandId: randomUUID(),
      requestId,
      systemId: crm.systemId,
      outcome: 'done',
      affectedRecords: 1,
    });

    const { meta, files } = await packageOf(requestId);
    expect(meta).toMatchObject({ requestType: 'access', records: 2502 });
    expect(meta.parts).toBeGreaterThan(2); // sent one at a time: two parts in one Kafka batch would exceed 1 MiB
    expect((await ds.query(`SELECT count(*)::int AS n FROM export_packages`))[0].n).toBe(0);
    const data = JSON.parse(files.get('data.json')!);
    expect(Object.keys(data.systems).sort()).toEqual([billing.systemId, crm.systemId].sort());
    const billingRefs = [...data.systems[billing.systemId].billing, ...data.systems[billing.systemId].payment]
      .map((r: { recordRef: string }) => r.recordRef)
      .sort();
    expect(billingRefs).toEqual(big.map((r) => r.recordRef).sort());
    expect(JSON.stringify(data)).not.toContain(john.email);
    expect(files.get('csv/identification.csv')).toContain('"line1\n""quoted"", comma"');
    // Art. 15(1)(d), issue 14: the period applied to the invoice, from the end of its financial
    // year (Code de commerce L123-22), in the CSV and, in words, in the French summary.
    expect(files.get('retention.csv')).toContain(
      `${billing.systemId},invoice-2023-02,billing,2033-12-31T22:59:59.999Z,,P10Y,end-of-financial-year,Code de commerce L123-22`,
    );
    expect(files.get('summary.md')).toContain(
      `invoice-2023-02 (${billing.systemId}) : conservé jusqu'au 31 décembre 2033 (10 ans à compter de la fin de l'exercice comptable, Code de commerce L123-22)`,
    );
    const processing = JSON.parse(files.get('processing.json')!);
    expect(processing.categories.find((c: { category: string }) => c.category === 'payment')).toMatchObject({
      purposes: ['invoicing'],
      recipients: [expect.objectContaining({ name: 'PayCo Inc.', kind: 'sub-processor' })],
      transfers: [expect.objectContaining({ country: 'US', mechanism: 'scc' })],
    });

    const done = await raw.waitForMessage(
      actions,
      (r) =>
        r.envelope?.type === EVENTS.executionCompleted.type &&
        (r.envelope.data as { requestId: string }).requestId === requestId,
      'execution completed',
    );
    expect(
      (done.envelope!.data as { systems: { systemId: string; outcome: string }[] }).systems.map((s) => s.outcome),
    ).toEqual(['done', 'done']);
    // The package holds a record flagged as other people's data: request-intake waits for the DPO's release.
    expect((done.envelope!.data as { thirdPartyData?: boolean }).thirdPartyData).toBe(true);
    expect(eventsOf(requestId, 'actionDispatched')).toHaveLength(2);
    expect(eventsOf(requestId, 'actionCompleted')).toHaveLength(2);
    await waitFor(
      async () => (await ds.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [foreign.id])).length === 1,
      'the foreign reply handled',
    );
    expect(repliesDlq).toHaveLength(0);
    // data-locator keeps no copy of the records once the package is sent.
    expect((await ds.query(`SELECT count(*)::int AS n FROM export_parts`))[0].n).toBe(0);
    // Nor the subject's keys: packaged, the request sends no export command again.
    expect(
      await ds.query(`SELECT status, subject_keys FROM export_requests WHERE request_id = $1`, [requestId]),
    ).toEqual([{ status: 'packaged', subject_keys: {} }]);
  });

  it('access: 40,000 records in 20 parts are assembled a part at a time, and the parts decrypt as a stream into the whole package', async () => {
    const requestId = await verify('access');
    const toCrm = await commandFor(requestId, crm.systemId);
    const toBilling = await commandFor(requestId, billing.systemId);
    await reply(toBilling, []);
    const PARTS = 20;
    const PER_PART = 2000;
    const log = (i: number) => ({
      recordRef: `log-${i}`,
      category: 'relationship',
      at: new Date(Date.UTC(2026, 0, 1) + i * 17_000).toISOString(),
      channel: i % 3 ? 'web' : 'phone',
      note: i % 1000 ? `contact ${i}` : '=HYPERLINK("x")',
    });
    for (let p = 1; p <= PARTS; p++)
      await reply(
        toCrm,
        Array.from({ length: PER_PART }, (_, k) => log((p - 1) * PER_PART + k)),
        p,
        PARTS,
      );

    const parts = await partsOf(requestId);
    const encrypted = parts.map((p) => Buffer.from(p.data, 'base64'));
    expect(createHash('sha256').update(Buffer.concat(encrypted)).digest('hex')).toBe(parts[0].sha256);
    expect(Buffer.concat(encrypted).length).toBeGreaterThan(PACKAGE_CHUNK_BYTES); // several encryption chunks
    // Decrypted the way request-intake serves it: a chunk at a time, each checked before it is released.
    const zip: Buffer[] = [];
    for await (const b of Readable.from(encrypted).pipe(
      decryptPackageStream(packageKey(DEV_PACKAGE_ENCRYPTION_KEY), requestId),
    ))
      zip.push(b as Buffer);
    const files = await unzip(Buffer.concat(zip));
    const records = PARTS * PER_PART;
    expect(parts[0]).toMatchObject({ records, categories: ['relationship'] });
    const data = JSON.parse(files.get('data.json')!);
    expect(data.records).toBe(records);
    const refs = (data.systems[crm.systemId].relationship as { recordRef: string }[]).map((r) => r.recordRef);
    expect(refs).toEqual(Array.from({ length: records }, (_, i) => `log-${i}`)); // every record, in order, once
    const csv = files.get('csv/relationship.csv')!.split('\r\n');
    // The leading columns, then the records' other keys (in jsonb's order, which is not the system's).
    expect(csv[0].split(',').slice(0, 3)).toEqual(['system', 'category', 'recordRef']);
    expect(csv[0].split(',').sort()).toEqual(['at', 'category', 'channel', 'note', 'recordRef', 'system']);
    expect(csv).toHaveLength(records + 2); // header, rows, and the empty string after the last CRLF
    expect(csv[1]).toContain(`'=HYPERLINK(""x"")`);
    expect(files.get('summary.md')).toContain(`${records} enregistrements`);
    const completed = eventsOf(requestId, 'actionCompleted').map(
      (r) => r.envelope!.data as { systemId: string; affectedRecords: number },
    );
    expect(completed.find((c) => c.systemId === crm.systemId)?.affectedRecords).toBe(records);
    await waitFor(
      async () =>
        (await ds.query(`SELECT status FROM export_requests WHERE request_id = $1`, [requestId]))[0].status ===
        'packaged',
      'the request packaged',
    );
    expect((await ds.query(`SELECT count(*)::int AS n FROM export_parts`))[0].n).toBe(0);
  });

  it('portability: asks only for portable categories; a silent system is re-sent the same command, then escalated, and the package names it', async () => {
    await send(
      TOPICS.dataEvents.name,
      `${silent.systemId}:s1`,
      EVENTS.recordStored.type,
      aRecordEvent(silent.systemId, { email: jane.email }, { recordRef: 's1', category: 'relationship' }),
    );
    await waitFor(
      async () => (await ds.query(`SELECT 1 FROM pdata_index WHERE system_id = $1`, [silent.systemId])).length === 1,
      'the silent system indexed',
    );
    const requestId = await verify('portability');
    const toBilling = await commandFor(requestId, billing.systemId);
    const toCrm = await commandFor(requestId, crm.systemId);
    const toSilent = await commandFor(requestId, silent.systemId);
    expect(toBilling.categories).toEqual(['payment']); // invoices are not provided by the subject (Art. 20(1))
    await reply(toBilling, [{ recordRef: 'p1', category: 'payment', iban: 'FR76' }]);
    await reply(toCrm, [
      { recordRef: 'c1', category: 'identification', email: jane.email },
      { recordRef: 'c2', category: 'identification', score: 0.7, inferred: true },
    ]);

    await waitFor(
      async () => (eventsOf(requestId, 'actionCompleted').length === 2 ? true : undefined),
      'the two replies handled',
    );
    const loop = app.get(ExportTimeoutLoop);
    const future = (h: number) => new Date(Date.now() + h * 3600_000);
    let attempts = 1;
    for (const h of [2, 6, 14, 40]) {
      await loop.runOnce(future(h));
      const n = await ds.query(`SELECT attempts, status FROM export_commands WHERE command_id = $1`, [
        toSilent.commandId,
      ]);
      if (n[0].status === 'escalated') break;
      attempts = n[0].attempts;
    }
    expect(attempts).toBe(4);
    await waitFor(
      async () =>
        commands.filter((r) => (r.envelope?.data as ExportCommand | undefined)?.commandId === toSilent.commandId)
          .length === 4
          ? true
          : undefined,
      'the same command sent four times',
    );
    const escalated = await raw.waitForMessage(
      actions,
      (r) =>
        r.envelope?.type === EVENTS.actionEscalated.type &&
        (r.envelope.data as { commandId: string }).commandId === toSilent.commandId,
      'the escalation',
    );
    expect(escalated.envelope!.data).toMatchObject({
      kind: 'export',
      attempts: 4,
      reason: 'no reply after 4 attempts',
    });

    const { meta, files } = await packageOf(requestId);
    expect(meta).toMatchObject({ requestType: 'portability', records: 2, categories: ['identification', 'payment'] });
    expect([...files.keys()].sort()).toEqual(['csv/identification.csv', 'csv/payment.csv', 'data.json', 'summary.md']);
    expect(JSON.stringify(JSON.parse(files.get('data.json')!))).not.toContain('inferred');
    // The subject is told which system has not answered yet, in French (the reason is the DPO's).
    expect(files.get('summary.md')).toContain(`n'ont pas encore répondu`);
    expect(files.get('summary.md')).toContain(`- ${silent.systemId}\n`);
    expect(
      eventsOf(requestId, 'actionDispatched').filter(
        (r) => (r.envelope!.data as { systemId: string }).systemId !== silent.systemId,
      ),
    ).toHaveLength(2);
  });
});

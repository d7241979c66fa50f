/**
 * The purge (issue 14; storage limitation, GDPR Art. 5(1)(e)) against real Kafka and
 * PostgreSQL: outside any request, a prospect whose last contact from the prospect is more
 * than three years old is asked to be erased, by name (CNIL référentiel "gestion
 * commerciale", délibération 2021-130); a recent prospect, and one whose system reported no
 * date, are not. Asked once; bounded per run; erased once the system says so.
 */
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  commandTopic,
  EVENTS,
  TOPICS,
  type EraseCommand,
  type IdentityVerified,
  type PlanBuilt,
  type RecordEvent,
} from '@datarights/contracts';
import {
  aRecordEvent,
  aSubject,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  usePolicy,
  waitFor,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';
import { PurgeLoop } from '../src/purge/purge.loop';

const POLICY = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y, timeZone: Europe/Paris }
commands: { respondWithin: PT1H, maxAttempts: 2, retryBackoff: PT1S }
purge:
  categories: [prospection]
categories:
  default: { action: erase }
  prospection:
    action: erase
    limit: { period: P3Y, from: last-contact, legalText: 'CNIL délibération 2021-130' }
  identification:
    action: retain
    retention: { period: P5Y, from: contract-end, ground: "Art. 17(3)(b)", legalText: "LCEN art. 6 et décret 2021-1362" }
`;

describe('data-locator: the purge of records past their periods', () => {
  let iso: Isolation;
  let app: INestApplication;
  let ds: DataSource;
  let raw: RawKafka;
  let commands: Received[];
  let plans: Received[];
  let restorePolicy: (() => void) | undefined;
  const sys = `mkt-${randomUUID().slice(0, 8)}`;
  const dayMs = 86_400_000;

  beforeAll(async () => {
    iso = isolate(SERVICE);
    restorePolicy = usePolicy(POLICY);
    process.env.PURGE_POLL_MS = '3600000';
    process.env.PURGE_BATCH = '1';
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics([commandTopic(sys)]);
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    ds = app.get(DataSource);
    commands = await raw.collect([commandTopic(sys)]);
    plans = await raw.collect([TOPICS.plans.name]);
  }, 180_000);

  afterAll(async () => {
    await raw?.close();
    await app?.close();
    if (iso) await cleanup(iso);
    for (const v of ['PURGE_POLL_MS', 'PURGE_BATCH']) delete process.env[v];
    restorePolicy?.();
  });

  const send = (e: RecordEvent, type: string = EVENTS.recordStored.type) =>
    raw.sendEvent(TOPICS.dataEvents.name, `${e.systemId}:${e.recordRef}`, type, e);
  const indexed = async (recordRef: string) =>
    (await ds.query(`SELECT erased FROM pdata_index WHERE system_id = $1 AND record_ref = $2`, [sys, recordRef]))[0] as
      { erased: boolean } | undefined;
  const erases = () =>
    commands.filter((r) => r.envelope?.type === EVENTS.eraseCommand.type).map((r) => r.envelope!.data as EraseCommand);

  it('asks to erase a prospect three years after the last contact, by name, once, and not a recent one (CNIL, délibération 2021-130)', async () => {
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * dayMs).toISOString();
    const old = aRecordEvent(sys, { email: aSubject().email }, { category: 'prospection', occurredAt: at(1200) });
    const older = aRecordEvent(sys, { email: aSubject().email }, { category: 'prospection', occurredAt: at(1300) });
    const recent = aRecordEvent(sys, { email: aSubject().email }, { category: 'prospection', occurredAt: at(400) });
    const undated = aRecordEvent(sys, { email: aSubject().email }, { category: 'prospection', occurredAt: at(2000) });
    await send({ ...old, retentionDates: { lastContact: old.occurredAt } });
    await send({ ...older, retentionDates: { lastContact: older.occurredAt } });
    await send({ ...recent, retentionDates: { lastContact: recent.occurredAt } });
    await send(undated);
    for (const r of [old, older, recent, undated])
      await waitFor(async () => (await indexed(r.recordRef)) !== undefined, 'the prospects indexed');

    // PURGE_BATCH=1: one record per run, the oldest first; then the other; then none.
    expect(await app.get(PurgeLoop).runOnce()).toBe(1);
    expect(await app.get(PurgeLoop).runOnce()).toBe(1);
    expect(await app.get(PurgeLoop).runOnce()).toBe(0);
    const sent = await waitFor(async () => (erases().length >= 2 ? erases() : undefined), 'two erase commands');
    expect(sent.map((c) => c.recordRefs)).toEqual([[older.recordRef], [old.recordRef]]);
    expect(sent[0]).toMatchObject({ systemId: sys, categories: ['prospection'] });
    expect(sent[0].subjectKeys.email).toHaveLength(1);
    expect(await ds.query(`SELECT record_ref FROM purge_commands ORDER BY sent_at`)).toHaveLength(2);

    // The system erases them and says so: out of the index. Still nothing more to ask.
    await send({ ...older, occurredAt: new Date().toISOString() }, EVENTS.recordErased.type);
    await waitFor(async () => (await indexed(older.recordRef))?.erased === true, 'the erasure indexed');
    expect(await app.get(PurgeLoop).runOnce()).toBe(0);
    expect(erases()).toHaveLength(2);
    expect(erases().flatMap((c) => c.recordRefs)).not.toContain(recent.recordRef);
    expect(erases().flatMap((c) => c.recordRefs)).not.toContain(undated.recordRef);
  }, 120_000);

  it('keeps the civil identity of an erasure request while the contract runs, and erases it, by name, five years after the contract end the system then reports (LCEN art. 6, décret 2021-1362)', async () => {
    const ann = aSubject();
    const bob = aSubject();
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * dayMs).toISOString();
    const annIdentity = aRecordEvent(
      sys,
      { customerId: ann.customerId },
      { category: 'identification', occurredAt: at(3000) },
    );
    const bobIdentity = aRecordEvent(
      sys,
      { customerId: bob.customerId },
      { category: 'identification', occurredAt: at(3000) },
    );
    for (const r of [annIdentity, bobIdentity]) await send({ ...r, retentionDates: { contractEnd: null } });
    for (const r of [annIdentity, bobIdentity])
      await waitFor(async () => (await indexed(r.recordRef)) !== undefined, 'the identities indexed');

    // Both ask for erasure while their contracts run: nothing to erase yet.
    for (const s of [ann, bob]) {
      const v: IdentityVerified = {
        requestId: randomUUID(),
        requestType: 'erasure',
        subjectRef: `subj-${randomUUID()}`,
        subjectKeys: { customerId: [s.customerId] },
        method: 'code',
        verifiedAt: new Date().toISOString(),
      };
      await raw.sendEvent(TOPICS.identity.name, v.requestId, EVENTS.identityVerified.type, v, {
        correlationid: v.requestId,
      });
      await raw.waitForMessage(
        plans,
        (r) => (r.envelope?.data as PlanBuilt | undefined)?.requestId === v.requestId,
        'the plan',
      );
    }
    expect(await app.get(PurgeLoop).runOnce()).toBe(0);

    // The contracts end, reported by the system: Ann's five years and ten days ago, Bob's four years ago.
    const annEnded = await send(
      { ...annIdentity, occurredAt: new Date().toISOString(), retentionDates: { contractEnd: at(5 * 365 + 10) } },
      EVENTS.recordUpdated.type,
    );
    const bobEnded = await send(
      { ...bobIdentity, occurredAt: new Date().toISOString(), retentionDates: { contractEnd: at(4 * 365) } },
      EVENTS.recordUpdated.type,
    );
    for (const e of [annEnded, bobEnded])
      await waitFor(
        async () => (await ds.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [e.id])).length === 1,
        'the contract ends indexed',
      );
    const before = erases().length;
    expect(await app.get(PurgeLoop).runOnce()).toBe(1);
    const erase = await waitFor(async () => erases()[before], 'the erase of the identity');
    expect(erase).toMatchObject({ systemId: sys, categories: ['identification'], recordRefs: [annIdentity.recordRef] });
    // Cut off at the request: never what the subject gives after it.
    expect(Date.parse(erase.createdBefore!)).toBeLessThan(Date.now());
    expect(await app.get(PurgeLoop).runOnce()).toBe(0);
    expect(erases().flatMap((c) => c.recordRefs)).not.toContain(bobIdentity.recordRef);
  }, 120_000);
});

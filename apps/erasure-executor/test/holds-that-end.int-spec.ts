/**
 * Issue 6 in erasure-executor, against real Kafka and PostgreSQL, with TWO executor
 * instances on the same schema and consumer group (two replicas): a legal hold that ends
 * is erased exactly once, the schedule survives a restart (it is rows), the controllable
 * clock moves the schedules, the stored subject keys are minimised once every action and
 * hold has ended, and a request refused before its plan is never executed.
 */
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { commandTopic, EVENTS, TOPICS, type PlanItem } from '@datarights/contracts';
import {
  aSubject,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  usePolicy,
  waitFor,
  withPg,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';
import { HoldExpiryLoop } from '../src/execution/erasure/hold-expiry.loop';
import { KeyMinimiser } from '../src/execution/minimisation/key-minimiser';

const POLICY = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 2, retryBackoff: PT1S }
categories:
  default: { action: erase }
  billing:
    action: retain
    retention: { period: P10Y, from: record-date, ground: "Art. 17(3)(b)", legalText: "Code de commerce L123-22" }
  connection:
    action: retain
    retention: { period: P1Y, from: connection, ground: "Art. 17(3)(b)", legalText: "décret 2021-1362" }
`;
const DPO = 'executor-int-dpo-token-0123456789';
const SLOW = 45_000;

describe('erasure-executor: holds that end, with two replicas', () => {
  let iso: Isolation;
  let a: NestExpressApplication;
  let b: NestExpressApplication;
  let raw: RawKafka;
  let received: Received[];
  let restorePolicy: (() => void) | undefined;
  const subject = aSubject();
  const subjectKeys = { email: [subject.email], customerId: [subject.customerId] };

  beforeAll(async () => {
    iso = isolate('erasure-executor');
    restorePolicy = usePolicy(POLICY);
    process.env.DPO_TOKEN = DPO;
    // The schedules run on their own only when the test moves the clock; otherwise the test runs them.
    process.env.HOLD_POLL_MS = '100';
    process.env.MINIMISATION_POLL_MS = '100';
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics([commandTopic('billing')]);
    a = await startTestService(AppModule, SERVICE, SCHEMA);
    b = await startTestService(AppModule, SERVICE, SCHEMA);
    received = await raw.collect([TOPICS.actions.name, commandTopic('billing')]);
  }, 180_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await raw?.close();
    if (iso) await cleanup(iso);
    for (const v of ['HOLD_POLL_MS', 'MINIMISATION_POLL_MS']) delete process.env[v];
    restorePolicy?.();
  });

  const dataOf = <T = Record<string, unknown>>(r: Received) => r.envelope?.data as T;
  const waitEvent = async <T = Record<string, unknown>>(
    name: keyof typeof EVENTS,
    requestId: string,
    pred: (d: T) => boolean = () => true,
  ): Promise<T> =>
    dataOf<T>(
      await raw.waitForMessage(
        received,
        (r) =>
          r.envelope?.type === EVENTS[name].type &&
          dataOf<{ requestId: string }>(r).requestId === requestId &&
          pred(dataOf<T>(r)),
        `${name} of ${requestId}`,
        SLOW,
      ),
    );
  const commands = (requestId: string, type: keyof typeof EVENTS) =>
    received.filter(
      (r) =>
        r.topic === commandTopic('billing') &&
        r.envelope?.type === EVENTS[type].type &&
        dataOf<{ requestId: string }>(r).requestId === requestId,
    );
  const waitCommand = (requestId: string, type: keyof typeof EVENTS) =>
    waitFor(async () => commands(requestId, type)[0], `${type} of ${requestId}`, SLOW).then((r) =>
      dataOf<{ commandId: string }>(r),
    );
  const outboxCount = (type: string, requestId: string) =>
    withPg(async (c) =>
      Number(
        (
          await c.query(
            `SELECT count(*) FROM "${iso.schema}".outbox WHERE envelope->>'type' = $1 AND envelope->'data'->>'requestId' = $2`,
            [type, requestId],
          )
        ).rows[0].count,
      ),
    );
  const billing: PlanItem = {
    systemId: 'billing',
    role: 'controller',
    categories: ['billing'],
    capabilities: ['export', 'erase', 'restrict'],
    records: 3,
  } as PlanItem;
  const sendPlan = (requestId: string, items: PlanItem[]) =>
    raw.sendEvent(
      TOPICS.plans.name,
      requestId,
      EVENTS.planBuilt.type,
      { requestId, requestType: 'erasure', subjectRef: `subj-${requestId.slice(0, 8)}`, subjectKeys, items },
      { correlationid: requestId },
    );
  const reply = (c: { commandId: string; requestId: string }, affectedRecords = 3) =>
    raw.sendEvent(TOPICS.replies.name, c.requestId, EVENTS.commandCompleted.type, {
      commandId: c.commandId,
      requestId: c.requestId,
      systemId: 'billing',
      outcome: 'done',
      affectedRecords,
    });
  const storedKeys = (requestId: string) =>
    withPg(
      async (c) =>
        (
          await c.query(
            `SELECT subject_keys, minimised_at FROM "${iso.schema}".request_execution WHERE request_id = $1`,
            [requestId],
          )
        ).rows[0] as { subject_keys: Record<string, string[]>; minimised_at: Date | null } | undefined,
    );

  it('an expired hold produces exactly one erase command with two instances, after a restart; it is tracked, and the keys are minimised after it', async () => {
    const requestId = randomUUID();
    await sendPlan(requestId, [billing]);
    const hold = await waitEvent<{ holdId: string; until: string }>('holdRecorded', requestId);
    const restrict = await waitCommand(requestId, 'restrictCommand');
    await reply({ commandId: restrict.commandId, requestId }, 3);
    await waitEvent('executionCompleted', requestId);
    // The hold keeps the keys: nothing is minimised while it runs.
    expect(await b.get(KeyMinimiser).runOnce()).toBe(0);
    expect((await storedKeys(requestId))?.subject_keys).toEqual(subjectKeys);

    // The schedule is rows: a replica restarted in between still finds the hold.
    await a.close();
    a = await startTestService(AppModule, SERVICE, SCHEMA);

    // Just before the end: nothing. At the end, both replicas at once: one claims it.
    const until = new Date(hold.until);
    expect(
      await Promise.all([
        a.get(HoldExpiryLoop).runOnce(new Date(until.getTime() - 1000)),
        b.get(HoldExpiryLoop).runOnce(new Date(until.getTime() - 1000)),
      ]),
    ).toEqual([0, 0]);
    const after = new Date(until.getTime() + 1000);
    const claimed = await Promise.all([
      a.get(HoldExpiryLoop).runOnce(after),
      b.get(HoldExpiryLoop).runOnce(after),
      a.get(HoldExpiryLoop).runOnce(after),
    ]);
    expect(claimed.reduce((x, y) => x + y, 0)).toBe(1);

    const expired = await waitEvent<{ commandId: string; expiredAt: string }>('holdExpired', requestId);
    expect(expired).toEqual({
      requestId,
      holdId: hold.holdId,
      systemId: 'billing',
      category: 'billing',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until: hold.until,
      expiredAt: after.toISOString(),
      commandId: expect.any(String),
    });
    const erase = (await waitCommand(requestId, 'eraseCommand')) as { commandId: string; createdBefore: string };
    expect(erase).toMatchObject({
      commandId: expired.commandId,
      requestId,
      systemId: 'billing',
      categories: ['billing'],
      subjectKeys,
    });
    // The deferred erase is cut off at the hold (recorded before the clock moved): never data created after the request.
    expect(Date.parse(erase.createdBefore)).toBeLessThan(Date.now());
    expect(Date.parse(erase.createdBefore)).toBeLessThan(Date.parse(hold.until));
    expect(await outboxCount(EVENTS.eraseCommand.type, requestId)).toBe(1);
    expect(await outboxCount(EVENTS.holdExpired.type, requestId)).toBe(1);

    // Tracked like every action: dispatched, answered, completed.
    await waitEvent(
      'actionDispatched',
      requestId,
      (d: { commandId: string; kind: string }) => d.commandId === expired.commandId && d.kind === 'erase',
    );
    await reply({ commandId: expired.commandId, requestId }, 5);
    expect(
      await waitEvent('actionCompleted', requestId, (d: { commandId: string }) => d.commandId === expired.commandId),
    ).toMatchObject({ systemId: 'billing', kind: 'erase', outcome: 'done', affectedRecords: 5 });

    // Every action and hold ended: the stored keys become keyed hashes (the schedule runs on its own).
    const minimised = await waitFor(
      async () => {
        const row = await storedKeys(requestId);
        return row?.minimised_at ? row : undefined;
      },
      'the subject keys minimised',
      SLOW,
    );
    expect(minimised.subject_keys.email[0]).toMatch(/^hmac-sha256:/);
    expect(JSON.stringify(minimised.subject_keys)).not.toContain(subject.email);
    expect(commands(requestId, 'eraseCommand')).toHaveLength(1);
  }, 150_000);

  it('holds each record from its own start: connection data past its year erased now by name, a recent one held to its own year, and the deferred erase names it (décret 2021-1362; issue 14)', async () => {
    const requestId = randomUUID();
    const dayMs = 86_400_000;
    const old = new Date(Date.now() - 400 * dayMs).toISOString();
    const recent = new Date(Date.now() - 30 * dayMs).toISOString();
    await sendPlan(requestId, [
      {
        systemId: 'billing',
        role: 'controller',
        categories: ['connection'],
        capabilities: ['export', 'erase', 'restrict'],
        records: 2,
        recordDates: [
          { recordRef: 'connection/old', category: 'connection', occurredAt: old, retentionDates: { connection: old } },
          {
            recordRef: 'connection/recent',
            category: 'connection',
            occurredAt: recent,
            retentionDates: { connection: recent },
          },
        ],
      },
    ]);
    // Past its year: erased now, by name, without waiting for any hold.
    const eraseNow = (await waitCommand(requestId, 'eraseCommand')) as {
      commandId: string;
      recordRefs?: string[];
      createdBefore?: string;
    };
    expect(eraseNow.recordRefs).toEqual(['connection/old']);
    const hold = await waitEvent<{ holdId: string; until: string; records?: number }>('holdRecorded', requestId);
    expect(hold.records).toBe(1);
    // One year from the connection, not from the request: about eleven months from now.
    expect(Date.parse(hold.until)).toBeLessThan(Date.now() + 340 * dayMs);
    expect(Date.parse(hold.until)).toBeGreaterThan(Date.now() + 330 * dayMs);
    const row = await withPg(
      async (c) =>
        (await c.query(`SELECT record_refs, status FROM "${iso.schema}".hold WHERE hold_id = $1`, [hold.holdId]))
          .rows[0] as { record_refs: string[]; status: string },
    );
    expect(row).toEqual({ record_refs: ['connection/recent'], status: 'active' });

    // At its end, the deferred erase names the held record and the cut-off: a record the
    // subject creates after the request (same category, same keys) is never touched.
    const after = new Date(Date.parse(hold.until) + 1000);
    expect(await a.get(HoldExpiryLoop).runOnce(after)).toBe(1);
    const expired = await waitEvent<{ commandId: string }>('holdExpired', requestId);
    const deferred = await waitFor(
      async () =>
        commands(requestId, 'eraseCommand')
          .map((r) => dataOf<{ commandId: string; recordRefs?: string[]; createdBefore?: string }>(r))
          .find((c) => c.commandId === expired.commandId),
      'the deferred erase',
      SLOW,
    );
    expect(deferred.recordRefs).toEqual(['connection/recent']);
    expect(Date.parse(deferred.createdBefore!)).toBeLessThan(Date.now());
  }, 150_000);

  it('moves its schedules with the controllable clock: the DPO sets it, outside production', async () => {
    const requestId = randomUUID();
    await sendPlan(requestId, [billing]);
    const hold = await waitEvent<{ until: string }>('holdRecorded', requestId);
    const offsetMs = Date.parse(hold.until) - Date.now() + 60_000;
    expect((await request(a.getHttpServer()).put('/internal/clock').send({ offsetMs })).status).toBe(401);
    expect(
      (
        await request(a.getHttpServer())
          .put('/internal/clock')
          .set('Authorization', `Bearer ${DPO}`)
          .send({ offsetMs: 'later' })
      ).status,
    ).toBe(400);
    for (const app of [a, b]) {
      const res = await request(app.getHttpServer())
        .put('/internal/clock')
        .set('Authorization', `Bearer ${DPO}`)
        .send({ offsetMs });
      expect(res.status).toBe(200);
      expect(res.body.offsetMs).toBe(offsetMs);
    }
    try {
      const expired = await waitEvent<{ commandId: string }>('holdExpired', requestId);
      expect(await waitCommand(requestId, 'eraseCommand')).toMatchObject({ commandId: expired.commandId });
    } finally {
      for (const app of [a, b])
        await request(app.getHttpServer())
          .put('/internal/clock')
          .set('Authorization', `Bearer ${DPO}`)
          .send({ offsetMs: 0 });
    }
  });

  it('does not execute the plan of a request refused or rejected before it came', async () => {
    const requestId = randomUUID();
    const now = new Date().toISOString();
    await raw.sendEvent(
      TOPICS.requests.name,
      requestId,
      EVENTS.requestClosed.type,
      { requestId, type: 'erasure', outcome: 'rejected', closedAt: now, dueAt: now, receivedAt: now },
      { correlationid: requestId },
    );
    await waitFor(
      async () =>
        (
          await withPg((c) =>
            c.query(`SELECT 1 FROM "${iso.schema}".closed_request WHERE request_id = $1`, [requestId]),
          )
        ).rowCount === 1,
      'the closure recorded',
      SLOW,
    );
    const plan = await sendPlan(requestId, [billing, { ...billing, systemId: 'crm', categories: ['identification'] }]);
    await waitFor(
      async () =>
        (await withPg((c) => c.query(`SELECT 1 FROM "${iso.schema}".inbox WHERE event_id = $1`, [plan.id])))
          .rowCount === 1,
      'the plan handled',
      SLOW,
    );
    expect(await storedKeys(requestId)).toBeUndefined();
    const published = await withPg(async (c) =>
      Number(
        (
          await c.query(`SELECT count(*) FROM "${iso.schema}".outbox WHERE envelope->'data'->>'requestId' = $1`, [
            requestId,
          ])
        ).rows[0].count,
      ),
    );
    expect(published).toBe(0);
  });
});

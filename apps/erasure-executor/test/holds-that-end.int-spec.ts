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
import { EVENTS, TOPICS } from '@datarights/contracts';
import { waitFor } from '@datarights/testing';
import { HoldExpiryLoop } from '../src/execution/erasure/hold-expiry.loop';
import { KeyMinimiser } from '../src/execution/minimisation/key-minimiser';
import {
  commandsTo,
  expectNothingPersonalLogged,
  handled,
  outboxCount,
  planItem,
  reply,
  restartReplica,
  sendPlan,
  SLOW,
  sql,
  startHarness,
  stopHarness,
  BILLING_RETENTION,
  testPolicy,
  waitCommandOf,
  waitEvent,
  type EventName,
  type Harness,
} from './harness';

const POLICY = testPolicy('respondWithin: PT1H, maxAttempts: 2, retryBackoff: PT1S', {
  categories: `${BILLING_RETENTION}
  connection:
    action: retain
    retention: { period: P1Y, from: connection, ground: "Art. 17(3)(b)", legalText: "décret 2021-1362" }`,
});
const DPO = 'executor-int-dpo-token-0123456789';

describe('erasure-executor: holds that end, with two replicas', () => {
  let h: Harness;
  let a: NestExpressApplication;
  let b: NestExpressApplication;

  beforeAll(async () => {
    h = await startHarness({
      policy: POLICY,
      // The schedules run on their own only when the test moves the clock; otherwise the test runs them.
      env: { DPO_TOKEN: DPO, HOLD_POLL_MS: '100', MINIMISATION_POLL_MS: '100' },
      systems: ['billing'],
      replicas: 2,
    });
    [a, b] = h.apps as [NestExpressApplication, NestExpressApplication];
  }, 180_000);

  afterAll(() => stopHarness(h));

  const commands = (requestId: string, type: EventName) =>
    commandsTo(h, 'billing', requestId).filter((c) => c.type === EVENTS[type].type);
  const waitCommand = (requestId: string, type: EventName) => waitCommandOf(h, 'billing', requestId, type);
  const billing = planItem('billing', ['billing'], { capabilities: ['export', 'erase', 'restrict'], records: 3 });
  const storedKeys = async (requestId: string) =>
    (
      await sql<{ subject_keys: Record<string, string[]>; minimised_at: Date | null }>(
        h,
        `SELECT subject_keys, minimised_at FROM request_execution WHERE request_id = $1`,
        [requestId],
      )
    )[0];

  it('an expired hold produces exactly one erase command with two instances, after a restart; it is tracked, and the keys are minimised after it', async () => {
    const requestId = randomUUID();
    await sendPlan(h, requestId, [billing]);
    const hold = await waitEvent<{ holdId: string; until: string }>(h, 'holdRecorded', requestId);
    const restrict = await waitCommand(requestId, 'restrictCommand');
    await reply(h, { ...restrict, systemId: 'billing' }, 'commandCompleted', { affectedRecords: 3 });
    await waitEvent(h, 'executionCompleted', requestId);
    // The hold keeps the keys: nothing is minimised while it runs.
    expect(await b.get(KeyMinimiser).runOnce()).toBe(0);
    expect((await storedKeys(requestId))?.subject_keys).toEqual(h.subjectKeys);

    // The schedule is rows: a replica restarted in between still finds the hold.
    a = await restartReplica(h, 0);

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

    const expired = await waitEvent<{ commandId: string; expiredAt: string }>(h, 'holdExpired', requestId);
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
      subjectKeys: h.subjectKeys,
    });
    // The deferred erase is cut off at the hold (recorded before the clock moved): never data created after the request.
    expect(Date.parse(erase.createdBefore)).toBeLessThan(Date.now());
    expect(Date.parse(erase.createdBefore)).toBeLessThan(Date.parse(hold.until));
    expect(await outboxCount(h, EVENTS.eraseCommand.type, 'requestId', requestId)).toBe(1);
    expect(await outboxCount(h, EVENTS.holdExpired.type, 'requestId', requestId)).toBe(1);

    // Tracked like every action: dispatched, answered, completed.
    await waitEvent(
      h,
      'actionDispatched',
      requestId,
      (d: { commandId: string; kind: string }) => d.commandId === expired.commandId && d.kind === 'erase',
    );
    await reply(h, { commandId: expired.commandId, requestId, systemId: 'billing' }, 'commandCompleted', {
      affectedRecords: 5,
    });
    expect(
      await waitEvent(h, 'actionCompleted', requestId, (d: { commandId: string }) => d.commandId === expired.commandId),
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
    expect(JSON.stringify(minimised.subject_keys)).not.toContain(h.subject.email);
    expect(commands(requestId, 'eraseCommand')).toHaveLength(1);
  }, 150_000);

  it('holds each record from its own start: connection data past its year erased now by name, a recent one held to its own year, and the deferred erase names it (décret 2021-1362; issue 14)', async () => {
    const requestId = randomUUID();
    const dayMs = 86_400_000;
    const old = new Date(Date.now() - 400 * dayMs).toISOString();
    const recent = new Date(Date.now() - 30 * dayMs).toISOString();
    await sendPlan(h, requestId, [
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
    const hold = await waitEvent<{ holdId: string; until: string; records?: number }>(h, 'holdRecorded', requestId);
    expect(hold.records).toBe(1);
    // One year from the connection, not from the request: about eleven months from now.
    expect(Date.parse(hold.until)).toBeLessThan(Date.now() + 340 * dayMs);
    expect(Date.parse(hold.until)).toBeGreaterThan(Date.now() + 330 * dayMs);
    const [row] = await sql(h, `SELECT record_refs, status FROM hold WHERE hold_id = $1`, [hold.holdId]);
    expect(row).toEqual({ record_refs: ['connection/recent'], status: 'active' });

    // At its end, the deferred erase names the held record and the cut-off: a record the
    // subject creates after the request (same category, same keys) is never touched.
    const after = new Date(Date.parse(hold.until) + 1000);
    expect(await a.get(HoldExpiryLoop).runOnce(after)).toBe(1);
    const expired = await waitEvent<{ commandId: string }>(h, 'holdExpired', requestId);
    const deferred = await waitFor(
      async () => commands(requestId, 'eraseCommand').find((c) => c.commandId === expired.commandId),
      'the deferred erase',
      SLOW,
    );
    expect(deferred.recordRefs).toEqual(['connection/recent']);
    expect(Date.parse(deferred.createdBefore!)).toBeLessThan(Date.now());
  }, 150_000);

  it('moves its schedules with the controllable clock: the DPO sets it, outside production', async () => {
    const requestId = randomUUID();
    await sendPlan(h, requestId, [billing]);
    const hold = await waitEvent<{ until: string }>(h, 'holdRecorded', requestId);
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
      const expired = await waitEvent<{ commandId: string }>(h, 'holdExpired', requestId);
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
    await h.kafka.sendEvent(
      TOPICS.requests.name,
      requestId,
      EVENTS.requestClosed.type,
      { requestId, type: 'erasure', outcome: 'rejected', closedAt: now, dueAt: now, receivedAt: now },
      { correlationid: requestId },
    );
    await waitFor(
      async () => (await sql(h, `SELECT 1 FROM closed_request WHERE request_id = $1`, [requestId])).length === 1,
      'the closure recorded',
      SLOW,
    );
    const plan = await sendPlan(h, requestId, [
      billing,
      { ...billing, systemId: 'crm', categories: ['identification'] },
    ]);
    await handled(h, [plan], 'the plan handled');
    expect(await storedKeys(requestId)).toBeUndefined();
    expect(
      await sql(h, `SELECT count(*)::int AS n FROM outbox WHERE envelope->'data'->>'requestId' = $1`, [requestId]),
    ).toEqual([{ n: 0 }]);
  });

  it('logs nothing that names the subject', () => expectNothingPersonalLogged(h));
});

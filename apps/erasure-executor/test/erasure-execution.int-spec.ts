/**
 * erasure-executor against real Kafka and PostgreSQL. A raw kafkajs client plays
 * data-locator (plans), request-intake (the DPO closing an action) and the company
 * systems (command topics, replies). The policy is a small file of the test's own:
 * respondWithin PT2S, maxAttempts 2, retryBackoff PT1S — the only timing involved.
 */
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { commandTopic, dlqTopic, EVENTS, type PlanItem, systemTopic, TOPICS } from '@datarights/contracts';
import { DLQ_HEADERS } from '@datarights/messaging';
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

const POLICY = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT2S, maxAttempts: 2, retryBackoff: PT1S }
categories:
  default: { action: erase }
  billing:
    action: retain
    retention: { period: P10Y, from: record-date, ground: "Art. 17(3)(b)", legalText: "Code de commerce L123-22" }
`;

// Command topics the test reads from the start; `flaky`'s is left for the executor to create.
const PRECREATED = ['crm', 'billing', 'silent'];
const SLOW = 45_000;

interface Cmd {
  commandId: string;
  requestId: string;
  systemId: string;
  categories: string[];
  respondBy: string;
  subjectKeys: Record<string, string[]>;
  ground?: string;
  until?: string;
}

describe('erasure-executor', () => {
  let iso: Isolation;
  let app: NestExpressApplication;
  let raw: RawKafka;
  let received: Received[];
  let restorePolicy: (() => void) | undefined;
  const subject = aSubject();
  const subjectKeys = { email: [subject.email], customerId: [subject.customerId] };

  beforeAll(async () => {
    iso = isolate('erasure-executor');
    restorePolicy = usePolicy(POLICY);
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics(PRECREATED.map(commandTopic));
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    received = await raw.collect([TOPICS.actions.name, dlqTopic(TOPICS.replies.name), ...PRECREATED.map(commandTopic)]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await raw?.close();
    if (iso) await cleanup(iso);
    restorePolicy?.();
  });

  const dataOf = <T = Record<string, unknown>>(r: Received) => r.envelope?.data as T;
  const eventsOf = (name: keyof typeof EVENTS, requestId: string, list = received) =>
    list.filter(
      (r) => r.envelope?.type === EVENTS[name].type && dataOf<{ requestId: string }>(r).requestId === requestId,
    );
  const waitEvent = async <T = Record<string, unknown>>(
    name: keyof typeof EVENTS,
    requestId: string,
    pred: (d: T) => boolean = () => true,
    list = received,
  ): Promise<T> =>
    dataOf<T>(
      await raw.waitForMessage(
        list,
        (r) => eventsOf(name, requestId, [r]).length === 1 && pred(dataOf<T>(r)),
        `${name} of ${requestId}`,
        SLOW,
      ),
    );
  const commandsFor = (systemId: string, requestId: string, list = received) =>
    list
      .filter((r) => r.topic === commandTopic(systemId) && dataOf<Cmd>(r).requestId === requestId)
      .map((r) => ({ type: r.envelope!.type, key: r.key, ...dataOf<Cmd>(r) }));
  const waitCommands = (systemId: string, requestId: string, n: number, list = received) =>
    waitFor(
      async () =>
        commandsFor(systemId, requestId, list).length >= n ? commandsFor(systemId, requestId, list) : undefined,
      `${n} commands to ${systemId}`,
      SLOW,
    );

  const item = (systemId: string, categories: string[], o: Partial<PlanItem> = {}): PlanItem =>
    ({ systemId, role: 'controller', categories, capabilities: ['export', 'erase'], records: 2, ...o }) as PlanItem;
  const sendPlan = (requestId: string, items: PlanItem[], requestType = 'erasure') =>
    raw.sendEvent(
      TOPICS.plans.name,
      requestId,
      EVENTS.planBuilt.type,
      { requestId, requestType, subjectRef: `subj-${requestId.slice(0, 8)}`, subjectKeys, items },
      { correlationid: requestId },
    );
  const reply = (
    c: Pick<Cmd, 'commandId' | 'requestId' | 'systemId'>,
    type: 'commandCompleted' | 'commandFailed' = 'commandCompleted',
    extra: object = {},
  ) =>
    raw.sendEvent(TOPICS.replies.name, c.requestId, EVENTS[type].type, {
      commandId: c.commandId,
      requestId: c.requestId,
      systemId: c.systemId,
      outcome: type === 'commandFailed' ? 'failed' : 'done',
      affectedRecords: 2,
      ...extra,
    });
  /** Rows the executor wrote to its outbox: committed with the handling of each event, in order. */
  const outboxCount = (type: string, field: string, value: string) =>
    withPg(async (c) =>
      Number(
        (
          await c.query(
            `SELECT count(*) FROM "${iso.schema}".outbox WHERE envelope->>'type' = $1 AND envelope->'data'->>$2 = $3`,
            [type, field, value],
          )
        ).rows[0].count,
      ),
    );
  /** A reply for an unknown command with the same key: once it is dead-lettered, every earlier reply of the request was handled. */
  const barrier = async (requestId: string) => {
    const commandId = randomUUID();
    await reply({ commandId, requestId, systemId: 'crm' });
    await raw.waitForMessage(
      received,
      (r) => r.topic === dlqTopic(TOPICS.replies.name) && r.headers[DLQ_HEADERS.reason]?.includes(commandId),
      'the barrier reply dead-lettered',
      SLOW,
    );
  };

  it('erases in one system, holds and restricts in the other, and completes once with the hold; a duplicate reply changes nothing', async () => {
    const requestId = randomUUID();
    const plan = await sendPlan(requestId, [
      item('crm', ['relationship']),
      item('billing', ['billing'], { capabilities: ['export', 'erase', 'restrict'] }),
    ]);

    const [erase] = await waitCommands('crm', requestId, 1);
    expect(erase).toMatchObject({
      type: EVENTS.eraseCommand.type,
      key: requestId,
      systemId: 'crm',
      categories: ['relationship'],
      subjectKeys,
    });
    expect(Date.parse(erase.respondBy)).toBeGreaterThan(Date.now() - 5_000);

    const until = new Date(plan.time);
    until.setUTCFullYear(until.getUTCFullYear() + 10);
    const heldUntil = until.toISOString();
    const hold = await waitEvent('holdRecorded', requestId);
    expect(hold).toMatchObject({
      systemId: 'billing',
      category: 'billing',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until: heldUntil,
    });
    const [restrict] = await waitCommands('billing', requestId, 1);
    expect(restrict).toMatchObject({
      type: EVENTS.restrictCommand.type,
      systemId: 'billing',
      categories: ['billing'],
      ground: 'legal-hold',
      until: heldUntil,
      subjectKeys,
    });
    await waitEvent(
      'actionDispatched',
      requestId,
      (d: { commandId: string; attempt: number }) => d.commandId === erase.commandId && d.attempt === 1,
    );

    await reply(erase, 'commandCompleted', { affectedRecords: 3 });
    await reply(restrict);
    const done = await waitEvent<{ systems: unknown[]; holds: unknown[] }>('executionCompleted', requestId);
    expect(done.systems).toEqual([
      { systemId: 'billing', outcome: 'retained', affectedRecords: 2, categories: ['billing'] },
      { systemId: 'crm', outcome: 'done', affectedRecords: 3, categories: ['relationship'] },
    ]);
    expect(done.holds).toEqual([hold]);
    expect(
      eventsOf('actionCompleted', requestId)
        .map((r) => dataOf<{ commandId: string }>(r).commandId)
        .sort(),
    ).toEqual([erase.commandId, restrict.commandId].sort());

    // Replies may come twice: the second changes nothing.
    await reply(erase, 'commandCompleted', { affectedRecords: 3 });
    await barrier(requestId);
    expect(await outboxCount(EVENTS.actionCompleted.type, 'commandId', erase.commandId)).toBe(1);
    expect(await outboxCount(EVENTS.executionCompleted.type, 'requestId', requestId)).toBe(1);
  }, 90_000);

  it('a system that never replies gets the same command again, then is escalated; the other completes; the DPO closes it and the request completes', async () => {
    const requestId = randomUUID();
    await sendPlan(requestId, [item('crm', ['relationship', 'usage']), item('silent', ['relationship'])]);

    const [erase] = await waitCommands('crm', requestId, 1);
    await reply(erase);
    await waitEvent('actionCompleted', requestId, (d: { systemId: string }) => d.systemId === 'crm');

    const sent = await waitCommands('silent', requestId, 2);
    expect(sent[1].commandId).toBe(sent[0].commandId);
    expect(Date.parse(sent[1].respondBy)).toBeGreaterThan(Date.parse(sent[0].respondBy));
    await waitEvent(
      'actionDispatched',
      requestId,
      (d: { commandId: string; attempt: number }) => d.commandId === sent[0].commandId && d.attempt === 2,
    );
    const escalated = await waitEvent('actionEscalated', requestId);
    expect(escalated).toMatchObject({
      commandId: sent[0].commandId,
      systemId: 'silent',
      kind: 'erase',
      reason: 'no reply after 2 attempts',
      attempts: 2,
    });
    expect(await outboxCount(EVENTS.executionCompleted.type, 'requestId', requestId)).toBe(0);

    await raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.actionCloseRequested.type, {
      requestId,
      commandId: sent[0].commandId,
      reason: 'erased by hand in the silent system, ticket OPS-42',
      closedBy: 'dpo-1',
    });
    expect(await waitEvent('actionClosedManually', requestId)).toEqual({
      requestId,
      commandId: sent[0].commandId,
      systemId: 'silent',
      reason: 'erased by hand in the silent system, ticket OPS-42',
      closedBy: 'dpo-1',
    });
    const done = await waitEvent<{ systems: unknown[] }>('executionCompleted', requestId);
    expect(done).toEqual({
      requestId,
      systems: [
        { systemId: 'crm', outcome: 'done', affectedRecords: 2, categories: ['relationship', 'usage'] },
        { systemId: 'silent', outcome: 'closed-manually', affectedRecords: 0, categories: ['relationship'] },
      ],
      holds: [],
    });
  }, 90_000);

  it('a failure reply is retried with the same command, and the last failure is escalated with its error', async () => {
    const requestId = randomUUID();
    await sendPlan(requestId, [item('flaky', ['relationship'])]);
    // The executor created the system's command topic itself.
    const dispatched = await waitEvent<{ commandId: string }>('actionDispatched', requestId);
    const flakyCommands = await raw.collect([commandTopic('flaky')]);

    const [first] = await waitCommands('flaky', requestId, 1, flakyCommands);
    expect(first.commandId).toBe(dispatched.commandId);
    await reply(first, 'commandFailed', { error: 'database unavailable' });
    const [, second] = await waitCommands('flaky', requestId, 2, flakyCommands);
    expect(second.commandId).toBe(first.commandId);
    await reply(second, 'commandFailed', { error: 'database unavailable' });
    expect(await waitEvent('actionEscalated', requestId)).toMatchObject({
      commandId: first.commandId,
      reason: 'database unavailable',
      attempts: 2,
    });
  }, 90_000);

  it('escalates a processor system whose controller left no contact (forwards: processor-routing.int-spec.ts) and completes an empty plan at once', async () => {
    const processorRequest = randomUUID();
    await sendPlan(processorRequest, [
      item('hosted', ['identification'], { role: 'processor', controller: 'ACME SAS' }),
    ]);
    expect(await waitEvent('actionEscalated', processorRequest)).toMatchObject({
      systemId: 'hosted',
      kind: 'forward',
      reason:
        'processor system hosted: the request must be forwarded to the controller ACME SAS, who registered no controllerContact: forward it by hand, then close the action',
    });

    const emptyRequest = randomUUID();
    await sendPlan(emptyRequest, []);
    expect(await waitEvent('executionCompleted', emptyRequest)).toEqual({
      requestId: emptyRequest,
      systems: [],
      holds: [],
    });
  }, 90_000);

  it("dead-letters a reply for an unknown command, with the reason, but leaves data-locator's export replies alone", async () => {
    // A request this service executes (an erasure with nothing to erase).
    const requestId = randomUUID();
    await sendPlan(requestId, []);
    await waitEvent('executionCompleted', requestId);
    // An export's failure reply, for an access request: data-locator's (random command
    // ids: nothing tells them apart but the request), not an unknown command. Same key as
    // the next reply, so that it is handled first.
    const exportId = randomUUID();
    await raw.sendEvent(systemTopic(TOPICS.replies, 'crm'), requestId, EVENTS.commandFailed.type, {
      commandId: exportId,
      requestId: randomUUID(),
      systemId: 'crm',
      outcome: 'failed',
      affectedRecords: 0,
      error: 'export unavailable',
    });
    const commandId = randomUUID();
    await reply({ commandId, requestId, systemId: 'crm' });
    const dead = await raw.waitForMessage(
      received,
      (r) => r.topic === dlqTopic(TOPICS.replies.name) && dataOf<{ commandId: string }>(r)?.commandId === commandId,
      'the unknown reply dead-lettered',
      SLOW,
    );
    expect(dead.headers[DLQ_HEADERS.reason]).toBe(`handler-rejected: reply for unknown command ${commandId}`);
    expect(dead.headers[DLQ_HEADERS.originalTopic]).toBe(`${iso.topicPrefix}${systemTopic(TOPICS.replies, 'crm')}`);
    // Same system, same key: same topic and partition: the export reply was handled before the unknown one.
    expect(
      received.some(
        (r) => r.topic === dlqTopic(TOPICS.replies.name) && dataOf<{ commandId: string }>(r)?.commandId === exportId,
      ),
    ).toBe(false);
  }, 90_000);
});

/**
 * erasure-executor against real Kafka and PostgreSQL. A raw kafkajs client plays
 * data-locator (plans), request-intake (the DPO closing an action) and the company
 * systems (command topics, replies). The policy is a small file of the test's own:
 * respondWithin PT2S, maxAttempts 2, retryBackoff PT1S — the only timing involved.
 */
import { randomUUID } from 'node:crypto';
import { commandTopic, dlqTopic, EVENTS, systemTopic, TOPICS } from '@datarights/contracts';
import { DLQ_HEADERS } from '@datarights/messaging';
import {
  dataOf,
  expectNothingPersonalLogged,
  eventsOf,
  outboxCount,
  planItem as item,
  reply,
  sendPlan,
  SLOW,
  startHarness,
  stopHarness,
  BILLING_RETENTION,
  testPolicy,
  waitCommands,
  waitEvent,
  type Harness,
} from './harness';

const POLICY = testPolicy('respondWithin: PT2S, maxAttempts: 2, retryBackoff: PT1S', { categories: BILLING_RETENTION });

describe('erasure-executor', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      policy: POLICY,
      // Command topics the test reads from the start; `flaky`'s is left for the executor to create.
      systems: ['crm', 'billing', 'silent'],
      collect: [dlqTopic(TOPICS.replies.name)],
    });
  }, 120_000);

  afterAll(() => stopHarness(h));

  /** A reply for an unknown command with the same key: once it is dead-lettered, every earlier reply of the request was handled. */
  const barrier = async (requestId: string) => {
    const commandId = randomUUID();
    await reply(h, { commandId, requestId, systemId: 'crm' });
    await h.kafka.waitForMessage(
      h.received,
      (r) => r.topic === dlqTopic(TOPICS.replies.name) && r.headers[DLQ_HEADERS.reason]?.includes(commandId),
      'the barrier reply dead-lettered',
      SLOW,
    );
  };

  it('erases in one system, holds and restricts in the other, and completes once with the hold; a duplicate reply changes nothing', async () => {
    const requestId = randomUUID();
    const plan = await sendPlan(h, requestId, [
      item('crm', ['relationship']),
      item('billing', ['billing'], { capabilities: ['export', 'erase', 'restrict'] }),
    ]);

    const [erase] = await waitCommands(h, 'crm', requestId, 1);
    expect(erase).toMatchObject({
      type: EVENTS.eraseCommand.type,
      key: requestId,
      systemId: 'crm',
      categories: ['relationship'],
      subjectKeys: h.subjectKeys,
    });
    expect(Date.parse(erase.respondBy)).toBeGreaterThan(Date.now() - 5_000);

    const until = new Date(plan.time);
    until.setUTCFullYear(until.getUTCFullYear() + 10);
    const heldUntil = until.toISOString();
    const hold = await waitEvent(h, 'holdRecorded', requestId);
    expect(hold).toMatchObject({
      systemId: 'billing',
      category: 'billing',
      ground: 'Art. 17(3)(b)',
      legalText: 'Code de commerce L123-22',
      until: heldUntil,
    });
    const [restrict] = await waitCommands(h, 'billing', requestId, 1);
    expect(restrict).toMatchObject({
      type: EVENTS.restrictCommand.type,
      systemId: 'billing',
      categories: ['billing'],
      ground: 'legal-hold',
      until: heldUntil,
      subjectKeys: h.subjectKeys,
    });
    await waitEvent(
      h,
      'actionDispatched',
      requestId,
      (d: { commandId: string; attempt: number }) => d.commandId === erase.commandId && d.attempt === 1,
    );

    await reply(h, erase, 'commandCompleted', { affectedRecords: 3 });
    await reply(h, restrict);
    const done = await waitEvent<{ systems: unknown[]; holds: unknown[] }>(h, 'executionCompleted', requestId);
    expect(done.systems).toEqual([
      { systemId: 'billing', outcome: 'retained', affectedRecords: 2, categories: ['billing'] },
      { systemId: 'crm', outcome: 'done', affectedRecords: 3, categories: ['relationship'] },
    ]);
    expect(done.holds).toEqual([hold]);
    expect(
      eventsOf<{ commandId: string }>(h, 'actionCompleted', requestId)
        .map((d) => d.commandId)
        .sort(),
    ).toEqual([erase.commandId, restrict.commandId].sort());

    // Replies may come twice: the second changes nothing.
    await reply(h, erase, 'commandCompleted', { affectedRecords: 3 });
    await barrier(requestId);
    expect(await outboxCount(h, EVENTS.actionCompleted.type, 'commandId', erase.commandId)).toBe(1);
    expect(await outboxCount(h, EVENTS.executionCompleted.type, 'requestId', requestId)).toBe(1);
  }, 90_000);

  it('a system that never replies gets the same command again, then is escalated; the other completes; the DPO closes it and the request completes', async () => {
    const requestId = randomUUID();
    await sendPlan(h, requestId, [item('crm', ['relationship', 'usage']), item('silent', ['relationship'])]);

    const [erase] = await waitCommands(h, 'crm', requestId, 1);
    await reply(h, erase);
    await waitEvent(h, 'actionCompleted', requestId, (d: { systemId: string }) => d.systemId === 'crm');

    const sent = await waitCommands(h, 'silent', requestId, 2);
    expect(sent[1].commandId).toBe(sent[0].commandId);
    expect(Date.parse(sent[1].respondBy)).toBeGreaterThan(Date.parse(sent[0].respondBy));
    await waitEvent(
      h,
      'actionDispatched',
      requestId,
      (d: { commandId: string; attempt: number }) => d.commandId === sent[0].commandId && d.attempt === 2,
    );
    const escalated = await waitEvent(h, 'actionEscalated', requestId);
    expect(escalated).toMatchObject({
      commandId: sent[0].commandId,
      systemId: 'silent',
      kind: 'erase',
      reason: 'no reply after 2 attempts',
      attempts: 2,
    });
    expect(await outboxCount(h, EVENTS.executionCompleted.type, 'requestId', requestId)).toBe(0);

    await h.kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.actionCloseRequested.type, {
      requestId,
      commandId: sent[0].commandId,
      reason: 'erased by hand in the silent system, ticket OPS-42',
      closedBy: 'dpo-1',
    });
    expect(await waitEvent(h, 'actionClosedManually', requestId)).toEqual({
      requestId,
      commandId: sent[0].commandId,
      systemId: 'silent',
      reason: 'erased by hand in the silent system, ticket OPS-42',
      closedBy: 'dpo-1',
    });
    const done = await waitEvent<{ systems: unknown[] }>(h, 'executionCompleted', requestId);
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
    await sendPlan(h, requestId, [item('flaky', ['relationship'])]);
    // The executor created the system's command topic itself.
    const dispatched = await waitEvent<{ commandId: string }>(h, 'actionDispatched', requestId);
    const flakyCommands = await h.kafka.collect([commandTopic('flaky')]);

    const [first] = await waitCommands(h, 'flaky', requestId, 1, flakyCommands);
    expect(first.commandId).toBe(dispatched.commandId);
    await reply(h, first, 'commandFailed', { error: 'database unavailable' });
    const [, second] = await waitCommands(h, 'flaky', requestId, 2, flakyCommands);
    expect(second.commandId).toBe(first.commandId);
    await reply(h, second, 'commandFailed', { error: 'database unavailable' });
    expect(await waitEvent(h, 'actionEscalated', requestId)).toMatchObject({
      commandId: first.commandId,
      reason: 'database unavailable',
      attempts: 2,
    });
  }, 90_000);

  it('escalates a processor system whose controller left no contact (forwards: processor-routing.int-spec.ts) and completes an empty plan at once', async () => {
    const processorRequest = randomUUID();
    await sendPlan(h, processorRequest, [
      item('hosted', ['identification'], { role: 'processor', controller: 'ACME SAS' }),
    ]);
    expect(await waitEvent(h, 'actionEscalated', processorRequest)).toMatchObject({
      systemId: 'hosted',
      kind: 'forward',
      reason:
        'processor system hosted: the request must be forwarded to the controller ACME SAS, who registered no controllerContact: forward it by hand, then close the action',
    });

    const emptyRequest = randomUUID();
    await sendPlan(h, emptyRequest, []);
    expect(await waitEvent(h, 'executionCompleted', emptyRequest)).toEqual({
      requestId: emptyRequest,
      systems: [],
      holds: [],
    });
  }, 90_000);

  it("dead-letters a reply for an unknown command, with the reason, but leaves data-locator's export replies alone", async () => {
    // A request this service executes (an erasure with nothing to erase).
    const requestId = randomUUID();
    await sendPlan(h, requestId, []);
    await waitEvent(h, 'executionCompleted', requestId);
    // An export's failure reply, for an access request: data-locator's (random command
    // ids: nothing tells them apart but the request), not an unknown command. Same key as
    // the next reply, so that it is handled first.
    const exportId = randomUUID();
    await h.kafka.sendEvent(systemTopic(TOPICS.replies, 'crm'), requestId, EVENTS.commandFailed.type, {
      commandId: exportId,
      requestId: randomUUID(),
      systemId: 'crm',
      outcome: 'failed',
      affectedRecords: 0,
      error: 'export unavailable',
    });
    const commandId = randomUUID();
    await reply(h, { commandId, requestId, systemId: 'crm' });
    const dead = await h.kafka.waitForMessage(
      h.received,
      (r) => r.topic === dlqTopic(TOPICS.replies.name) && dataOf<{ commandId: string }>(r)?.commandId === commandId,
      'the unknown reply dead-lettered',
      SLOW,
    );
    expect(dead.headers[DLQ_HEADERS.reason]).toBe(`handler-rejected: reply for unknown command ${commandId}`);
    expect(dead.headers[DLQ_HEADERS.originalTopic]).toBe(`${h.iso.topicPrefix}${systemTopic(TOPICS.replies, 'crm')}`);
    // Same system, same key: same topic and partition: the export reply was handled before the unknown one.
    expect(
      h.received.some(
        (r) => r.topic === dlqTopic(TOPICS.replies.name) && dataOf<{ commandId: string }>(r)?.commandId === exportId,
      ),
    ).toBe(false);
  }, 90_000);

  it('logs nothing that names the subject', () => expectNothingPersonalLogged(h));
});

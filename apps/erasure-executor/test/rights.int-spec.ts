/**
 * erasure-executor's rights other than erasure (issue 7), against real Kafka and
 * PostgreSQL. A raw kafkajs client plays request-intake (`requestSubmitted`), data-locator
 * (plans) and the company systems (command topics, replies).
 */
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { commandTopic, dlqTopic, EVENTS, TOPICS, type PlanItem } from '@datarights/contracts';
import {
  aRecordEvent,
  aSubject,
  anApprovedSystem,
  cleanup,
  isolate,
  RawKafka,
  startTestService,
  waitFor,
  withPg,
  type Isolation,
  type Received,
} from '@datarights/testing';
import { AppModule, SCHEMA, SERVICE } from '../src/app.module';

const SYSTEMS = ['crm', 'support', 'billing', 'marketing'];
const SLOW = 45_000;

interface Cmd {
  commandId: string;
  requestId: string;
  systemId: string;
  categories: string[];
  subjectKeys: Record<string, string[]>;
  changes?: Record<string, string>;
  purposes?: string[];
}

describe('erasure-executor: rectification, objection, restriction', () => {
  let iso: Isolation;
  let app: NestExpressApplication;
  let raw: RawKafka;
  let received: Received[];
  const subject = aSubject();
  const subjectKeys = { email: [subject.email], customerId: [subject.customerId] };

  beforeAll(async () => {
    iso = isolate('erasure-executor');
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics(SYSTEMS.map(commandTopic));
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    received = await raw.collect([
      TOPICS.actions.name,
      TOPICS.notifications.name,
      dlqTopic(TOPICS.plans.name),
      ...SYSTEMS.map(commandTopic),
    ]);
    // The executor learns who pursues which purpose from the registrations data-locator put in force (Art. 30 register).
    await raw.sendEvent(
      TOPICS.systemApprovals.name,
      'crm',
      EVENTS.systemApproved.type,
      anApprovedSystem({ systemId: 'crm', capabilities: ['export', 'erase', 'rectify', 'restrict'] }),
    );
    await raw.sendEvent(
      TOPICS.systemApprovals.name,
      'marketing',
      EVENTS.systemApproved.type,
      anApprovedSystem({
        systemId: 'marketing',
        purposes: ['prospection', 'service-improvement'],
        legalBasis: 'legitimate-interest',
        categories: ['usage', 'prospection'],
        capabilities: ['export', 'erase', 'restrict', 'suppress'],
      }),
    );
    await waitFor(
      async () =>
        (await stored(`SELECT count(*)::int AS n FROM $schema.system_registration`, []))[0].n === 2 || undefined,
      'the registrations stored',
      SLOW,
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await raw?.close();
    if (iso) await cleanup(iso);
  });

  const dataOf = <T = Record<string, unknown>>(r: Received) => r.envelope?.data as T;
  const commandsFor = (systemId: string, requestId: string) =>
    received
      .filter((r) => r.topic === commandTopic(systemId) && dataOf<Cmd>(r).requestId === requestId)
      .map((r) => ({ type: r.envelope!.type, ...dataOf<Cmd>(r) }));
  const waitCommand = (systemId: string, requestId: string) =>
    waitFor(async () => commandsFor(systemId, requestId)[0], `a command to ${systemId}`, SLOW);
  const waitEvent = <T = Record<string, unknown>>(
    name: keyof typeof EVENTS,
    requestId: string,
    pred: (d: T) => boolean = () => true,
  ) =>
    raw
      .waitForMessage(
        received,
        (r) =>
          r.envelope?.type === EVENTS[name].type &&
          dataOf<{ requestId: string }>(r).requestId === requestId &&
          pred(dataOf<T>(r)),
        `${name} of ${requestId}`,
        SLOW,
      )
      .then((r) => dataOf<T>(r));

  const item = (systemId: string, categories: string[], capabilities: string[]): PlanItem =>
    ({ systemId, role: 'controller', categories, capabilities, records: 1 }) as PlanItem;
  const submit = (requestId: string, type: string, extra: object) =>
    raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.requestSubmitted.type, {
      requestId,
      type,
      subject: { email: subject.email },
      channel: 'email',
      receivedAt: new Date().toISOString(),
      dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      filedBy: 'dpo',
      ...extra,
    });
  const sendPlan = (requestId: string, requestType: string, items: PlanItem[]) =>
    raw.sendEvent(
      TOPICS.plans.name,
      requestId,
      EVENTS.planBuilt.type,
      { requestId, requestType, subjectRef: `subj-${requestId.slice(0, 8)}`, subjectKeys, items },
      { correlationid: requestId },
    );
  const reply = (c: Cmd) =>
    raw.sendEvent(TOPICS.replies.name, c.requestId, EVENTS.commandCompleted.type, {
      commandId: c.commandId,
      requestId: c.requestId,
      systemId: c.systemId,
      outcome: 'done',
      affectedRecords: 1,
    });
  const stored = (sql: string, params: unknown[]) =>
    withPg(async (c) => (await c.query(sql.replaceAll('$schema', `"${iso.schema}"`), params)).rows);

  it('rectification (Art. 16): the same changes go to every system holding a category of the field, and to no other', async () => {
    const requestId = randomUUID();
    const changes = { email: `new-${subject.email}` };
    await submit(requestId, 'rectification', { changes });
    await waitFor(
      async () => (await stored(`SELECT 1 FROM $schema.request_parameters WHERE request_id = $1`, [requestId]))[0],
      'the parameters stored',
      SLOW,
    );
    await sendPlan(requestId, 'rectification', [
      item('crm', ['identification'], ['export', 'erase', 'rectify', 'restrict']),
      item('support', ['relationship'], ['export', 'erase', 'rectify']),
      item('billing', ['payment'], ['export', 'erase', 'restrict']), // payment holds no e-mail
    ]);

    const crm = await waitCommand('crm', requestId);
    const support = await waitCommand('support', requestId);
    expect(crm).toMatchObject({
      type: EVENTS.rectifyCommand.type,
      categories: ['identification'],
      changes,
      subjectKeys,
    });
    expect(support).toMatchObject({
      type: EVENTS.rectifyCommand.type,
      categories: ['relationship'],
      changes,
      subjectKeys,
    });
    await reply(crm);
    await reply(support);
    const done = await waitEvent<{ systems: { systemId: string; outcome: string }[] }>('executionCompleted', requestId);
    expect(done.systems.map((s) => s.systemId).sort()).toEqual(['crm', 'support']);
    expect(commandsFor('billing', requestId)).toEqual([]);
  });

  it("a plan read before its request's parameters waits for them aside, and is dead-lettered once the requests topic is read without them", async () => {
    const requestId = randomUUID();
    const waitsFor = await sendPlan(requestId, 'rectification', [item('crm', ['identification'], ['rectify'])]);
    // Set aside (not retried in place: the partition goes on), then dead-lettered with the reason.
    const dead = await raw.waitForMessage(
      received,
      (r) => r.topic === dlqTopic(TOPICS.plans.name) && r.envelope?.id === waitsFor.id,
      'the plan without parameters in the DLQ',
      SLOW,
    );
    expect(dead.headers['x-dlq-reason']).toMatch(
      /^handler-rejected: request .*: plan for a rectification request whose parameters have not arrived yet \(waited \d+ s for dsr\.requests\.v1: read as far as it stood, and it did not come\)$/,
    );
    expect(commandsFor('crm', requestId)).toEqual([]);
    expect(await stored(`SELECT 1 FROM $schema.awaiting_messages WHERE event_id = $1`, [waitsFor.id])).toEqual([]);
  });

  it('objection (Art. 21): prospection is suppressed at once, legitimate interest goes to the DPO who upholds it; after an erasure, a new record of the same e-mail is suppressed again', async () => {
    const requestId = randomUUID();
    await submit(requestId, 'objection', { purposes: ['prospection', 'service-improvement'] });
    await waitFor(
      async () => (await stored(`SELECT 1 FROM $schema.request_parameters WHERE request_id = $1`, [requestId]))[0],
      'the parameters stored',
      SLOW,
    );
    await sendPlan(requestId, 'objection', [
      item('crm', ['identification'], ['export', 'erase', 'rectify', 'restrict']),
      item('marketing', ['usage', 'prospection'], ['export', 'erase', 'restrict', 'suppress']),
    ]);

    const suppress = await waitCommand('marketing', requestId);
    expect(suppress).toMatchObject({
      type: EVENTS.suppressCommand.type,
      purposes: ['prospection'],
      categories: ['usage', 'prospection'],
      subjectKeys,
    });
    const escalated = await waitEvent<{ systemId: string; kind: string; reason: string; commandId: string }>(
      'actionEscalated',
      requestId,
    );
    expect(escalated).toMatchObject({
      systemId: 'marketing',
      kind: 'suppress',
      reason: expect.stringContaining('Art. 21(1)'),
    });
    await reply(suppress);
    await waitEvent('actionCompleted', requestId);

    // The DPO upholds the objection on legitimate interest: the same action's suppress command goes out.
    await raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.objectionDecided.type, {
      requestId,
      commandId: escalated.commandId,
      decision: 'upheld',
      grounds: 'no compelling ground',
      decidedBy: 'dpo-user-1',
    });
    const upheld = await waitFor(
      async () => commandsFor('marketing', requestId).find((c) => c.commandId === escalated.commandId),
      'the upheld suppress command',
      SLOW,
    );
    expect(upheld).toMatchObject({ type: EVENTS.suppressCommand.type, purposes: ['service-improvement'], subjectKeys });
    await reply(upheld);
    await waitEvent('executionCompleted', requestId);
    expect(commandsFor('crm', requestId)).toEqual([]);
    // The list holds keyed hashes, never the e-mail.
    const list = await stored(`SELECT key_hash, purpose FROM $schema.suppression WHERE request_id = $1`, [requestId]);
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ purpose: 'prospection' })]));
    expect(JSON.stringify(list)).not.toContain(subject.email);
    expect(list.every((r: { key_hash: string }) => r.key_hash.startsWith('hmac-sha256:'))).toBe(true);

    // The subject is then erased everywhere...
    const erasureId = randomUUID();
    await sendPlan(erasureId, 'erasure', [item('marketing', ['prospection'], ['export', 'erase', 'suppress'])]);
    await reply(await waitCommand('marketing', erasureId));
    await waitEvent('executionCompleted', erasureId);

    // ...and later collected again, under the same e-mail (in another case): a new record.
    const again = aRecordEvent('marketing', { email: subject.email.toUpperCase() }, { category: 'prospection' });
    await raw.sendEvent(TOPICS.dataEvents.name, `marketing:${again.recordRef}`, EVENTS.recordStored.type, again);
    // The same e-mail stored by a system that does no prospection gets nothing.
    const crmRecord = aRecordEvent('crm', { email: subject.email });
    await raw.sendEvent(TOPICS.dataEvents.name, `crm:${crmRecord.recordRef}`, EVENTS.recordStored.type, crmRecord);

    const resuppress = await waitFor(
      async () =>
        commandsFor('marketing', requestId).find(
          (c) => c.commandId !== suppress.commandId && c.commandId !== escalated.commandId,
        ),
      'the suppress command sent again',
      SLOW,
    );
    // Both objections stand: prospection (absolute) and service improvement (upheld by the DPO).
    expect(resuppress).toMatchObject({
      type: EVENTS.suppressCommand.type,
      purposes: ['prospection', 'service-improvement'],
      categories: ['prospection'],
      subjectKeys: { email: [subject.email.toUpperCase()] },
    });
    await reply(resuppress);
    await waitEvent('actionCompleted', requestId, (d: { commandId: string }) => d.commandId === resuppress.commandId);
    // Done: the record's keys are not kept with the action.
    const [row] = await stored(`SELECT params FROM $schema.action WHERE command_id = $1`, [resuppress.commandId]);
    expect(row.params).toEqual({ purposes: ['prospection', 'service-improvement'], reason: expect.any(String) });
    expect(commandsFor('crm', requestId)).toEqual([]);
  });

  it('restriction (Art. 18): restrict commands with the ground; lifting tells the subject first, then lifts, once', async () => {
    const requestId = randomUUID();
    await submit(requestId, 'restriction', { ground: 'accuracy-contested' });
    await waitFor(
      async () => (await stored(`SELECT 1 FROM $schema.request_parameters WHERE request_id = $1`, [requestId]))[0],
      'the parameters stored',
      SLOW,
    );
    await sendPlan(requestId, 'restriction', [
      item('crm', ['identification'], ['export', 'erase', 'rectify', 'restrict']),
      item('marketing', ['prospection'], ['export', 'erase', 'restrict', 'suppress']),
    ]);
    const crm = await waitCommand('crm', requestId);
    const marketing = await waitCommand('marketing', requestId);
    for (const c of [crm, marketing])
      expect(c).toMatchObject({ type: EVENTS.restrictCommand.type, ground: 'accuracy-contested', action: 'place' });
    await reply(crm);
    await reply(marketing);
    await waitEvent('executionCompleted', requestId);

    // The DPO lifts it (request-intake's route publishes this).
    const lift = () =>
      raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.restrictionLiftRequested.type, {
        requestId,
        reason: 'accuracy verified',
        requestedBy: 'dpo-user-1',
      });
    await lift();
    const lifts = await waitFor(
      async () => {
        const l = received.filter(
          (r) =>
            r.envelope?.type === EVENTS.restrictCommand.type &&
            dataOf<Cmd & { action: string }>(r).requestId === requestId &&
            dataOf<{ action: string }>(r).action === 'lift',
        );
        return l.length === 2 ? l : undefined;
      },
      'two lift commands',
      SLOW,
    );
    // The notice is on another topic than the commands: it may be consumed after them.
    const notice = await waitFor(
      async () =>
        received.find(
          (r) =>
            r.envelope?.type === EVENTS.notificationRequested.type &&
            dataOf<{ requestId: string }>(r).requestId === requestId,
        ),
      'the lifting notice',
      SLOW,
    );
    expect(dataOf(notice)).toMatchObject({ template: 'restriction-lifting', channel: 'email', to: subject.email });
    // Enforced order: the notice and its record were committed before any lift command (outbox order).
    const outbox = await stored(
      `SELECT envelope->>'type' AS type FROM $schema.outbox WHERE envelope->>'correlationid' = $1 OR envelope->'data'->>'requestId' = $1 ORDER BY seq`,
      [requestId],
    );
    const types = outbox.map((r: { type: string }) => r.type);
    const firstLift = types.findIndex(
      (t: string, i: number) => t === EVENTS.restrictCommand.type && i > types.indexOf(EVENTS.executionCompleted.type),
    );
    expect(types.indexOf(EVENTS.notificationRequested.type)).toBeGreaterThan(-1);
    expect(types.indexOf(EVENTS.notificationRequested.type)).toBeLessThan(firstLift);
    expect(types.indexOf(EVENTS.restrictionLiftNotified.type)).toBeLessThan(firstLift);
    expect(lifts.map((l) => dataOf<Cmd>(l).systemId).sort()).toEqual(['crm', 'marketing']);

    // Asked again: nothing more is sent. Barrier: another request's event under the same key
    // (same partition), so handled after the second lift.
    await lift();
    const other = randomUUID();
    await raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.requestSubmitted.type, {
      requestId: other,
      type: 'restriction',
      subject: { email: subject.email },
      channel: 'email',
      receivedAt: new Date().toISOString(),
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      filedBy: 'dpo',
      ground: 'legal-claims',
    });
    await waitFor(
      async () => (await stored(`SELECT 1 FROM $schema.request_parameters WHERE request_id = $1`, [other]))[0],
      'the parameters stored',
      SLOW,
    );
    expect(
      await stored(
        `SELECT count(*)::int AS n FROM $schema.action WHERE request_id = $1 AND params->>'action' = 'lift'`,
        [requestId],
      ),
    ).toEqual([{ n: 2 }]);
  });

  it('objection on legitimate interest overridden by the DPO (Art. 21(1)): nothing is sent, the action closes with the grounds', async () => {
    const requestId = randomUUID();
    await submit(requestId, 'objection', { purposes: ['service-improvement'] });
    await waitFor(
      async () => (await stored(`SELECT 1 FROM $schema.request_parameters WHERE request_id = $1`, [requestId]))[0],
      'the parameters stored',
      SLOW,
    );
    await sendPlan(requestId, 'objection', [item('marketing', ['usage'], ['export', 'erase', 'restrict', 'suppress'])]);
    const escalated = await waitEvent<{ commandId: string }>('actionEscalated', requestId);
    await raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.objectionDecided.type, {
      requestId,
      commandId: escalated.commandId,
      decision: 'overridden',
      grounds: 'fraud investigation',
      decidedBy: 'dpo-user-1',
    });
    const closed = await waitEvent<{ reason: string; closedBy: string }>('actionClosedManually', requestId);
    expect(closed).toMatchObject({
      closedBy: 'dpo-user-1',
      reason: expect.stringContaining('compelling legitimate grounds'),
    });
    await waitEvent('executionCompleted', requestId);
    expect(commandsFor('marketing', requestId)).toEqual([]);
    expect(
      await stored(`SELECT count(*)::int AS n FROM $schema.suppression WHERE request_id = $1`, [requestId]),
    ).toEqual([{ n: 0 }]);
  });
});

/**
 * erasure-executor's rights other than erasure (issue 7), against real Kafka and
 * PostgreSQL. A raw kafkajs client plays request-intake (`requestSubmitted`), data-locator
 * (plans) and the company systems (command topics, replies).
 */
import { randomUUID } from 'node:crypto';
import { dlqTopic, EVENTS, TOPICS, type PlanItem } from '@datarights/contracts';
import { aRecordEvent, waitFor } from '@datarights/testing';
import {
  commandsTo as commandsFor,
  dataOf,
  expectNothingPersonalLogged,
  parametersStored,
  planItem,
  reply as replyTo,
  sendPlan,
  SLOW,
  sql,
  startHarness,
  stopHarness,
  submit,
  waitCommands,
  waitEvent,
  type Cmd,
  type Harness,
} from './harness';

describe('erasure-executor: rectification, objection, restriction', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      systems: ['crm', 'support', 'billing', 'marketing'],
      collect: [dlqTopic(TOPICS.plans.name)],
      // The executor learns who pursues which purpose from the registrations data-locator put in force (Art. 30 register).
      approvedSystems: [
        { systemId: 'crm', capabilities: ['export', 'erase', 'rectify', 'restrict'] },
        {
          systemId: 'marketing',
          purposes: ['prospection', 'service-improvement'],
          legalBasis: 'legitimate-interest',
          categories: ['usage', 'prospection'],
          capabilities: ['export', 'erase', 'restrict', 'suppress'],
        },
      ],
    });
  }, 120_000);

  afterAll(() => stopHarness(h));

  const waitCommand = async (systemId: string, requestId: string) => (await waitCommands(h, systemId, requestId))[0]!;
  const item = (systemId: string, categories: string[], capabilities: string[]): PlanItem =>
    planItem(systemId, categories, { capabilities, records: 1 } as Partial<PlanItem>);
  const reply = (c: Cmd) => replyTo(h, c, 'commandCompleted', { affectedRecords: 1 });

  it('rectification (Art. 16): the same changes go to every system holding a category of the field, and to no other', async () => {
    const requestId = randomUUID();
    const changes = { email: `new-${h.subject.email}` };
    await submit(h, requestId, 'rectification', { changes });
    await parametersStored(h, requestId);
    await sendPlan(
      h,
      requestId,
      [
        item('crm', ['identification'], ['export', 'erase', 'rectify', 'restrict']),
        item('support', ['relationship'], ['export', 'erase', 'rectify']),
        item('billing', ['payment'], ['export', 'erase', 'restrict']), // payment holds no e-mail
      ],
      'rectification',
    );

    const crm = await waitCommand('crm', requestId);
    const support = await waitCommand('support', requestId);
    expect(crm).toMatchObject({
      type: EVENTS.rectifyCommand.type,
      categories: ['identification'],
      changes,
      subjectKeys: h.subjectKeys,
    });
    expect(support).toMatchObject({
      type: EVENTS.rectifyCommand.type,
      categories: ['relationship'],
      changes,
      subjectKeys: h.subjectKeys,
    });
    await reply(crm);
    await reply(support);
    const done = await waitEvent<{ systems: { systemId: string; outcome: string }[] }>(
      h,
      'executionCompleted',
      requestId,
    );
    expect(done.systems.map((s) => s.systemId).sort()).toEqual(['crm', 'support']);
    expect(commandsFor(h, 'billing', requestId)).toEqual([]);
  });

  it("a plan read before its request's parameters waits for them aside, and is dead-lettered once the requests topic is read without them", async () => {
    const requestId = randomUUID();
    const waitsFor = await sendPlan(h, requestId, [item('crm', ['identification'], ['rectify'])], 'rectification');
    // Set aside (not retried in place: the partition goes on), then dead-lettered with the reason.
    const dead = await h.kafka.waitForMessage(
      h.received,
      (r) => r.topic === dlqTopic(TOPICS.plans.name) && r.envelope?.id === waitsFor.id,
      'the plan without parameters in the DLQ',
      SLOW,
    );
    expect(dead.headers['x-dlq-reason']).toMatch(
      /^handler-rejected: request .*: plan for a rectification request whose parameters have not arrived yet \(waited \d+ s for dsr\.requests\.v1: read as far as it stood, and it did not come\)$/,
    );
    expect(commandsFor(h, 'crm', requestId)).toEqual([]);
    expect(await sql(h, `SELECT 1 FROM awaiting_messages WHERE event_id = $1`, [waitsFor.id])).toEqual([]);
  });

  it('objection (Art. 21): prospection is suppressed at once, legitimate interest goes to the DPO who upholds it; after an erasure, a new record of the same e-mail is suppressed again', async () => {
    const requestId = randomUUID();
    await submit(h, requestId, 'objection', { purposes: ['prospection', 'service-improvement'] });
    await parametersStored(h, requestId);
    await sendPlan(
      h,
      requestId,
      [
        item('crm', ['identification'], ['export', 'erase', 'rectify', 'restrict']),
        item('marketing', ['usage', 'prospection'], ['export', 'erase', 'restrict', 'suppress']),
      ],
      'objection',
    );

    const suppress = await waitCommand('marketing', requestId);
    expect(suppress).toMatchObject({
      type: EVENTS.suppressCommand.type,
      purposes: ['prospection'],
      categories: ['usage', 'prospection'],
      subjectKeys: h.subjectKeys,
    });
    const escalated = await waitEvent<{ systemId: string; kind: string; reason: string; commandId: string }>(
      h,
      'actionEscalated',
      requestId,
    );
    expect(escalated).toMatchObject({
      systemId: 'marketing',
      kind: 'suppress',
      reason: expect.stringContaining('Art. 21(1)'),
    });
    await reply(suppress);
    await waitEvent(h, 'actionCompleted', requestId);

    // The DPO upholds the objection on legitimate interest: the same action's suppress command goes out.
    await h.kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.objectionDecided.type, {
      requestId,
      commandId: escalated.commandId,
      decision: 'upheld',
      grounds: 'no compelling ground',
      decidedBy: 'dpo-user-1',
    });
    const upheld = await waitFor(
      async () => commandsFor(h, 'marketing', requestId).find((c) => c.commandId === escalated.commandId),
      'the upheld suppress command',
      SLOW,
    );
    expect(upheld).toMatchObject({
      type: EVENTS.suppressCommand.type,
      purposes: ['service-improvement'],
      subjectKeys: h.subjectKeys,
    });
    await reply(upheld);
    await waitEvent(h, 'executionCompleted', requestId);
    expect(commandsFor(h, 'crm', requestId)).toEqual([]);
    // The list holds keyed hashes, never the e-mail.
    const list = await sql<{ key_hash: string; purpose: string }>(
      h,
      `SELECT key_hash, purpose FROM suppression WHERE request_id = $1`,
      [requestId],
    );
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ purpose: 'prospection' })]));
    expect(JSON.stringify(list)).not.toContain(h.subject.email);
    expect(list.every((r: { key_hash: string }) => r.key_hash.startsWith('hmac-sha256:'))).toBe(true);

    // The subject is then erased everywhere...
    const erasureId = randomUUID();
    await sendPlan(h, erasureId, [item('marketing', ['prospection'], ['export', 'erase', 'suppress'])], 'erasure');
    await reply(await waitCommand('marketing', erasureId));
    await waitEvent(h, 'executionCompleted', erasureId);

    // ...and later collected again, under the same e-mail (in another case): a new record.
    const again = aRecordEvent('marketing', { email: h.subject.email.toUpperCase() }, { category: 'prospection' });
    await h.kafka.sendEvent(TOPICS.dataEvents.name, `marketing:${again.recordRef}`, EVENTS.recordStored.type, again);
    // The same e-mail stored by a system that does no prospection gets nothing.
    const crmRecord = aRecordEvent('crm', { email: h.subject.email });
    await h.kafka.sendEvent(TOPICS.dataEvents.name, `crm:${crmRecord.recordRef}`, EVENTS.recordStored.type, crmRecord);

    const resuppress = await waitFor(
      async () =>
        commandsFor(h, 'marketing', requestId).find(
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
      subjectKeys: { email: [h.subject.email.toUpperCase()] },
    });
    await reply(resuppress);
    await waitEvent(
      h,
      'actionCompleted',
      requestId,
      (d: { commandId: string }) => d.commandId === resuppress.commandId,
    );
    // Done: the record's keys are not kept with the action.
    const [row] = await sql(h, `SELECT params FROM action WHERE command_id = $1`, [resuppress.commandId]);
    expect(row.params).toEqual({ purposes: ['prospection', 'service-improvement'], reason: expect.any(String) });
    expect(commandsFor(h, 'crm', requestId)).toEqual([]);
  });

  it('restriction (Art. 18): restrict commands with the ground; lifting tells the subject first, then lifts, once', async () => {
    const requestId = randomUUID();
    await submit(h, requestId, 'restriction', { ground: 'accuracy-contested' });
    await parametersStored(h, requestId);
    await sendPlan(
      h,
      requestId,
      [
        item('crm', ['identification'], ['export', 'erase', 'rectify', 'restrict']),
        item('marketing', ['prospection'], ['export', 'erase', 'restrict', 'suppress']),
      ],
      'restriction',
    );
    const crm = await waitCommand('crm', requestId);
    const marketing = await waitCommand('marketing', requestId);
    for (const c of [crm, marketing])
      expect(c).toMatchObject({ type: EVENTS.restrictCommand.type, ground: 'accuracy-contested', action: 'place' });
    await reply(crm);
    await reply(marketing);
    await waitEvent(h, 'executionCompleted', requestId);

    // The DPO lifts it (request-intake's route publishes this).
    const lift = () =>
      h.kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.restrictionLiftRequested.type, {
        requestId,
        reason: 'accuracy verified',
        requestedBy: 'dpo-user-1',
      });
    await lift();
    const lifts = await waitFor(
      async () => {
        const l = h.received.filter(
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
    const notice = await waitEvent(h, 'notificationRequested', requestId);
    expect(notice).toMatchObject({ template: 'restriction-lifting', channel: 'email', to: h.subject.email });
    // Enforced order: the notice and its record were committed before any lift command (outbox order).
    const outbox = await sql<{ type: string }>(
      h,
      `SELECT envelope->>'type' AS type FROM outbox WHERE envelope->>'correlationid' = $1 OR envelope->'data'->>'requestId' = $1 ORDER BY seq`,
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
    await submit(
      h,
      other,
      'restriction',
      { dueAt: new Date(Date.now() + 86_400_000).toISOString(), ground: 'legal-claims' },
      requestId,
    );
    await parametersStored(h, other);
    expect(
      await sql(h, `SELECT count(*)::int AS n FROM action WHERE request_id = $1 AND params->>'action' = 'lift'`, [
        requestId,
      ]),
    ).toEqual([{ n: 2 }]);
  });

  it('objection on legitimate interest overridden by the DPO (Art. 21(1)): nothing is sent, the action closes with the grounds', async () => {
    const requestId = randomUUID();
    await submit(h, requestId, 'objection', { purposes: ['service-improvement'] });
    await parametersStored(h, requestId);
    await sendPlan(
      h,
      requestId,
      [item('marketing', ['usage'], ['export', 'erase', 'restrict', 'suppress'])],
      'objection',
    );
    const escalated = await waitEvent<{ commandId: string }>(h, 'actionEscalated', requestId);
    await h.kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.objectionDecided.type, {
      requestId,
      commandId: escalated.commandId,
      decision: 'overridden',
      grounds: 'fraud investigation',
      decidedBy: 'dpo-user-1',
    });
    const closed = await waitEvent<{ reason: string; closedBy: string }>(h, 'actionClosedManually', requestId);
    expect(closed).toMatchObject({
      closedBy: 'dpo-user-1',
      reason: expect.stringContaining('compelling legitimate grounds'),
    });
    await waitEvent(h, 'executionCompleted', requestId);
    expect(commandsFor(h, 'marketing', requestId)).toEqual([]);
    expect(await sql(h, `SELECT count(*)::int AS n FROM suppression WHERE request_id = $1`, [requestId])).toEqual([
      { n: 0 },
    ]);
  });

  it('logs nothing that names the subject', () => expectNothingPersonalLogged(h));
});

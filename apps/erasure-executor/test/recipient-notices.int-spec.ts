/**
 * Art. 19 in erasure-executor against real Kafka and PostgreSQL: after a system erased,
 * rectified or restricted the subject's data, each of its registered recipients is told on
 * its own command topic; acknowledgements, refusals, reminders and the recipients that
 * cannot be told are recorded. A raw kafkajs client plays the company systems, the
 * recipients, data-locator (plans) and request-intake (the DPO's acknowledgement). The
 * reminders are driven by calling the timeout loop with a later time, not by waiting.
 */
import { randomUUID } from 'node:crypto';
import { EVENTS, type PlanItem, type Recipient, TOPICS } from '@datarights/contracts';
import { waitFor } from '@datarights/testing';
import { ActionTimeoutLoop } from '../src/execution/replies/action-timeout.loop';
import {
  commandsTo,
  expectNothingPersonalLogged,
  DAY,
  eventsOf,
  planItem,
  reply,
  sendPlan as sendPlanOf,
  SLOW,
  sql,
  startHarness,
  stopHarness,
  testPolicy,
  submit,
  waitCommands,
  waitEvents,
  type Harness,
} from './harness';

const POLICY = testPolicy('respondWithin: PT1H, maxAttempts: 2, retryBackoff: PT1M', {
  recipients: 'acknowledgeWithin: P7D, reminders: 2',
});
const CRM_CAPABILITIES: PlanItem['capabilities'] = ['export', 'erase', 'rectify', 'restrict'];

describe('erasure-executor: telling the recipients (Art. 19)', () => {
  let h: Harness;
  const recipients: Recipient[] = [
    {
      name: 'Partner A (analytics)',
      kind: 'sub-processor',
      categories: ['identification'],
      country: 'FR',
      systemId: 'partner-a',
    },
    { name: 'Silent B (mailing)', kind: 'sub-processor', categories: [], country: 'US', systemId: 'silent-b' },
    { name: 'Cabinet C (paper only)', kind: 'controller', categories: ['identification'], country: 'FR' },
    {
      name: 'Partner D (billing only)',
      kind: 'sub-processor',
      categories: ['billing'],
      country: 'FR',
      systemId: 'partner-d',
    },
  ];

  beforeAll(async () => {
    h = await startHarness({
      policy: POLICY,
      systems: ['partner-a', 'silent-b', 'partner-d', 'crm'],
      approvedSystems: [{ systemId: 'crm', capabilities: CRM_CAPABILITIES, recipients }],
    });
  }, 120_000);

  afterAll(() => stopHarness(h));

  const sendPlan = (requestId: string, requestType: string, categories: string[]) =>
    sendPlanOf(h, requestId, [planItem('crm', categories, { capabilities: CRM_CAPABILITIES })], requestType);
  const notice = async (noticeId: string) =>
    (
      await sql<{
        status: string;
        reminders: number;
        params: Record<string, unknown>;
        reason: string | null;
        acknowledged_by: string | null;
      }>(h, `SELECT status, reminders, params, reason, acknowledged_by FROM recipient_notice WHERE notice_id = $1`, [
        noticeId,
      ])
    )[0]!;
  const tick = (at: Date) => h.app.get(ActionTimeoutLoop).runOnce(at);

  it('after an erasure, tells each recipient of the erased categories on its topic; one that never answers is reminded twice, then recorded as unacknowledged; a late answer still counts', async () => {
    const requestId = randomUUID();
    await sendPlan(requestId, 'erasure', ['identification']);
    const [erase] = await waitCommands(h, 'crm', requestId, 1);
    await waitEvents(h, 'actionDispatched', requestId);
    expect(eventsOf(h, 'recipientNotified', requestId)).toEqual([]);
    await reply(h, erase, 'commandCompleted', { affectedRecords: 3 });

    const [toA] = await waitCommands(h, 'partner-a', requestId, 1);
    const [toB] = await waitCommands(h, 'silent-b', requestId, 1);
    expect(toA).toMatchObject({
      type: EVENTS.notifyCommand.type,
      systemId: 'partner-a',
      action: 'erasure',
      fromSystemId: 'crm',
      categories: ['identification'],
      reminder: 0,
      subjectKeys: h.subjectKeys,
    });
    expect(toB).toMatchObject({ systemId: 'silent-b', action: 'erasure', categories: ['identification'], reminder: 0 });
    const notified = await waitEvents<{ noticeId: string; recipient: Recipient }>(h, 'recipientNotified', requestId, 2);
    expect(notified.map((n) => n.recipient.name).sort()).toEqual(['Partner A (analytics)', 'Silent B (mailing)']);
    // Without a command topic: not sent, recorded with the reason.
    const [paper] = await waitEvents<{ recipient: Recipient; reason: string }>(h, 'recipientNotNotified', requestId);
    expect(paper.recipient).toEqual({ name: 'Cabinet C (paper only)', kind: 'controller', country: 'FR' });
    expect(paper.reason).toMatch(/no command topic/);
    // Partner D received only billing data from crm: nothing to tell it.
    expect(commandsTo(h, 'partner-d', requestId)).toEqual([]);

    await reply(h, toA, 'commandCompleted', { outcome: 'done', affectedRecords: 1 });
    const [ackA] = await waitEvents<{ noticeId: string; outcome: string; acknowledgedBy: string }>(
      h,
      'recipientAcknowledged',
      requestId,
    );
    expect(ackA).toMatchObject({ noticeId: toA.commandId, outcome: 'done', acknowledgedBy: 'recipient' });

    // Silent B: reminded at each acknowledgeWithin (P7D), twice, with the same commandId.
    const sent = Date.now();
    await tick(new Date(sent + 8 * DAY));
    await tick(new Date(sent + 16 * DAY));
    const reminders = await waitCommands(h, 'silent-b', requestId, 3);
    expect(reminders.map((c) => [c.commandId, c.reminder])).toEqual([
      [toB.commandId, 0],
      [toB.commandId, 1],
      [toB.commandId, 2],
    ]);
    expect(
      (await waitEvents<{ reminder: number }>(h, 'recipientReminded', requestId, 2)).map((r) => r.reminder),
    ).toEqual([1, 2]);
    // Partner A acknowledged: never reminded.
    expect(commandsTo(h, 'partner-a', requestId)).toHaveLength(1);

    await tick(new Date(sent + 24 * DAY));
    const [unack] = await waitEvents<{ noticeId: string; reminders: number; reason: string }>(
      h,
      'recipientUnacknowledged',
      requestId,
    );
    expect(unack).toMatchObject({ noticeId: toB.commandId, reminders: 2 });
    expect(unack.reason).toMatch(/no acknowledgement after the notice and 2 reminders/);
    expect(await notice(toB.commandId)).toMatchObject({ status: 'unacknowledged', reminders: 2 });
    // Nothing more is sent once it is recorded.
    await tick(new Date(sent + 40 * DAY));
    expect(commandsTo(h, 'silent-b', requestId)).toHaveLength(3);

    await reply(h, toB, 'commandCompleted', { outcome: 'not-found', affectedRecords: 0 });
    const acks = await waitEvents<{ noticeId: string; outcome: string; late?: boolean }>(
      h,
      'recipientAcknowledged',
      requestId,
      2,
    );
    expect(acks[1]).toMatchObject({ noticeId: toB.commandId, outcome: 'not-found', late: true });
  }, 120_000);

  it('a rectification carries its changes to the recipients, which are forgotten once acknowledged; a refusal is recorded with its reason; the DPO records an acknowledgement obtained by mail', async () => {
    const requestId = randomUUID();
    const newEmail = `new-${h.subject.email}`;
    await submit(h, requestId, 'rectification', { changes: { email: newEmail } });
    await sendPlan(requestId, 'rectification', ['identification']);
    const [rectify] = await waitCommands(h, 'crm', requestId, 1);
    await reply(h, rectify);

    const [toA] = await waitCommands(h, 'partner-a', requestId, 1);
    expect(toA).toMatchObject({ action: 'rectification', changes: { email: newEmail }, fromSystemId: 'crm' });
    const [toB] = await waitCommands(h, 'silent-b', requestId, 1);
    expect((await notice(toA.commandId)).params).toEqual({ changes: { email: newEmail } });
    await reply(h, toA);
    await waitEvents(h, 'recipientAcknowledged', requestId);
    await waitFor(
      async () => ((await notice(toA.commandId)).status === 'acknowledged' ? true : undefined),
      'notice A acknowledged',
      SLOW,
    );
    expect((await notice(toA.commandId)).params).toEqual({});

    await reply(h, toB, 'commandFailed', { error: 'we no longer hold a copy of that list' });
    const [declined] = await waitEvents<{ noticeId: string; reason: string }>(h, 'recipientDeclined', requestId);
    expect(declined).toEqual(
      expect.objectContaining({ noticeId: toB.commandId, reason: 'we no longer hold a copy of that list' }),
    );

    const [paper] = await waitEvents<{ noticeId: string }>(h, 'recipientNotNotified', requestId);
    await h.kafka.sendEvent(TOPICS.requests.name, requestId, EVENTS.recipientAcknowledgementRecorded.type, {
      requestId,
      noticeId: paper.noticeId,
      note: 'answered our letter',
      recordedBy: 'dpo-1',
    });
    const acks = await waitEvents<{ noticeId: string; outcome: string; acknowledgedBy: string }>(
      h,
      'recipientAcknowledged',
      requestId,
      2,
    );
    expect(acks[1]).toMatchObject({ noticeId: paper.noticeId, outcome: 'recorded', acknowledgedBy: 'dpo-1' });
  }, 120_000);

  it('a restriction (Art. 18) is told to the recipients; a system that found nothing has nothing to tell', async () => {
    const restricted = randomUUID();
    await submit(h, restricted, 'restriction', { ground: 'accuracy-contested' });
    await sendPlan(restricted, 'restriction', ['identification']);
    const [restrict] = await waitCommands(h, 'crm', restricted, 1);
    await reply(h, restrict);
    const [toA] = await waitCommands(h, 'partner-a', restricted, 1);
    expect(toA).toMatchObject({ action: 'restriction', ground: 'accuracy-contested' });

    const nothing = randomUUID();
    await sendPlan(nothing, 'erasure', ['identification']);
    const [erase] = await waitCommands(h, 'crm', nothing, 1);
    await reply(h, erase, 'commandCompleted', { outcome: 'not-found', affectedRecords: 0 });
    await waitEvents(h, 'executionCompleted', nothing);
    expect(eventsOf(h, 'recipientNotified', nothing)).toEqual([]);
    expect(eventsOf(h, 'recipientNotNotified', nothing)).toEqual([]);
  }, 120_000);

  it('logs nothing that names the subject', () => expectNothingPersonalLogged(h));
});

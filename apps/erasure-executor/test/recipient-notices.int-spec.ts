/**
 * Art. 19 in erasure-executor against real Kafka and PostgreSQL: after a system erased,
 * rectified or restricted the subject's data, each of its registered recipients is told on
 * its own command topic; acknowledgements, refusals, reminders and the recipients that
 * cannot be told are recorded. A raw kafkajs client plays the company systems, the
 * recipients, data-locator (plans) and request-intake (the DPO's acknowledgement). The
 * reminders are driven by calling the timeout loop with a later time, not by waiting.
 */
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { commandTopic, EVENTS, type PlanItem, type Recipient, TOPICS } from '@datarights/contracts';
import {
  aSubject,
  anApprovedSystem,
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
import { ActionTimeoutLoop } from '../src/execution/replies/action-timeout.loop';

const POLICY = `
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 2, retryBackoff: PT1M }
recipients: { acknowledgeWithin: P7D, reminders: 2 }
categories:
  default: { action: erase }
`;
const DAY = 86_400_000;
const SLOW = 45_000;
const RECIPIENT_TOPICS = ['partner-a', 'silent-b', 'partner-d'];

interface Cmd {
  commandId: string;
  requestId: string;
  systemId: string;
  categories: string[];
  subjectKeys: Record<string, string[]>;
  action?: string;
  fromSystemId?: string;
  changes?: Record<string, string>;
  ground?: string;
  reminder?: number;
}

describe('erasure-executor: telling the recipients (Art. 19)', () => {
  let iso: Isolation;
  let app: NestExpressApplication;
  let raw: RawKafka;
  let received: Received[];
  let restorePolicy: (() => void) | undefined;
  const subject = aSubject();
  const subjectKeys = { email: [subject.email], customerId: [subject.customerId] };
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
    iso = isolate('executor-recipients');
    restorePolicy = usePolicy(POLICY);
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics([...RECIPIENT_TOPICS, 'crm'].map(commandTopic));
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    received = await raw.collect([TOPICS.actions.name, ...[...RECIPIENT_TOPICS, 'crm'].map(commandTopic)]);
    await raw.sendEvent(
      TOPICS.systemApprovals.name,
      'crm',
      EVENTS.systemApproved.type,
      anApprovedSystem({ systemId: 'crm', capabilities: ['export', 'erase', 'rectify', 'restrict'], recipients }),
    );
    await waitFor(
      () =>
        withPg(async (c) =>
          (
            await c.query(
              `SELECT 1 FROM "${iso.schema}".system_registration WHERE system_id = 'crm' AND jsonb_array_length(recipients) = 4`,
            )
          ).rowCount
            ? true
            : undefined,
        ),
      'the crm registration with its recipients',
      SLOW,
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await raw?.close();
    if (iso) await cleanup(iso);
    restorePolicy?.();
  });

  const dataOf = <T = Record<string, unknown>>(r: Received) => r.envelope?.data as T;
  const eventsOf = <T = Record<string, unknown>>(name: keyof typeof EVENTS, requestId: string) =>
    received
      .filter((r) => r.envelope?.type === EVENTS[name].type && dataOf<{ requestId: string }>(r).requestId === requestId)
      .map((r) => dataOf<T>(r));
  const waitEvents = <T = Record<string, unknown>>(name: keyof typeof EVENTS, requestId: string, n = 1) =>
    waitFor(
      async () => (eventsOf<T>(name, requestId).length >= n ? eventsOf<T>(name, requestId) : undefined),
      `${n} ${name} of ${requestId}`,
      SLOW,
    );
  const commandsTo = (systemId: string, requestId: string) =>
    received
      .filter((r) => r.topic === commandTopic(systemId) && dataOf<Cmd>(r).requestId === requestId)
      .map((r) => ({ type: r.envelope!.type, ...dataOf<Cmd>(r) }));
  const waitCommands = (systemId: string, requestId: string, n: number) =>
    waitFor(
      async () => (commandsTo(systemId, requestId).length >= n ? commandsTo(systemId, requestId) : undefined),
      `${n} commands to ${systemId}`,
      SLOW,
    );
  const sendPlan = (requestId: string, requestType: string, categories: string[]) =>
    raw.sendEvent(TOPICS.plans.name, requestId, EVENTS.planBuilt.type, {
      requestId,
      requestType,
      subjectRef: `subj-${requestId.slice(0, 8)}`,
      subjectKeys,
      items: [
        {
          systemId: 'crm',
          role: 'controller',
          categories,
          capabilities: ['export', 'erase', 'rectify', 'restrict'],
          records: 2,
        } as PlanItem,
      ],
    });
  const submit = (requestId: string, type: string, extra: object) =>
    raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.requestSubmitted.type, {
      requestId,
      type,
      subject: { email: subject.email },
      channel: 'email',
      receivedAt: new Date().toISOString(),
      dueAt: new Date(Date.now() + 30 * DAY).toISOString(),
      filedBy: 'dpo',
      ...extra,
    });
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
  const notice = (noticeId: string) =>
    withPg(
      async (c) =>
        (
          await c.query(
            `SELECT status, reminders, params, reason, acknowledged_by FROM "${iso.schema}".recipient_notice WHERE notice_id = $1`,
            [noticeId],
          )
        ).rows[0] as {
          status: string;
          reminders: number;
          params: Record<string, unknown>;
          reason: string | null;
          acknowledged_by: string | null;
        },
    );
  const tick = (at: Date) => app.get(ActionTimeoutLoop).runOnce(at);

  it('after an erasure, tells each recipient of the erased categories on its topic; one that never answers is reminded twice, then recorded as unacknowledged; a late answer still counts', async () => {
    const requestId = randomUUID();
    await sendPlan(requestId, 'erasure', ['identification']);
    const [erase] = await waitCommands('crm', requestId, 1);
    await waitEvents('actionDispatched', requestId);
    expect(eventsOf('recipientNotified', requestId)).toEqual([]);
    await reply(erase, 'commandCompleted', { affectedRecords: 3 });

    const [toA] = await waitCommands('partner-a', requestId, 1);
    const [toB] = await waitCommands('silent-b', requestId, 1);
    expect(toA).toMatchObject({
      type: EVENTS.notifyCommand.type,
      systemId: 'partner-a',
      action: 'erasure',
      fromSystemId: 'crm',
      categories: ['identification'],
      reminder: 0,
      subjectKeys,
    });
    expect(toB).toMatchObject({ systemId: 'silent-b', action: 'erasure', categories: ['identification'], reminder: 0 });
    const notified = await waitEvents<{ noticeId: string; recipient: Recipient }>('recipientNotified', requestId, 2);
    expect(notified.map((n) => n.recipient.name).sort()).toEqual(['Partner A (analytics)', 'Silent B (mailing)']);
    // Without a command topic: not sent, recorded with the reason.
    const [paper] = await waitEvents<{ recipient: Recipient; reason: string }>('recipientNotNotified', requestId);
    expect(paper.recipient).toEqual({ name: 'Cabinet C (paper only)', kind: 'controller', country: 'FR' });
    expect(paper.reason).toMatch(/no command topic/);
    // Partner D received only billing data from crm: nothing to tell it.
    expect(commandsTo('partner-d', requestId)).toEqual([]);

    await reply(toA, 'commandCompleted', { outcome: 'done', affectedRecords: 1 });
    const [ackA] = await waitEvents<{ noticeId: string; outcome: string; acknowledgedBy: string }>(
      'recipientAcknowledged',
      requestId,
    );
    expect(ackA).toMatchObject({ noticeId: toA.commandId, outcome: 'done', acknowledgedBy: 'recipient' });

    // Silent B: reminded at each acknowledgeWithin (P7D), twice, with the same commandId.
    const sent = Date.now();
    await tick(new Date(sent + 8 * DAY));
    await tick(new Date(sent + 16 * DAY));
    const reminders = await waitCommands('silent-b', requestId, 3);
    expect(reminders.map((c) => [c.commandId, c.reminder])).toEqual([
      [toB.commandId, 0],
      [toB.commandId, 1],
      [toB.commandId, 2],
    ]);
    expect((await waitEvents<{ reminder: number }>('recipientReminded', requestId, 2)).map((r) => r.reminder)).toEqual([
      1, 2,
    ]);
    // Partner A acknowledged: never reminded.
    expect(commandsTo('partner-a', requestId)).toHaveLength(1);

    await tick(new Date(sent + 24 * DAY));
    const [unack] = await waitEvents<{ noticeId: string; reminders: number; reason: string }>(
      'recipientUnacknowledged',
      requestId,
    );
    expect(unack).toMatchObject({ noticeId: toB.commandId, reminders: 2 });
    expect(unack.reason).toMatch(/no acknowledgement after the notice and 2 reminders/);
    expect(await notice(toB.commandId)).toMatchObject({ status: 'unacknowledged', reminders: 2 });
    // Nothing more is sent once it is recorded.
    await tick(new Date(sent + 40 * DAY));
    expect(commandsTo('silent-b', requestId)).toHaveLength(3);

    await reply(toB, 'commandCompleted', { outcome: 'not-found', affectedRecords: 0 });
    const acks = await waitEvents<{ noticeId: string; outcome: string; late?: boolean }>(
      'recipientAcknowledged',
      requestId,
      2,
    );
    expect(acks[1]).toMatchObject({ noticeId: toB.commandId, outcome: 'not-found', late: true });
  }, 120_000);

  it('a rectification carries its changes to the recipients, which are forgotten once acknowledged; a refusal is recorded with its reason; the DPO records an acknowledgement obtained by mail', async () => {
    const requestId = randomUUID();
    const newEmail = `new-${subject.email}`;
    await submit(requestId, 'rectification', { changes: { email: newEmail } });
    await sendPlan(requestId, 'rectification', ['identification']);
    const [rectify] = await waitCommands('crm', requestId, 1);
    await reply(rectify);

    const [toA] = await waitCommands('partner-a', requestId, 1);
    expect(toA).toMatchObject({ action: 'rectification', changes: { email: newEmail }, fromSystemId: 'crm' });
    const [toB] = await waitCommands('silent-b', requestId, 1);
    expect((await notice(toA.commandId)).params).toEqual({ changes: { email: newEmail } });
    await reply(toA);
    await waitEvents('recipientAcknowledged', requestId);
    await waitFor(
      async () => ((await notice(toA.commandId)).status === 'acknowledged' ? true : undefined),
      'notice A acknowledged',
      SLOW,
    );
    expect((await notice(toA.commandId)).params).toEqual({});

    await reply(toB, 'commandFailed', { error: 'we no longer hold a copy of that list' });
    const [declined] = await waitEvents<{ noticeId: string; reason: string }>('recipientDeclined', requestId);
    expect(declined).toEqual(
      expect.objectContaining({ noticeId: toB.commandId, reason: 'we no longer hold a copy of that list' }),
    );

    const [paper] = await waitEvents<{ noticeId: string }>('recipientNotNotified', requestId);
    await raw.sendEvent(TOPICS.requests.name, requestId, EVENTS.recipientAcknowledgementRecorded.type, {
      requestId,
      noticeId: paper.noticeId,
      note: 'answered our letter',
      recordedBy: 'dpo-1',
    });
    const acks = await waitEvents<{ noticeId: string; outcome: string; acknowledgedBy: string }>(
      'recipientAcknowledged',
      requestId,
      2,
    );
    expect(acks[1]).toMatchObject({ noticeId: paper.noticeId, outcome: 'recorded', acknowledgedBy: 'dpo-1' });
  }, 120_000);

  it('a restriction (Art. 18) is told to the recipients; a system that found nothing has nothing to tell', async () => {
    const restricted = randomUUID();
    await submit(restricted, 'restriction', { ground: 'accuracy-contested' });
    await sendPlan(restricted, 'restriction', ['identification']);
    const [restrict] = await waitCommands('crm', restricted, 1);
    await reply(restrict);
    const [toA] = await waitCommands('partner-a', restricted, 1);
    expect(toA).toMatchObject({ action: 'restriction', ground: 'accuracy-contested' });

    const nothing = randomUUID();
    await sendPlan(nothing, 'erasure', ['identification']);
    const [erase] = await waitCommands('crm', nothing, 1);
    await reply(erase, 'commandCompleted', { outcome: 'not-found', affectedRecords: 0 });
    await waitEvents('executionCompleted', nothing);
    expect(eventsOf('recipientNotified', nothing)).toEqual([]);
    expect(eventsOf('recipientNotNotified', nothing)).toEqual([]);
  }, 120_000);
});

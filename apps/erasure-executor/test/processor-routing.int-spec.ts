/**
 * Processor routing (Art. 28) in erasure-executor, against real Kafka and PostgreSQL: for a
 * system registered with `role: processor`, no command is sent; the request is forwarded
 * to the controller's registered contact (dsr.notification.requested.v1, template
 * processor-forward), the action awaits the acknowledgement the DPO records, and the
 * request completes with outcome `forwarded` for that system.
 */
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { commandTopic, dlqTopic, EVENTS, systemTopic, TOPICS, type PlanItem } from '@datarights/contracts';
import {
  anApprovedSystem,
  aSubject,
  aSystem,
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

const SLOW = 45_000;

describe('erasure-executor: processor systems are forwarded, not erased', () => {
  let iso: Isolation;
  let app: NestExpressApplication;
  let raw: RawKafka;
  let received: Received[];
  const subject = aSubject();
  const subjectKeys = { email: [subject.email], customerId: [subject.customerId] };
  const contact = `dpo.${randomUUID().slice(0, 8)}@acme.example.test`;

  beforeAll(async () => {
    iso = isolate('erasure-executor');
    raw = new RawKafka(iso.topicPrefix);
    await raw.ensureTopics([commandTopic('hosted'), commandTopic('crm')]);
    app = await startTestService(AppModule, SERVICE, SCHEMA);
    received = await raw.collect([
      TOPICS.actions.name,
      TOPICS.notifications.name,
      commandTopic('hosted'),
      commandTopic('crm'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await raw?.close();
    if (iso) await cleanup(iso);
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
  const item = (systemId: string, categories: string[], o: Partial<PlanItem> = {}): PlanItem =>
    ({ systemId, role: 'controller', categories, capabilities: ['export', 'erase'], records: 2, ...o }) as PlanItem;

  it('forwards to the controller with what it needs, sends no command, and completes once the acknowledgement is recorded', async () => {
    await raw.sendEvent(TOPICS.systemApprovals.name, 'hosted', EVENTS.systemApproved.type, {
      // What data-locator publishes once the DPO approved the registration.
      ...anApprovedSystem(),
      systemId: 'hosted',
      name: 'Customer-hosted databases',
      owner: 'hosting-ops',
      role: 'processor',
      controller: 'ACME SAS',
      controllerContact: contact,
      purposes: ['hosting'],
      legalBasis: 'contract',
      categories: ['identification', 'usage'],
      location: 'FR',
      transfers: [],
      recipients: [],
      capabilities: ['export', 'erase'],
    });
    await waitFor(
      async () =>
        (
          await withPg((c) =>
            c.query(
              `SELECT 1 FROM "${iso.schema}".processor_system WHERE system_id = 'hosted' AND controller_contact = $1`,
              [contact],
            ),
          )
        ).rowCount === 1,
      'the processor registered',
      SLOW,
    );

    const requestId = randomUUID();
    await raw.sendEvent(
      TOPICS.plans.name,
      requestId,
      EVENTS.planBuilt.type,
      {
        requestId,
        requestType: 'erasure',
        subjectRef: 'subj-1',
        subjectKeys,
        items: [
          item('hosted', ['identification', 'usage'], { role: 'processor', controller: 'ACME SAS' }),
          item('crm', ['relationship']),
        ],
      },
      { correlationid: requestId },
    );

    const forwarded = await waitEvent<{ commandId: string; notificationId: string }>('actionForwarded', requestId);
    expect(forwarded).toEqual({
      requestId,
      commandId: expect.any(String),
      systemId: 'hosted',
      categories: ['identification', 'usage'],
      controller: 'ACME SAS',
      notificationId: expect.any(String),
    });
    const notice = await waitEvent(
      'notificationRequested',
      requestId,
      (d: { template: string }) => d.template === 'processor-forward',
    );
    expect(notice).toEqual({
      notificationId: forwarded.notificationId,
      requestId,
      channel: 'email',
      to: contact,
      template: 'processor-forward',
      locale: 'fr-FR',
      variables: {
        reference: forwarded.commandId,
        requestId,
        requestType: 'erasure',
        systemId: 'hosted',
        controller: 'ACME SAS',
        categories: ['identification', 'usage'],
        subjectKeys,
      },
    });

    // The controller system's part runs as usual; nothing was sent to the processor system (same transaction as the forward).
    const crm = await raw.waitForMessage(
      received,
      (r) => r.topic === commandTopic('crm') && dataOf<{ requestId: string }>(r).requestId === requestId,
      'the crm erase',
      SLOW,
    );
    const hostedCommands = await withPg(async (c) =>
      Number(
        (await c.query(`SELECT count(*) FROM "${iso.schema}".outbox WHERE topic = $1`, [commandTopic('hosted')]))
          .rows[0].count,
      ),
    );
    expect(hostedCommands).toBe(0);
    await raw.sendEvent(TOPICS.replies.name, requestId, EVENTS.commandCompleted.type, {
      commandId: dataOf<{ commandId: string }>(crm).commandId,
      requestId,
      systemId: 'crm',
      outcome: 'done',
      affectedRecords: 1,
    });
    await waitEvent('actionCompleted', requestId, (d: { systemId: string }) => d.systemId === 'crm');
    // Not complete until the controller answered.
    expect(
      received.some(
        (r) =>
          r.envelope?.type === EVENTS.executionCompleted.type &&
          dataOf<{ requestId: string }>(r).requestId === requestId,
      ),
    ).toBe(false);

    await raw.sendEvent(
      TOPICS.requests.name,
      requestId,
      EVENTS.actionAcknowledgementRecorded.type,
      { requestId, commandId: forwarded.commandId, note: 'ACME confirmed, ref. DPO-2211', recordedBy: 'dpo-1' },
      { correlationid: requestId },
    );
    expect(await waitEvent('actionAcknowledged', requestId)).toEqual({
      requestId,
      commandId: forwarded.commandId,
      systemId: 'hosted',
      acknowledgedBy: 'dpo-1',
    });
    const done = await waitEvent<{ systems: unknown[]; holds: unknown[] }>('executionCompleted', requestId);
    expect(done.systems).toEqual([
      { systemId: 'crm', outcome: 'done', affectedRecords: 1, categories: ['relationship'] },
      { systemId: 'hosted', outcome: 'forwarded', affectedRecords: 0, categories: ['identification', 'usage'] },
    ]);
    expect(received.filter((r) => r.topic === commandTopic('hosted'))).toHaveLength(0);
  }, 90_000);
  it("routes by the approved registration only: a system's raw registration, or an approval it forges on a topic it may write, changes nothing", async () => {
    const mallory = `mallory-${randomUUID().slice(0, 8)}`;
    const evil = `evil.${randomUUID().slice(0, 8)}@attacker.example.test`;
    const registration = {
      ...aSystem({ systemId: 'hosted', role: 'processor', controller: 'ACME SAS' }),
      controllerContact: evil,
    };
    const redirect = { ...anApprovedSystem(), ...registration };
    // The raw registration: the executor does not read it at all.
    await raw.sendEvent(TOPICS.systems.name, 'hosted', EVENTS.systemRegistered.type, registration);
    // A forged approval, on every topic a company system may write and the executor reads (its replies).
    const ownReplies = systemTopic(TOPICS.replies, mallory);
    await raw.ensureTopics([ownReplies, dlqTopic(ownReplies)]);
    const dead = await raw.collect([dlqTopic(ownReplies)]);
    const forged = await raw.sendEvent(ownReplies, 'hosted', EVENTS.systemApproved.type, redirect);
    const letter = await raw.waitForMessage(
      dead,
      (r) => r.envelope?.id === forged.id,
      'the forged approval dead-lettered',
      SLOW,
    );
    expect(letter.headers['x-dlq-reason']).toMatch(
      /^wrong-topic: dsr.system.approved.v1 is only accepted on dsr.systems.v1/,
    );

    // A later genuine approval is handled: by then the two above had their chance.
    const marker = `dpo.${randomUUID().slice(0, 8)}@acme.example.test`;
    await raw.sendEvent(TOPICS.systemApprovals.name, 'other-hosted', EVENTS.systemApproved.type, {
      ...anApprovedSystem({ systemId: 'other-hosted', role: 'processor', controller: 'Other SAS' }),
      controllerContact: marker,
    });
    const contactOf = async (systemId: string) =>
      (
        await withPg((c) =>
          c.query(`SELECT controller_contact FROM "${iso.schema}".processor_system WHERE system_id = $1`, [systemId]),
        )
      ).rows[0]?.controller_contact as string | undefined;
    await waitFor(async () => (await contactOf('other-hosted')) === marker, 'the genuine approval handled', SLOW);
    expect(await contactOf('hosted')).toBe(contact);
  });
});

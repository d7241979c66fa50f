/**
 * Processor routing (Art. 28) in erasure-executor, against real Kafka and PostgreSQL: for a
 * system registered with `role: processor`, no command is sent; the request is forwarded
 * to the controller's registered contact (dsr.notification.requested.v1, template
 * processor-forward), the action awaits the acknowledgement the DPO records, and the
 * request completes with outcome `forwarded` for that system.
 */
import { randomUUID } from 'node:crypto';
import { commandTopic, dlqTopic, EVENTS, systemTopic, TOPICS } from '@datarights/contracts';
import { anApprovedSystem, aSystem, waitFor } from '@datarights/testing';
import {
  dataOf,
  eventsOf,
  planItem as item,
  reply,
  approveSystems,
  sendPlan,
  SLOW,
  sql,
  startHarness,
  stopHarness,
  waitEvent,
  type Cmd,
  type Harness,
} from './harness';

describe('erasure-executor: processor systems are forwarded, not erased', () => {
  let h: Harness;
  const contact = `dpo.${randomUUID().slice(0, 8)}@acme.example.test`;

  beforeAll(async () => {
    h = await startHarness({ systems: ['hosted', 'crm'] });
  }, 120_000);

  afterAll(() => stopHarness(h));

  const contactOf = async (systemId: string) =>
    (
      await sql<{ controller_contact: string }>(
        h,
        `SELECT controller_contact FROM processor_system WHERE system_id = $1`,
        [systemId],
      )
    )[0]?.controller_contact;

  it('forwards to the controller with what it needs, sends no command, and completes once the acknowledgement is recorded', async () => {
    // What data-locator publishes once the DPO approved the registration.
    await approveSystems(h, [
      {
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
      },
    ]);
    expect(await contactOf('hosted')).toBe(contact);

    const requestId = randomUUID();
    await sendPlan(h, requestId, [
      item('hosted', ['identification', 'usage'], { role: 'processor', controller: 'ACME SAS' }),
      item('crm', ['relationship']),
    ]);

    const forwarded = await waitEvent<{ commandId: string; notificationId: string }>(h, 'actionForwarded', requestId);
    expect(forwarded).toEqual({
      requestId,
      commandId: expect.any(String),
      systemId: 'hosted',
      categories: ['identification', 'usage'],
      controller: 'ACME SAS',
      notificationId: expect.any(String),
    });
    const notice = await waitEvent(
      h,
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
        subjectKeys: h.subjectKeys,
      },
    });

    // The controller system's part runs as usual; nothing was sent to the processor system (same transaction as the forward).
    const crm = await h.kafka.waitForMessage(
      h.received,
      (r) => r.topic === commandTopic('crm') && dataOf<{ requestId: string }>(r).requestId === requestId,
      'the crm erase',
      SLOW,
    );
    expect(await sql(h, `SELECT count(*)::int AS n FROM outbox WHERE topic = $1`, [commandTopic('hosted')])).toEqual([
      { n: 0 },
    ]);
    await reply(h, dataOf<Cmd>(crm), 'commandCompleted', { affectedRecords: 1 });
    await waitEvent(h, 'actionCompleted', requestId, (d: { systemId: string }) => d.systemId === 'crm');
    // Not complete until the controller answered.
    expect(eventsOf(h, 'executionCompleted', requestId)).toEqual([]);

    await h.kafka.sendEvent(
      TOPICS.requests.name,
      requestId,
      EVENTS.actionAcknowledgementRecorded.type,
      { requestId, commandId: forwarded.commandId, note: 'ACME confirmed, ref. DPO-2211', recordedBy: 'dpo-1' },
      { correlationid: requestId },
    );
    expect(await waitEvent(h, 'actionAcknowledged', requestId)).toEqual({
      requestId,
      commandId: forwarded.commandId,
      systemId: 'hosted',
      acknowledgedBy: 'dpo-1',
    });
    const done = await waitEvent<{ systems: unknown[]; holds: unknown[] }>(h, 'executionCompleted', requestId);
    expect(done.systems).toEqual([
      { systemId: 'crm', outcome: 'done', affectedRecords: 1, categories: ['relationship'] },
      { systemId: 'hosted', outcome: 'forwarded', affectedRecords: 0, categories: ['identification', 'usage'] },
    ]);
    expect(h.received.filter((r) => r.topic === commandTopic('hosted'))).toHaveLength(0);
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
    await h.kafka.sendEvent(TOPICS.systems.name, 'hosted', EVENTS.systemRegistered.type, registration);
    // A forged approval, on every topic a company system may write and the executor reads (its replies).
    const ownReplies = systemTopic(TOPICS.replies, mallory);
    await h.kafka.ensureTopics([ownReplies, dlqTopic(ownReplies)]);
    const dead = await h.kafka.collect([dlqTopic(ownReplies)]);
    const forged = await h.kafka.sendEvent(ownReplies, 'hosted', EVENTS.systemApproved.type, redirect);
    const letter = await h.kafka.waitForMessage(
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
    await h.kafka.sendEvent(TOPICS.systemApprovals.name, 'other-hosted', EVENTS.systemApproved.type, {
      ...anApprovedSystem({ systemId: 'other-hosted', role: 'processor', controller: 'Other SAS' }),
      controllerContact: marker,
    });
    await waitFor(async () => (await contactOf('other-hosted')) === marker, 'the genuine approval handled', SLOW);
    expect(await contactOf('hosted')).toBe(contact);
  });
});

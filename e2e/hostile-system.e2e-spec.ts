/**
 * A hostile company system, written with a plain kafkajs client (no SDK), tries on every
 * topic a company system may write (its own registration, data-event and reply topics)
 * what it must never achieve: every internal event type, registering as another system,
 * answering another system's command or a command never sent, a registration dated in
 * the future, and malformed, oversized and wrong-schema messages. For each case: it is
 * dead-lettered with a reason, nothing changes (no command to any system, the register,
 * the requests and the audit log as before), and the rejection metric counts it. The
 * table of cases tried and accepted is printed and written to .run/hostile-system.json.
 * Its own registration that would redirect personal data (a processor role with its own
 * contact, capabilities, a recipient system) only waits for the DPO, who rejects it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  allEvents,
  createEnvelope,
  dlqTopic,
  EVENTS,
  SYSTEMS_PRODUCER,
  systemTopic,
  TOPICS,
} from '../libs/contracts/src';
import { waitFor } from '../libs/testing/src/infra';
import { RawKafka, type Received } from '../libs/testing/src/kafka-client';
import { CUSTOMER_PAGE, demoCustomerIn, demoReady, fileAndVerify, http, state, waitForStatus } from './support/api';
import type { ServiceName } from './support/stack';

const CONSUMERS: ServiceName[] = ['request-intake', 'identity', 'data-locator', 'erasure-executor', 'audit'];
const MALLORY = `mallory-${randomUUID().slice(0, 8)}`;
const OWN = {
  systems: systemTopic(TOPICS.systems, MALLORY),
  events: systemTopic(TOPICS.dataEvents, MALLORY),
  replies: systemTopic(TOPICS.replies, MALLORY),
};

interface Case {
  /** What is tried, for the table. */
  what: string;
  topic: string;
  /** Unique: how the case's dead letters are found. */
  key: string;
  value: string | Buffer;
  /** The dead-letter reason expected (its start). */
  reason: RegExp;
  /** The request id the message names: no audit entry, no command may name it. */
  requestId: string;
  /** An event id that must not appear in the audit log. */
  eventId?: string;
}

async function rejectedTotal(): Promise<number> {
  let total = 0;
  for (const s of CONSUMERS) {
    const text = await (await fetch(`${state.urls[s]}/metrics`)).text();
    for (const line of text.split('\n'))
      if (line.startsWith('dsr_events_rejected_total{')) total += Number(line.split(' ').pop());
  }
  return total;
}

function envelope(type: string, source: string, data: object, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...createEnvelope({ type, source, data }), ...extra });
}

describe('a hostile company system, with a plain kafkajs client', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-hostile');
  let commands: Received[];
  let deadLetters: Received[];
  let crmCommand: { commandId: string; requestId: string };

  beforeAll(async () => {
    await demoReady();
    commands = await raw.collect(['pdata.commands.{systemId}.v1']);
    // A genuine command sent to the CRM, for the hostile system to answer in its place.
    const customer = await demoCustomerIn(['crm'], CUSTOMER_PAGE.hostileSystem);
    const id = await fileAndVerify({ type: 'erasure', subject: { email: customer.email } });
    await waitForStatus(id, ['completed'], 120_000);
    const sent = await raw.waitForMessage(
      commands,
      (r) => r.actualTopic === 'pdata.commands.crm.v1' && r.envelope?.correlationid === id,
      "the CRM's erase command",
      60_000,
    );
    const data = sent.envelope!.data as { commandId: string; requestId: string };
    crmCommand = { commandId: data.commandId, requestId: data.requestId };
    // The hostile system's own topics exist (as the platform would create them); the
    // events topic takes messages over the contract's 1 MiB, to try an oversized one.
    await raw.ensureTopics([OWN.systems, OWN.replies, ...Object.values(OWN).map(dlqTopic)]);
    const admin = raw.kafka.admin();
    await admin.connect();
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: raw.topic(OWN.events),
            numPartitions: 3,
            configEntries: [{ name: 'max.message.bytes', value: String(3 * 1024 * 1024) }],
          },
        ],
      })
      .finally(() => admin.disconnect());
    deadLetters = await raw.collect(Object.values(OWN).map(dlqTopic));
  }, 300_000);

  afterAll(async () => {
    await raw.close();
  });

  it('gets nothing done, and every try is dead-lettered with its reason and counted', async () => {
    const cases: Case[] = [];
    const add = (c: Omit<Case, 'key'>) => cases.push({ ...c, key: `hostile-${cases.length}-${randomUUID()}` });

    // 1. Every internal event type (and every command), signed as its real producer, on each own topic.
    for (const def of allEvents().filter((d) => !d.producers.includes(SYSTEMS_PRODUCER)))
      for (const topic of Object.values(OWN)) {
        const requestId = randomUUID();
        const value = envelope(def.type, def.producers[0], { requestId, systemId: MALLORY, commandId: randomUUID() });
        add({
          what: `internal ${def.type} on its own ${topic.split('.')[1]} topic`,
          topic,
          value,
          requestId,
          reason: /^wrong-topic: /,
        });
      }

    const registration = (systemId: string) => ({
      systemId,
      name: 'Totally the CRM',
      owner: 'crm-team',
      role: 'controller',
      purposes: ['customer-relationship'],
      legalBasis: 'contract',
      categories: ['identification'],
      location: 'FR',
      transfers: [],
      recipients: [],
      capabilities: ['export', 'erase'],
    });
    // 2. Registering as another system: naming it, or signing as it.
    add({
      what: 'registration naming another system (crm)',
      topic: OWN.systems,
      value: envelope(EVENTS.systemRegistered.type, MALLORY, registration('crm')),
      requestId: randomUUID(),
      reason: /^wrong-system: /,
    });
    add({
      what: 'registration signed as another system (source crm)',
      topic: OWN.systems,
      value: envelope(EVENTS.systemRegistered.type, 'crm', registration('crm')),
      requestId: randomUUID(),
      reason: /^wrong-system: /,
    });
    // 3. A registration of its own, dated next year (it would outrank every genuine one).
    add({
      what: 'own registration dated a year ahead',
      topic: OWN.systems,
      value: envelope(EVENTS.systemRegistered.type, MALLORY, registration(MALLORY), {
        time: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      }),
      requestId: randomUUID(),
      reason: /^wrong-time: /,
    });
    // 4. Answering the CRM's command: naming the CRM, and as itself.
    const answer = (systemId: string, commandId: string, requestId: string) => ({
      commandId,
      requestId,
      systemId,
      outcome: 'done',
      affectedRecords: 0,
    });
    const asCrm = JSON.parse(
      envelope(EVENTS.commandCompleted.type, MALLORY, answer('crm', crmCommand.commandId, crmCommand.requestId)),
    );
    add({
      what: "reply to the CRM's command, naming the CRM",
      topic: OWN.replies,
      value: JSON.stringify(asCrm),
      requestId: crmCommand.requestId,
      eventId: asCrm.id,
      reason: /^wrong-system: /,
    });
    const asItself = JSON.parse(
      envelope(EVENTS.commandCompleted.type, MALLORY, answer(MALLORY, crmCommand.commandId, crmCommand.requestId)),
    );
    add({
      what: "reply to the CRM's command, as itself",
      topic: OWN.replies,
      value: JSON.stringify(asItself),
      requestId: crmCommand.requestId,
      eventId: asItself.id,
      reason: /^(handler-rejected|handler-failed): .*(does not match|unknown command|not sent to)/,
    });
    // 5. Answering a command never sent.
    const neverSent = randomUUID();
    add({
      what: 'reply to a command never sent',
      topic: OWN.replies,
      value: envelope(EVENTS.commandFailed.type, MALLORY, {
        ...answer(MALLORY, randomUUID(), neverSent),
        outcome: 'failed',
        error: 'x',
      }),
      requestId: neverSent,
      reason: /^(handler-rejected|handler-failed): .*(does not match|unknown command|not sent to)/,
    });
    // 6. Malformed, oversized, wrong-schema and unknown messages on each own topic.
    for (const topic of Object.values(OWN)) {
      const name = topic.split('.')[1];
      add({
        what: `not JSON on its ${name} topic`,
        topic,
        value: '{"type": "pdata.',
        requestId: randomUUID(),
        reason: /^invalid-envelope: /,
      });
      add({
        what: `not a CloudEvent on its ${name} topic`,
        topic,
        value: JSON.stringify({ type: EVENTS.recordStored.type, data: {} }),
        requestId: randomUUID(),
        reason: /^invalid-envelope: /,
      });
      add({
        what: `unknown type on its ${name} topic`,
        topic,
        value: envelope('pdata.system.takeover.v1', MALLORY, { systemId: MALLORY }),
        requestId: randomUUID(),
        reason: /^unknown-type: /,
      });
    }
    add({
      what: 'wrong schema: registration without its register entry',
      topic: OWN.systems,
      value: envelope(EVENTS.systemRegistered.type, MALLORY, { systemId: MALLORY, role: 'god' }),
      requestId: randomUUID(),
      reason: /^invalid-payload: /,
    });
    add({
      what: 'wrong schema: data event with a non-key subject key',
      topic: OWN.events,
      value: envelope(EVENTS.recordStored.type, MALLORY, {
        systemId: MALLORY,
        recordRef: 'r1',
        subjectKeys: 'everyone',
      }),
      requestId: randomUUID(),
      reason: /^invalid-payload: /,
    });
    const big = 'x'.repeat(1024 * 1024 + 1000);
    add({
      what: 'oversized data event (over 1 MiB)',
      topic: OWN.events,
      value: envelope(EVENTS.recordStored.type, MALLORY, { systemId: MALLORY, recordRef: big }),
      requestId: randomUUID(),
      reason: /^invalid-envelope: message value over/,
    });

    // The erasure above has finished everywhere: the audit log no longer grows.
    let last = -1;
    await waitFor(
      async () => {
        const n = (await http('audit', 'GET', '/v1/audit/verify')).body.entries as number;
        const settled = n === last;
        last = n;
        return settled;
      },
      'the audit log to settle',
      60_000,
      3000,
    );
    const before = {
      commands: commands.length,
      register: (await http('data-locator', 'GET', '/v1/systems')).body,
      requests: (await http('request-intake', 'GET', '/v1/requests?limit=1')).body.total,
      audit: (await http('audit', 'GET', '/v1/audit/verify')).body.entries,
      rejected: await rejectedTotal(),
    };

    for (const c of cases) await raw.send(c.topic, c.key, c.value);

    // Every case dead-lettered (by each service that reads the topic), with its reason.
    const deadOf = (c: Case) => deadLetters.filter((d) => d.key === c.key);
    await waitFor(
      async () => cases.every((c) => deadOf(c).length > 0),
      'every hostile message dead-lettered',
      120_000,
      1000,
    );
    const rows = cases.map((c) => {
      const dead = deadOf(c);
      const reasons = [...new Set(dead.map((d) => d.headers['x-dlq-reason']))];
      return {
        what: c.what,
        deadLetteredBy: [...new Set(dead.map((d) => d.headers['x-dlq-consumer']))].length,
        reasonOk: reasons.every((r) => c.reason.test(r ?? '')),
        reason: (reasons[0] ?? '').slice(0, 90),
      };
    });
    // What a late effect would take to show: a second round of the consumers' work.
    const after = {
      rejected: await waitFor(
        async () => {
          const n = await rejectedTotal();
          return n - before.rejected >= cases.length ? n : undefined;
        },
        'the rejections counted',
        60_000,
        1000,
      ),
      commands: commands.length,
      register: (await http('data-locator', 'GET', '/v1/systems')).body,
      requests: (await http('request-intake', 'GET', '/v1/requests?limit=1')).body.total,
      audit: (await http('audit', 'GET', '/v1/audit/verify')).body.entries,
    };
    const accepted = rows.filter((r) => r.deadLetteredBy === 0 || !r.reasonOk);
    const table = {
      tried: cases.length,
      accepted: accepted.length,
      rejectionsCounted: after.rejected - before.rejected,
      commandsSent: after.commands - before.commands,
      auditEntriesAdded: after.audit - before.audit,
      rows,
    };
    mkdirSync(join(__dirname, '..', '.run'), { recursive: true });
    writeFileSync(join(__dirname, '..', '.run', 'hostile-system.json'), JSON.stringify(table, null, 2));
    process.stdout.write(
      `hostile system: ${table.tried} cases tried, ${table.accepted} accepted, ${table.rejectionsCounted} rejections counted, ` +
        `${table.commandsSent} commands sent, ${table.auditEntriesAdded} audit entries added\n`,
    );

    expect(accepted).toEqual([]);
    expect(after.commands).toBe(before.commands);
    expect(after.register).toEqual(before.register);
    expect(after.requests).toBe(before.requests);
    expect(after.audit).toBe(before.audit);
    expect(after.rejected - before.rejected).toBeGreaterThanOrEqual(cases.length);
    for (const c of cases) {
      const evidence = await http('audit', 'GET', `/v1/audit/requests/${c.requestId}`);
      const ids = evidence.status === 200 ? (evidence.body.entries as { eventId: string }[]).map((e) => e.eventId) : [];
      if (c.eventId) expect(ids).not.toContain(c.eventId);
      else expect(ids).toEqual([]);
    }
  }, 400_000);

  it('cannot redirect personal data with its own registration: it waits for the DPO, who rejects it', async () => {
    const attacker = `requests.${randomUUID().slice(0, 8)}@attacker.example.test`;
    await raw.send(
      OWN.systems,
      MALLORY,
      envelope(EVENTS.systemRegistered.type, MALLORY, {
        systemId: MALLORY,
        name: 'Hosting, now with a processor role',
        owner: 'mallory',
        role: 'processor',
        controller: 'A customer',
        controllerContact: attacker,
        purposes: ['hosting'],
        legalBasis: 'contract',
        categories: ['identification'],
        location: 'FR',
        transfers: [],
        recipients: [
          { name: 'Mallory', kind: 'controller', categories: ['identification'], country: 'FR', systemId: 'crm' },
        ],
        capabilities: ['export', 'erase'],
      }),
    );
    const held = await waitFor(
      async () =>
        ((await http('data-locator', 'GET', '/v1/systems')).body.pending as Record<string, any>[]).find(
          (p) => p.systemId === MALLORY,
        ),
      "mallory's registration waiting for the DPO",
      60_000,
    );
    expect(held.changes.map((c: { field: string }) => c.field)).toEqual([
      'role',
      'controller',
      'controllerContact',
      'capability',
      'capability',
      'recipientSystem',
    ]);
    // Not in force: not in the register, no command topic from the platform.
    const register = (await http('data-locator', 'GET', '/v1/systems')).body;
    expect(register.items.map((i: { systemId: string }) => i.systemId)).not.toContain(MALLORY);
    expect((await http('data-locator', 'GET', `/v1/systems/${MALLORY}`)).status).toBe(404);
    const path = `/v1/systems/${MALLORY}/registrations/${held.registrationId}`;
    expect((await http('data-locator', 'POST', `${path}/approval`, { token: state.operatorToken })).status).toBe(403);
    const rejected = await http('data-locator', 'POST', `${path}/rejection`, {
      body: { reason: 'nobody asked for this processor role' },
    });
    expect(rejected.status).toBe(200);
    expect((await http('data-locator', 'POST', `${path}/approval`)).status).toBe(409);
    expect(
      ((await http('data-locator', 'GET', '/v1/systems')).body.pending as { systemId: string }[]).map(
        (p) => p.systemId,
      ),
    ).not.toContain(MALLORY);
  });
});

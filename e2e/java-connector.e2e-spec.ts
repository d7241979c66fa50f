/**
 * A company system written in Java (examples/java-connector: Maven, kafka-clients,
 * Jackson, no TypeScript) takes part in the stack over the public Kafka contract only:
 * built with Maven, started as its own process against the stack's broker, approved by
 * the DPO through the API, then erased from and exported through the DPO's HTTP API. What
 * it holds is read from its own ledger file. And it cannot speak for another system.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandTopic, createEnvelope, dlqTopic, EVENTS, systemTopic, TOPICS } from '../libs/contracts/src';
import { KAFKA_BROKERS, waitFor } from '../libs/testing/src/infra';
import { RawKafka, type Received } from '../libs/testing/src/kafka-client';
import { unzip } from '@datarights/testing';
import {
  CUSTOMER_PAGE,
  demoCustomersIn,
  demoReady,
  fileAndVerify,
  http,
  state,
  systemIndexed,
  waitForStatus,
  type DemoCustomer,
} from './support/api';
import { ROOT } from './support/stack';

const PROJECT = join(ROOT, 'examples/java-connector');
const JAR = join(PROJECT, 'target/java-ledger.jar');
const SYSTEM_ID = `java-ledger-${Date.now().toString(36)}`;
const CATEGORY = 'loyalty-account';

/** The newest modification time under a path (the pom and the sources). */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/**
 * Builds the connector with Maven (`mvn -q -B package`), unless the jar is newer than its
 * pom and sources. Fails saying what is missing if Maven or a JDK is not on the PATH.
 */
function buildJavaConnector(): void {
  for (const [tool, arg] of [
    ['mvn', '-v'],
    ['java', '-version'],
  ]) {
    const probe = spawnSync(tool, [arg], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0)
      throw new Error(
        `the Java connector's end-to-end test needs Maven and a JDK 17 on the PATH, and \`${tool} ${arg}\` failed ` +
          `(${probe.error?.message ?? `exit ${probe.status}`}); install them (Debian: apt-get install maven openjdk-17-jdk-headless)`,
      );
  }
  if (
    existsSync(JAR) &&
    statSync(JAR).mtimeMs > Math.max(newest(join(PROJECT, 'pom.xml')), newest(join(PROJECT, 'src')))
  )
    return;
  const built = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', 'package'], { cwd: PROJECT, encoding: 'utf8' });
  if (built.status !== 0)
    throw new Error(`mvn -q -B package failed in examples/java-connector:\n${built.stdout}\n${built.stderr}`);
}

interface LedgerRecord {
  recordRef: string;
  category: string;
  subjectKeys: { email?: string; customerId?: string };
  createdAt: string;
  data: Record<string, unknown>;
}

const card = (c: DemoCustomer, points: number): LedgerRecord => ({
  recordRef: `card-${c.customerId}`,
  category: CATEGORY,
  subjectKeys: { email: c.email, customerId: c.customerId },
  createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  data: { cardNumber: `LC-${c.customerId}`, points, tier: points > 1000 ? 'gold' : 'silver' },
});

describe('a company system in Java, on the public Kafka contract', () => {
  const raw = new RawKafka(state.topicPrefix, 'e2e-java-connector');
  const ledgerFile = join(state.logDir, `${SYSTEM_ID}.json`);
  let java: ChildProcess;
  let erased: DemoCustomer;
  let exported: DemoCustomer;
  let kept: DemoCustomer;
  let replies: Received[];
  let crmCommands: Received[];
  let deadLetters: Received[];
  /** The erasure of the first test: the CRM got its command too. */
  let erasureId: string;

  const held = () => (JSON.parse(readFileSync(ledgerFile, 'utf8')) as { records: LedgerRecord[] }).records;

  beforeAll(async () => {
    buildJavaConnector();
    await demoReady();
    [erased, exported, kept] = await demoCustomersIn(['crm'], CUSTOMER_PAGE.javaConnector);
    writeFileSync(
      ledgerFile,
      JSON.stringify({ records: [card(erased, 1200), card(exported, 300), card(kept, 50)], handledCommands: {} }),
    );
    const log = openSync(join(state.logDir, `${SYSTEM_ID}.log`), 'a');
    java = spawn('java', ['-jar', JAR], {
      cwd: state.logDir,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        KAFKA_TOPIC_PREFIX: state.topicPrefix,
        SYSTEM_ID,
        LEDGER_FILE: ledgerFile,
      },
    });
    // Registered with capabilities: it waits for the DPO, approved here through the API;
    // then its three records are in the register.
    await systemIndexed(SYSTEM_ID, 3);
    replies = await raw.collect([systemTopic(TOPICS.replies, SYSTEM_ID)]);
    crmCommands = await raw.collect([commandTopic('crm')]);
    deadLetters = await raw.collect([dlqTopic(systemTopic(TOPICS.replies, SYSTEM_ID))]);
  }, 300_000);

  afterAll(async () => {
    if (java && java.exitCode === null) {
      const exited = new Promise((r) => java.once('exit', r));
      java.kill('SIGTERM');
      await exited;
    }
    await raw.close();
  });

  it('erases the subject it holds when an erasure is filed through the API, and says so', async () => {
    const id = await fileAndVerify({ type: 'erasure', subject: { email: erased.email } });
    erasureId = id;
    const done = await waitForStatus(id, ['completed'], 120_000);

    expect(done.systems).toContainEqual(
      expect.objectContaining({ systemId: SYSTEM_ID, kind: 'erase', outcome: 'done' }),
    );
    // The reply on its own topic, keyed and correlated by the request, caused by the command.
    const reply = await raw.waitForMessage(replies, (r) => r.envelope?.correlationid === id, 'its reply', 30_000);
    expect(reply).toMatchObject({
      key: id,
      headers: { 'content-type': 'application/cloudevents+json' },
      envelope: {
        specversion: '1.0',
        source: SYSTEM_ID,
        type: 'pdata.command.completed.v1',
        causationid: expect.any(String),
        data: expect.objectContaining({ requestId: id, systemId: SYSTEM_ID, outcome: 'done', affectedRecords: 1 }),
      },
    });
    // Gone from the Java system's own data; the other customers' cards are still there.
    expect(held().map((r) => r.recordRef)).toEqual([`card-${exported.customerId}`, `card-${kept.customerId}`]);
    // Its `erased` data event reached the register.
    await waitFor(
      async () => (await http('data-locator', 'GET', `/v1/systems/${SYSTEM_ID}`)).body?.records === 2,
      'the erased record out of the register',
      60_000,
    );
  });

  it("puts the subject's record from the Java system in the access package", async () => {
    const id = await fileAndVerify({ type: 'access', subject: { email: exported.email } });
    const done = await waitForStatus(id, ['completed'], 120_000);
    expect(done.systems).toContainEqual(
      expect.objectContaining({ systemId: SYSTEM_ID, kind: 'export', outcome: 'done' }),
    );

    const res = await fetch(`${state.urls['request-intake']}/v1/requests/${id}/package`, {
      headers: { authorization: `Bearer ${state.token}` },
    });
    expect(res.status).toBe(200);
    const files = await unzip(Buffer.from(await res.arrayBuffer()));
    const data = JSON.parse(files.get('data.json')!) as {
      systems: Record<string, Record<string, Record<string, unknown>[]>>;
    };
    expect(Object.values(data.systems[SYSTEM_ID] ?? {}).flat()).toEqual([
      expect.objectContaining({
        recordRef: `card-${exported.customerId}`,
        category: CATEGORY,
        cardNumber: `LC-${exported.customerId}`,
        points: 300,
        tier: 'silver',
      }),
    ]);
    // Nothing of the other customers, and the export changed nothing it holds.
    for (const c of [erased, kept]) expect(files.get('data.json')).not.toContain(c.customerId);
    expect(held()).toHaveLength(2);
  });

  it('answers an erase command sent again with the reply it stored, without executing it again', async () => {
    // As the executor re-sends a command it got no answer for: the same commandId, a new event.
    const commands = await raw.collect([commandTopic(SYSTEM_ID)]);
    const first = await raw.waitForMessage(
      commands,
      (r) => r.envelope?.type === 'pdata.command.erase.v1' && r.envelope.correlationid === erasureId,
      'the erase command of the first test',
      30_000,
    );
    const again = createEnvelope({
      type: first.envelope!.type,
      source: first.envelope!.source,
      data: first.envelope!.data,
      correlationId: erasureId,
    });
    await raw.send(commandTopic(SYSTEM_ID), erasureId, again);
    const answer = await raw.waitForMessage(
      replies,
      (r) => r.envelope?.causationid === again.id,
      'the answer to the repeated command',
      60_000,
    );
    // Executed again, it would have found nothing (not-found, 0): the stored reply says what it did.
    expect(answer.envelope).toMatchObject({
      type: 'pdata.command.completed.v1',
      correlationid: erasureId,
      data: {
        commandId: (first.envelope!.data as { commandId: string }).commandId,
        outcome: 'done',
        affectedRecords: 1,
      },
    });
    expect(held()).toHaveLength(2);
  });

  it('answers a command it does not handle with pdata.command.failed.v1, and never one for another system', async () => {
    // Written as the executor would, on the Java system's command topic, with one key so
    // both are read in this order: first a command naming the CRM, then a rectify.
    const requestId = randomUUID();
    const command = (systemId: string) => ({
      commandId: randomUUID(),
      requestId,
      systemId,
      subjectKeys: { email: [kept.email] },
      categories: [CATEGORY],
      respondBy: new Date(Date.now() + 3_600_000).toISOString(),
      changes: { email: `new-${kept.email}` },
    });
    const forCrm = command('crm');
    const rectify = command(SYSTEM_ID);
    const topic = commandTopic(SYSTEM_ID);
    for (const data of [forCrm, rectify]) {
      const envelope = createEnvelope({
        type: EVENTS.rectifyCommand.type,
        source: 'erasure-executor',
        data,
        correlationId: requestId,
      });
      await raw.send(topic, requestId, envelope);
    }
    const failed = await raw.waitForMessage(
      replies,
      (r) => (r.envelope?.data as { commandId?: string })?.commandId === rectify.commandId,
      'the failed reply to the rectify command',
      60_000,
    );
    expect(failed.envelope).toMatchObject({
      type: 'pdata.command.failed.v1',
      correlationid: requestId,
      data: {
        commandId: rectify.commandId,
        requestId,
        systemId: SYSTEM_ID,
        outcome: 'failed',
        affectedRecords: 0,
        error: `system ${SYSTEM_ID} has no handler for rectify commands`,
      },
    });
    // The command naming the CRM, read before it, was passed over unanswered.
    expect(replies.filter((r) => (r.envelope?.data as { commandId?: string })?.commandId === forCrm.commandId)).toEqual(
      [],
    );
    expect(held()).toHaveLength(2);
  });

  it("cannot answer the CRM's command in its place: on its own replies topic, such a reply is dead-lettered", async () => {
    // A genuine command the CRM received for the erasure of the first test.
    const sent = await raw.waitForMessage(
      crmCommands,
      (r) => r.envelope?.correlationid === erasureId,
      "the CRM's command (a restriction: it keeps the identity under a legal hold)",
      60_000,
    );
    const { commandId, requestId } = sent.envelope!.data as { commandId: string; requestId: string };
    const before = (await http('request-intake', 'GET', `/v1/requests/${requestId}`)).body;
    const answer = (systemId: string) =>
      JSON.stringify(
        createEnvelope({
          type: EVENTS.commandCompleted.type,
          source: SYSTEM_ID,
          data: { commandId, requestId, systemId, outcome: 'not-found', affectedRecords: 0 },
          correlationId: requestId,
        }),
      );
    // What the Java system's Kafka user may write: its own replies topic only.
    const own = systemTopic(TOPICS.replies, SYSTEM_ID);
    const keys = { namingCrm: `java-as-crm-${randomUUID()}`, asItself: `java-for-crm-${randomUUID()}` };
    await raw.send(own, keys.namingCrm, answer('crm'));
    await raw.send(own, keys.asItself, answer(SYSTEM_ID));

    const reasonsOf = async (key: string) =>
      (await raw.waitForMessage(deadLetters, (d) => d.key === key, `the dead letter of ${key}`, 60_000)).headers[
        'x-dlq-reason'
      ];
    expect(await reasonsOf(keys.namingCrm)).toMatch(/^wrong-system: /);
    expect(await reasonsOf(keys.asItself)).toMatch(
      /^(handler-rejected|handler-failed): .*(does not match|unknown command|not sent to)/,
    );
    // The request is as it was: the CRM's own answer stands.
    const after = (await http('request-intake', 'GET', `/v1/requests/${requestId}`)).body;
    expect(after.systems).toEqual(before.systems);
    expect(after.status).toBe(before.status);
  });
});

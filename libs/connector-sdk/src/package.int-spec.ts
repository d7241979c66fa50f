/**
 * The SDK as a company system gets it: `npm pack` of @datarights/connector-sdk
 * (tools/connector-sdk/pack.mjs), installed with `npm install <tarball>` into a project
 * outside the monorepo (a temporary directory with its own package.json), and used by a
 * plain JavaScript program against the real broker. It registers, publishes a data event
 * and answers an erase command sent by a plain kafkajs client playing the DSR side. If the
 * package needed anything of the monorepo (a tsconfig path, a dependency it does not
 * declare), the program would not start.
 */
import { createEnvelope, parseEnvelope, systemTopic, TOPICS, type EventEnvelope } from '@datarights/contracts';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

const ROOT = resolve(__dirname, '../../..');
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const RUN = randomBytes(4).toString('hex');
const SYSTEM_ID = `sdk-package-${RUN}`;
const PREFIX = `sdk-package-${RUN}.`;
const T = {
  systems: PREFIX + systemTopic(TOPICS.systems, SYSTEM_ID),
  events: PREFIX + systemTopic(TOPICS.dataEvents, SYSTEM_ID),
  replies: PREFIX + systemTopic(TOPICS.replies, SYSTEM_ID),
  commands: `${PREFIX}pdata.commands.${SYSTEM_ID}.v1`,
};

/** The company system: plain JavaScript, nothing but the installed package. */
const PROGRAM = `
const { Connector, MemoryCommandStore, silentLogger } = require('@datarights/connector-sdk');

const members = [{ id: 'm-1', email: 'ada@example.test', customerId: 'C-1' }];
const connector = new Connector({
  brokers: process.env.KAFKA_BROKERS.split(','),
  clientId: process.env.SYSTEM_ID,
  topicPrefix: process.env.TOPIC_PREFIX,
  logger: silentLogger,
  store: new MemoryCommandStore(),
  registration: {
    systemId: process.env.SYSTEM_ID,
    name: 'Book club',
    owner: 'club-team',
    role: 'controller',
    purposes: ['customer-relationship'],
    legalBasis: 'contract',
    categories: ['identification'],
    location: 'FR',
    transfers: [],
    recipients: [],
    capabilities: ['erase'],
  },
});

connector.onCommand('erase', async (command) => {
  const emails = command.subjectKeys.email || [];
  const gone = members.filter((m) => emails.includes(m.email));
  for (const m of gone) members.splice(members.indexOf(m), 1);
  return { outcome: gone.length ? 'done' : 'not-found', affectedRecords: gone.length };
});

(async () => {
  await connector.start();
  await connector.publishRecords(
    'stored',
    members.map((m) => ({ recordRef: m.id, category: 'identification', subjectKeys: { email: m.email, customerId: m.customerId } })),
  );
  console.log('ready');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
process.on('SIGTERM', () => void connector.stop().then(() => process.exit(0)));
`;

describe('@datarights/connector-sdk, packed and installed outside the monorepo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'connector-sdk-consumer-'));
  const kafka = new Kafka({
    clientId: `sdk-package-dsr-${RUN}`,
    brokers: BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const seen: { topic: string; key: string; envelope: EventEnvelope<Record<string, unknown>> }[] = [];
  let tarball: string;
  let program: ChildProcess;
  let output = '';
  let producer: Producer;
  let consumer: Consumer;

  const waitFor = async <T>(what: string, find: () => T | undefined, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (program?.exitCode !== null && program?.exitCode !== undefined)
        throw new Error(`the program exited (${program.exitCode}) before ${what}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the program said:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    const packed = execFileSync('node', [join(ROOT, 'tools/connector-sdk/pack.mjs'), '--out', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    tarball = packed.trim().split('\n').pop()!;
    const project = join(dir, 'book-club');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'book-club', version: '1.0.0', private: true }),
    );
    writeFileSync(join(project, 'system.js'), PROGRAM);
    // Its dependencies come from the local npm cache when they are there, else the registry.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: project,
      encoding: 'utf8',
    });

    consumer = kafka.consumer({ groupId: `sdk-package-dsr-${RUN}` });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    program = spawn('node', ['system.js'], {
      cwd: project,
      env: { PATH: process.env.PATH, KAFKA_BROKERS: BROKERS, TOPIC_PREFIX: PREFIX, SYSTEM_ID },
    });
    program.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    program.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    // The connector creates its own topics on a local broker: read them once they exist.
    await waitFor('the program to be ready', () => (output.includes('ready') ? true : undefined), 60_000);
    await consumer.connect();
    await consumer.subscribe({ topics: [T.systems, T.events, T.replies], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const parsed = parseEnvelope(message.value);
        if (parsed.ok)
          seen.push({
            topic,
            key: message.key?.toString() ?? '',
            envelope: parsed.envelope as EventEnvelope<Record<string, unknown>>,
          });
      },
    });
  }, 180_000);

  afterAll(async () => {
    if (program && program.exitCode === null) {
      const exited = new Promise((r) => program.once('exit', r));
      program.kill('SIGTERM');
      await exited;
    }
    await consumer?.disconnect();
    await producer?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a tarball of JS and .d.ts with the contracts inside and its runtime dependencies declared', () => {
    const installed = join(dir, 'book-club/node_modules/@datarights/connector-sdk');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: '@datarights/connector-sdk',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      types: './connector-sdk/src/index.d.ts',
      dependencies: expect.objectContaining({ kafkajs: expect.any(String), 'reflect-metadata': expect.any(String) }),
    });
    expect(readFileSync(join(installed, 'connector-sdk/src/index.d.ts'), 'utf8')).toContain('Connector');
    // No import left pointing at the monorepo's own packages.
    const connector = readFileSync(join(installed, 'connector-sdk/src/connector.js'), 'utf8');
    expect(connector).not.toMatch(/require\("@datarights\//);
    expect(connector).toContain('require("../../contracts/src/index.js")');
  });

  it('registers, publishes a data event and answers a command, from a plain JS program', async () => {
    const registration = await waitFor('the registration', () => seen.find((s) => s.topic === T.systems));
    expect(registration.key).toBe(SYSTEM_ID);
    expect(registration.envelope).toMatchObject({
      type: 'pdata.system.registered.v1',
      source: SYSTEM_ID,
      data: { systemId: SYSTEM_ID, capabilities: ['erase'] },
    });
    const stored = await waitFor('the data event', () => seen.find((s) => s.topic === T.events));
    expect(stored.key).toBe(`${SYSTEM_ID}:m-1`);
    expect(stored.envelope).toMatchObject({
      type: 'pdata.record.stored.v1',
      data: { systemId: SYSTEM_ID, recordRef: 'm-1', subjectKeys: { email: 'ada@example.test', customerId: 'C-1' } },
    });

    const requestId = randomUUID();
    const command = createEnvelope({
      type: 'pdata.command.erase.v1',
      source: 'erasure-executor',
      correlationId: requestId,
      data: {
        commandId: randomUUID(),
        requestId,
        systemId: SYSTEM_ID,
        subjectKeys: { email: ['ada@example.test'] },
        categories: ['identification'],
        respondBy: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    await producer.send({
      topic: T.commands,
      acks: -1,
      messages: [
        {
          key: requestId,
          value: JSON.stringify(command),
          headers: { 'content-type': 'application/cloudevents+json' },
        },
      ],
    });
    const reply = await waitFor('the reply', () => seen.find((s) => s.topic === T.replies));
    expect(reply.key).toBe(requestId);
    expect(reply.envelope).toMatchObject({
      type: 'pdata.command.completed.v1',
      source: SYSTEM_ID,
      correlationid: requestId,
      causationid: command.id,
      data: { commandId: command.data.commandId, requestId, systemId: SYSTEM_ID, outcome: 'done', affectedRecords: 1 },
    });
  });
});

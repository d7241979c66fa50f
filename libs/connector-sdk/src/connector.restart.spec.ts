/**
 * The connector's consumer after a crash, with a fake kafkajs (no broker): a crash kafkajs
 * will not restart from ("Failed to find group coordinator" during a broker roll, issue
 * 15) must not leave the system silently deaf to its commands.
 */
import type { SystemRegistered } from '@datarights/contracts';
import {
  Kafka,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type EachMessagePayload,
  type ProducerRecord,
} from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { silentLogger } from './console.logger';
import { Connector } from './connector';
import { MemoryCommandStore } from './memory.command-store';
import { restartDelayMs } from './supervised.consumer';

jest.mock('kafkajs', () => ({ ...jest.requireActual<object>('kafkajs'), Kafka: jest.fn() }));

type Listener = (event: { payload: unknown }) => void;

class FakeConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' } as const;
  readonly subscriptions: unknown[] = [];
  eachMessage?: ConsumerRunConfig['eachMessage'];
  disconnected = false;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly config: ConsumerConfig,
    private readonly connectResult: () => Promise<void>,
  ) {}

  on(event: string, listener: Listener): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }
  emit(event: string, payload: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener({ payload });
  }
  connect = () => this.connectResult();
  subscribe = async (subscription: unknown) => void this.subscriptions.push(subscription);
  run = async (config: ConsumerRunConfig) => {
    this.eachMessage = config.eachMessage;
    setImmediate(() => this.emit(this.events.GROUP_JOIN, { groupId: this.config.groupId }));
  };
  stop = async () => undefined;
  disconnect = async () => void (this.disconnected = true);
}

class FakeKafka {
  readonly consumers: FakeConsumer[] = [];
  readonly sent: ProducerRecord[] = [];
  /** How many of the next consumers fail to connect (the broker still down). */
  failingConnects = 0;
  consumer(config: ConsumerConfig) {
    const consumer = new FakeConsumer(config, async () => {
      if (this.failingConnects === 0) return;
      this.failingConnects--;
      throw Object.assign(new Error('Connection refused'), { name: 'KafkaJSConnectionError' });
    });
    this.consumers.push(consumer);
    return consumer;
  }
  producer() {
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (record: ProducerRecord) => void this.sent.push(record),
    };
  }
  admin() {
    return { connect: async () => undefined, disconnect: async () => undefined, createTopics: async () => true };
  }
}

const registration: SystemRegistered = {
  systemId: 'crm',
  name: 'CRM',
  owner: 'sales-ops',
  role: 'controller',
  purposes: ['customer-relationship'],
  legalBasis: 'contract',
  categories: ['identification'],
  location: 'FR',
  transfers: [],
  recipients: [],
  capabilities: ['erase'],
};

/**
 * Waits for a condition driven by the connector's own timers and promises (backoffs of a
 * few ms here). Bounded in turns, not time, so that a connector that never gets there
 * fails the test instead of hanging the run.
 */
async function until(condition: () => boolean, turns = 2000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('the condition never held');
}

const coordinatorLost = () =>
  Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound' });

let fake: FakeKafka;
let connector: Connector;
const erase = jest.fn(async () => ({ outcome: 'done' as const, affectedRecords: 1 }));

beforeEach(async () => {
  fake = new FakeKafka();
  jest.mocked(Kafka).mockImplementation(() => fake as unknown as Kafka);
  connector = new Connector({
    brokers: ['127.0.0.1:1'],
    clientId: 'crm',
    registration,
    store: new MemoryCommandStore(),
    logger: silentLogger,
    restartBackoffMs: 1,
    restartMaxBackoffMs: 4,
  }).onCommand('erase', erase);
  await connector.start();
});

afterEach(() => connector.stop());

describe('Connector after its consumer crashed', () => {
  it('builds a new consumer after a crash kafkajs will not restart from, retrying while the broker is down', async () => {
    expect(connector.status()).toBe('running');
    const [first] = fake.consumers;
    fake.failingConnects = 2;

    first.emit(first.events.CRASH, { error: coordinatorLost(), restart: false });
    expect(connector.status()).toBe('restarting');
    await until(() => connector.status() === 'running');

    // Two attempts failed to connect, the third joined.
    expect(fake.consumers).toHaveLength(4);
    expect(first.disconnected).toBe(true);
    const current = fake.consumers[3];
    expect(current.config.groupId).toBe('system.crm');
    expect(current.subscriptions).toEqual([{ topics: ['pdata.commands.crm.v1'], fromBeginning: true }]);
    expect(connector.health()).toMatchObject({ status: 'running', restarts: 3, lastError: 'KafkaJSConnectionError' });

    // Same handlers: a command on the new consumer is handled and answered.
    const commandId = randomUUID();
    const requestId = randomUUID();
    const command = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'erasure-executor',
      type: 'pdata.command.erase.v1',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      correlationid: requestId,
      data: {
        commandId,
        requestId,
        systemId: 'crm',
        subjectKeys: { customerId: ['C-1'] },
        categories: ['identification'],
        respondBy: '2030-01-01T00:00:00Z',
      },
    };
    await current.eachMessage?.({
      topic: 'pdata.commands.crm.v1',
      partition: 0,
      message: { key: Buffer.from(requestId), value: Buffer.from(JSON.stringify(command)), offset: '0', headers: {} },
      heartbeat: async () => undefined,
    } as unknown as EachMessagePayload);
    expect(erase).toHaveBeenCalledWith(expect.objectContaining({ commandId }), expect.anything());
    const replies = fake.sent.filter((r) => r.topic === 'pdata.replies.crm.v1');
    expect(replies.map((r) => JSON.parse(String(r.messages[0].value)).data.commandId)).toEqual([commandId]);
  });

  it('leaves a crash kafkajs restarts by itself to kafkajs, and is not running until it has joined again', async () => {
    const [first] = fake.consumers;
    first.emit(first.events.CRASH, { error: coordinatorLost(), restart: true });
    expect(connector.status()).toBe('restarting');

    first.emit(first.events.GROUP_JOIN, { groupId: 'system.crm' });
    expect(connector.status()).toBe('running');
    expect(fake.consumers).toHaveLength(1);
    expect(connector.health().restarts).toBe(0);
  });

  it('ignores a late crash of a consumer it has already replaced', async () => {
    const [first] = fake.consumers;
    first.emit(first.events.CRASH, { error: coordinatorLost(), restart: false });
    await until(() => connector.status() === 'running');
    first.emit(first.events.CRASH, { error: coordinatorLost(), restart: false });
    expect(connector.status()).toBe('running');
    expect(fake.consumers).toHaveLength(2);
  });

  it('stops while restarting: the attempts end and it says stopped', async () => {
    const [first] = fake.consumers;
    fake.failingConnects = Number.MAX_SAFE_INTEGER;
    first.emit(first.events.CRASH, { error: coordinatorLost(), restart: false });
    await until(() => connector.health().restarts >= 2);

    await connector.stop();
    expect(connector.status()).toBe('stopped');
    expect(fake.consumers.every((c) => c === first || c.disconnected)).toBe(true);
  });
});

describe('restartDelayMs', () => {
  it('doubles per attempt up to the cap, with jitter between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => restartDelayMs(n, 1000, 30_000, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect(restartDelayMs(4, 1000, 30_000, () => 0.999)).toBe(7996);
    expect(restartDelayMs(50, 1000, 30_000, () => 0)).toBe(15_000);
    expect(restartDelayMs(50, 1000, 30_000, () => 0.999)).toBe(29_985);
  });
});

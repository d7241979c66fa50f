/**
 * The Connector: what a company system runs to take part in the DSR contract. It owns the
 * kafkajs clients (plain kafkajs, no framework, so any Node codebase can use it), the
 * registration, the consumer of the system's own command topic, and the publishing of
 * data events and replies. Everything a system writes goes to topics of its own
 * (`pdata.systems.<id>.v1`, `pdata.events.<id>.v1`, `pdata.replies.<id>.v1`): the broker's
 * ACLs then prove which system wrote it, and datarights refuses an event that names
 * another system than its topic's. Its consumer is supervised (supervised.consumer.ts): a
 * crash kafkajs will not restart from is restarted here, and status() tells a readiness
 * probe the truth meanwhile.
 * Long on purpose: the SDK's public entry point (register, publish, answer commands) and
 * its lifecycle; what a company system's engineer reads first.
 */
import {
  CAPABILITIES,
  commandTopic,
  createEnvelope,
  EVENTS,
  SystemRegistered,
  systemTopic,
  TOPICS,
  validatePayload,
} from '@datarights/contracts';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { CommandDispatcher } from './command.dispatcher';
import { ensureCommandTopic } from './command-topic.provisioner';
import { consoleLogger, describeError } from './console.logger';
import type {
  CommandHandler,
  CommandKind,
  ConnectorHealth,
  ConnectorLogger,
  ConnectorOptions,
  ConnectorStatus,
  RecordInput,
  RecordKind,
} from './connector.types';
import { toKafkaMessage } from './kafka-message.util';
import { buildRecordMessages } from './record-event.builder';
import { SupervisedConsumer } from './supervised.consumer';

/** Messages per `sendBatch` when publishing many records (keeps requests well under the broker's limits). */
const RECORD_BATCH_SIZE = 500;

type State = Exclude<ConnectorStatus, 'restarting'>;

export class Connector {
  readonly systemId: string;
  readonly commandTopic: string;
  /** The topics this system writes, with the topic prefix: its registration, data events and replies. */
  readonly ownTopics: { systems: string; events: string; replies: string };
  private readonly topicPrefix: string;
  private readonly registration: SystemRegistered;
  private readonly logger: ConnectorLogger;
  private readonly kafka: Kafka;
  private readonly handlers = new Map<CommandKind, CommandHandler<CommandKind>>();
  private producer?: Producer;
  private consumer?: SupervisedConsumer;
  private admin?: Admin;
  private state: State = 'new';

  constructor(private readonly options: ConnectorOptions) {
    // Refuse a bad registration here, at construction: nothing is sent, and the reason
    // names the field (the contract class's own rules).
    const valid = validatePayload(SystemRegistered, options.registration);
    if (!valid.ok) throw new Error(`invalid system registration: ${valid.reason}`);
    this.registration = valid.value;
    this.systemId = valid.value.systemId;
    this.topicPrefix = options.topicPrefix ?? '';
    // The same rule as the services' KAFKA_TOPIC_PREFIX, so both sides can share one.
    if (!/^[a-z0-9._-]{0,40}$/.test(this.topicPrefix))
      throw new Error('topicPrefix may only hold a-z, 0-9, ".", "_" and "-" (40 at most)');
    this.commandTopic = this.topicPrefix + commandTopic(this.systemId);
    this.ownTopics = {
      systems: this.topicPrefix + systemTopic(TOPICS.systems, this.systemId),
      events: this.topicPrefix + systemTopic(TOPICS.dataEvents, this.systemId),
      replies: this.topicPrefix + systemTopic(TOPICS.replies, this.systemId),
    };
    if (!options.store) throw new Error('a CommandStore is required (MemoryCommandStore or PostgresCommandStore)');
    this.logger = options.logger ?? consoleLogger(`connector-sdk:${this.systemId}`);
    const logger = this.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ssl: options.ssl,
      sasl: options.sasl,
      logLevel: logLevel.WARN,
      // kafkajs's own warnings go through the system's logger, without their payloads.
      logCreator: () => (entry) => {
        const fields = { namespace: entry.namespace, error: entry.log.error, groupId: entry.log.groupId };
        if (entry.level <= logLevel.ERROR) logger.error(`kafkajs: ${entry.log.message}`, fields);
        else logger.warn(`kafkajs: ${entry.log.message}`, fields);
      },
    });
  }

  /**
   * Registers the handler of one kind of command. A kind without a handler is answered
   * `failed` (and a registered capability without one is warned about at start).
   */
  onCommand<K extends CommandKind>(kind: K, handler: CommandHandler<K>): this {
    if (this.state !== 'new') throw new Error('register command handlers before start()');
    if (!(CAPABILITIES as readonly string[]).includes(kind)) throw new Error(`unknown command kind ${String(kind)}`);
    if (this.handlers.has(kind)) throw new Error(`a handler for ${kind} commands is already registered`);
    this.handlers.set(kind, handler as unknown as CommandHandler<CommandKind>);
    return this;
  }

  /**
   * Connects, registers the system, makes sure its command topic exists, and resolves
   * once the consumer has joined its group (commands flow from then on).
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`start() called on a connector that is ${this.state}`);
    this.state = 'starting';
    for (const capability of this.registration.capabilities) {
      if (!this.handlers.has(capability))
        this.logger.warn('capability registered without a handler: its commands will be answered failed', {
          capability,
        });
    }
    try {
      // Idempotent producer (docs/conventions.md, "Messaging"): a retried send never writes a reply twice.
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await this.producer.connect();

      // The system's own topics first: where it writes (registration first), and its commands.
      this.admin = this.kafka.admin();
      await this.admin.connect();
      for (const topic of [this.ownTopics.systems, this.ownTopics.events, this.ownTopics.replies, this.commandTopic])
        await ensureCommandTopic(this.admin, {
          topic,
          timeoutMs: this.startTimeoutMs,
          numPartitions: this.options.commandTopicPartitions,
          replicationFactor: this.options.commandTopicReplicationFactor,
          compacted: topic === this.ownTopics.systems,
          logger: this.logger,
        });
      await this.admin.disconnect();
      this.admin = undefined;
      await this.register();

      await this.startConsumer();
      this.state = 'running';
      this.logger.info('connector started', { systemId: this.systemId, topic: this.commandTopic });
    } catch (err) {
      this.logger.error('connector failed to start', { systemId: this.systemId, error: describeError(err) });
      await this.disconnectAll();
      this.state = 'stopped';
      throw err;
    }
  }

  /** Publishes one data event (`pdata.record.<kind>.v1`). Throws, sending nothing, if it is invalid. */
  async publishRecord(kind: RecordKind, record: RecordInput): Promise<void> {
    await this.publishRecords(kind, [record]);
  }

  /**
   * Publishes many data events, e.g. the whole table once at first start. Every record is
   * validated before any is sent.
   */
  async publishRecords(kind: RecordKind, records: readonly RecordInput[]): Promise<void> {
    const producer = this.runningProducer();
    const messages = buildRecordMessages(this.systemId, kind, records);
    for (let i = 0; i < messages.length; i += RECORD_BATCH_SIZE) {
      await producer.sendBatch({
        topicMessages: [{ topic: this.ownTopics.events, messages: messages.slice(i, i + RECORD_BATCH_SIZE) }],
      });
    }
    this.logger.debug('records published', { kind, count: messages.length });
  }

  /**
   * Where the connector is: `running` only while its consumer is in its group, so commands
   * flow. `restarting` while the SDK (or kafkajs) brings a crashed consumer back; `stopped`
   * after stop() or a failed start(). For the system's readiness probe.
   */
  status(): ConnectorStatus {
    if (this.state === 'running') return this.consumer?.health().state === 'restarting' ? 'restarting' : 'running';
    return this.state;
  }

  /** status() with the consumer's restart attempts and its last error (class and code only). */
  health(): ConnectorHealth {
    const consumer = this.consumer?.health();
    return {
      status: this.status(),
      restarts: consumer?.restarts ?? 0,
      ...(consumer?.lastError ? { lastError: consumer.lastError, lastErrorAt: consumer.lastErrorAt } : {}),
    };
  }

  /** Stops the consumer (the command in progress finishes and its offset is committed), then the producer. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    await this.disconnectAll();
    this.state = 'stopped';
    this.logger.info('connector stopped', { systemId: this.systemId });
  }

  private get startTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 60_000;
  }

  private async register(): Promise<void> {
    const def = EVENTS.systemRegistered;
    const data = JSON.parse(JSON.stringify(this.registration)) as SystemRegistered;
    const envelope = createEnvelope({ type: def.type, source: this.systemId, data });
    await this.runningProducer(true).send({
      topic: this.ownTopics.systems,
      messages: [toKafkaMessage(def.key(data), envelope)],
    });
  }

  private async startConsumer(): Promise<void> {
    const dispatcher = new CommandDispatcher({
      systemId: this.systemId,
      repliesTopic: this.ownTopics.replies,
      store: this.options.store,
      sink: this.runningProducer(true),
      logger: this.logger,
      handlers: this.handlers,
      respondRetries: this.options.respondRetries ?? 3,
      retryBackoffMs: this.options.retryBackoffMs ?? 500,
    });
    // Restarts use the same group, subscription and dispatcher: committed offsets say where to go on.
    const consumer = new SupervisedConsumer({
      kafka: this.kafka,
      groupId: this.options.groupId ?? `system.${this.systemId}`,
      topic: this.commandTopic,
      eachMessage: (payload) => dispatcher.handle(payload),
      logger: this.logger,
      joinTimeoutMs: this.startTimeoutMs,
      restartBackoffMs: this.options.restartBackoffMs ?? 1000,
      restartMaxBackoffMs: this.options.restartMaxBackoffMs ?? 30_000,
    });
    this.consumer = consumer;
    await consumer.start();
  }

  private runningProducer(starting = false): Producer {
    if (!this.producer || (this.state !== 'running' && !(starting && this.state === 'starting'))) {
      throw new Error('the connector is not running: call start() first');
    }
    return this.producer;
  }

  private async disconnectAll(): Promise<void> {
    const { consumer, admin, producer } = this;
    // The consumer stays referenced (stopped): health() still tells its restarts and last error.
    this.admin = this.producer = undefined;
    // Consumer first: stop() waits for the message in progress, whose reply needs the producer.
    const steps: [string, (() => Promise<void>) | undefined][] = [
      ['consumer', consumer && (() => consumer.stop())],
      ['admin', admin && (() => admin.disconnect())],
      ['producer', producer && (() => producer.disconnect())],
    ];
    for (const [name, step] of steps) {
      try {
        await step?.();
      } catch (err) {
        this.logger.warn(`failed to disconnect the ${name}`, { error: describeError(err) });
      }
    }
  }
}

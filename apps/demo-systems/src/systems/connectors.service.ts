/**
 * The four connectors (connector-sdk), one per demo system: each registers its Art. 30
 * entry on `pdata.systems.<systemId>.v1`, consumes its own command topic `pdata.commands.<id>.v1`
 * with its own consumer group, keeps its command store in this service's schema, and
 * publishes its data events. Same brokers, credentials and topic prefix as the service's
 * own Kafka clients (config/app.config.ts).
 * Long on purpose: demo only: one connector per demo system over the SDK, with the start-up
 * and registration each needs.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Connector,
  PostgresCommandStore,
  type ConnectorHealth,
  type ConnectorLogger,
  type Queryable,
  type RecordInput,
  type RecordKind,
} from '@datarights/connector-sdk';
import { allTopicsWith, ensureTopics, KAFKA } from '@datarights/messaging';
import { DemoSystemsConfig } from '../config/app.config';
import { CommandHandlers, type PublishRecords } from './command-handlers.service';
import { DEMO_SYSTEMS, SYSTEM_IDS, type SystemId } from './system-catalog';
import { SystemsRepository } from './systems.repository';

type KafkaClient = Parameters<typeof ensureTopics>[0];
/** `failed`: a start attempt failed (retried up to START_ATTEMPTS); `restarting`: the SDK is bringing a crashed consumer back. */
export type ConnectorState = 'new' | 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

/** One connector as /demo/status shows it. */
export interface ConnectorView {
  state: ConnectorState;
  restarts: number;
  lastError?: string;
  lastErrorAt?: string;
}

const DAY = 86_400_000;
/** Tries per connector at start-up (a broker busy with a rebalance, a slow topic creation). */
const START_ATTEMPTS = 3;

/** The SDK's log lines through the service's logger (pino, with personal-data redaction). */
function connectorLogger(systemId: string): ConnectorLogger {
  const log = new Logger(`connector:${systemId}`);
  const line = (message: string, fields?: Record<string, unknown>) =>
    fields && Object.keys(fields).length ? `${message} ${JSON.stringify(fields)}` : message;
  return {
    debug: (m, f) => log.debug(line(m, f)),
    info: (m, f) => log.log(line(m, f)),
    warn: (m, f) => log.warn(line(m, f)),
    error: (m, f) => log.error(line(m, f)),
  };
}

@Injectable()
export class ConnectorsService {
  private readonly logger = new Logger(ConnectorsService.name);
  private readonly connectors = new Map<SystemId, Connector>();
  private readonly stores = new Map<SystemId, PostgresCommandStore>();
  private readonly states = new Map<SystemId, ConnectorState>(SYSTEM_IDS.map((id) => [id, 'new']));
  private startup?: Promise<void>;
  private pruneTimer?: NodeJS.Timeout;
  private stopping = false;
  /** The SDK's command stores query through the service's own pool (search_path = its schema). */
  private readonly db: Queryable = {
    query: async (text, params) => ({ rows: await this.dataSource.query(text, params) }),
  };

  constructor(
    private readonly config: DemoSystemsConfig,
    private readonly dataSource: DataSource,
    private readonly handlers: CommandHandlers,
    private readonly repo: SystemsRepository,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
  ) {}

  /**
   * Starts the four connectors (once; later calls share the first start): resolves when
   * every one is registered and consuming its command topic.
   */
  start(): Promise<void> {
    this.startup ??= this.startAll();
    return this.startup;
  }

  /**
   * Where each connector really is (for /demo/status and /health/ready): once started, its
   * own status, so a consumer that crashed shows `restarting`, not the `running` it once was.
   */
  connectorStates(): Record<SystemId, ConnectorState> {
    return Object.fromEntries(SYSTEM_IDS.map((id) => [id, this.view(id).state])) as Record<SystemId, ConnectorState>;
  }

  /** connectorStates() with each connector's restart attempts and last error (class and code only). */
  connectorViews(): Record<SystemId, ConnectorView> {
    return Object.fromEntries(SYSTEM_IDS.map((id) => [id, this.view(id)])) as Record<SystemId, ConnectorView>;
  }

  private view(id: SystemId): ConnectorView {
    const started = this.states.get(id) ?? 'new';
    const health: ConnectorHealth | undefined = this.connectors.get(id)?.health();
    const state: ConnectorState =
      started !== 'running' || !health
        ? started
        : health.status === 'running' || health.status === 'restarting'
          ? health.status
          : 'stopped';
    return {
      state,
      restarts: health?.restarts ?? 0,
      ...(health?.lastError ? { lastError: health.lastError } : {}),
      ...(health?.lastErrorAt ? { lastErrorAt: health.lastErrorAt.toISOString() } : {}),
    };
  }

  /** Publishes data events as `systemId` (batched and validated by the SDK). */
  async publish(systemId: SystemId, kind: RecordKind, records: RecordInput[]): Promise<void> {
    if (records.length === 0) return;
    const connector = this.connectors.get(systemId);
    if (!connector || this.states.get(systemId) !== 'running')
      throw new Error(`the ${systemId} connector is not running`);
    await connector.publishRecords(kind, records);
  }

  /**
   * Takes one system offline (DEMO ONLY, for the fault-injection run): its connector lets
   * the command in progress finish and disconnects; commands wait on its topic meanwhile.
   */
  async pause(id: SystemId): Promise<ConnectorView> {
    await this.startup;
    const connector = this.connectors.get(id);
    if (connector && this.states.get(id) === 'running') {
      this.states.set(id, 'stopped');
      await connector.stop();
      this.logger.warn(`the ${id} connector was stopped on request (demo)`);
    }
    return this.view(id);
  }

  /** Brings a paused system back: a new connector, which resumes from its group's offsets. */
  async resume(id: SystemId): Promise<ConnectorView> {
    await this.startup;
    if (this.states.get(id) === 'stopped' && !this.stopping) {
      await this.startOne(id);
      this.logger.log(`the ${id} connector was started again on request (demo)`);
    }
    return this.view(id);
  }

  /** Lets the command in progress finish, then disconnects every connector. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    await this.startup?.catch(() => undefined);
    await this.stopConnectors();
  }

  private async startAll(): Promise<void> {
    // The SDK sends the registration with topic auto-creation off: the fixed topics must
    // exist first (on a fresh broker this runs before the service's own consumer starts).
    await ensureTopics(this.kafka, this.config.kafka, allTopicsWith());
    const results = await Promise.allSettled(SYSTEM_IDS.map((id) => this.startOne(id)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.stopConnectors();
      throw failed.reason;
    }
    this.logger.log(`connectors started: ${SYSTEM_IDS.join(', ')}`);
    await this.prune();
    if (!this.stopping) this.pruneTimer = setInterval(() => void this.prune(), DAY).unref();
  }

  /** A connector that failed to start cannot start again: each attempt builds a new one. */
  private async startOne(id: SystemId): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const connector = this.build(id);
      this.connectors.set(id, connector);
      this.states.set(id, 'starting');
      try {
        await connector.start();
        this.states.set(id, 'running');
        return;
      } catch (err) {
        this.states.set(id, 'failed');
        if (attempt >= START_ATTEMPTS || this.stopping) throw err;
        this.logger.warn(
          `the ${id} connector failed to start (${(err as Error).name}), attempt ${attempt} of ${START_ATTEMPTS}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  }

  private build(id: SystemId): Connector {
    const settings = this.config.kafka;
    const store = new PostgresCommandStore(this.db, `${id}_commands`);
    const connector = new Connector({
      brokers: settings.brokers,
      ssl: settings.ssl,
      sasl: settings.sasl,
      clientId: `demo-systems.${id}`,
      registration: DEMO_SYSTEMS[id].registration,
      store,
      logger: connectorLogger(id),
      // Prefixed like the topics, so isolated test runs never share a group.
      groupId: `${settings.topicPrefix}system.${id}`,
      topicPrefix: settings.topicPrefix,
      commandTopicPartitions: settings.partitions,
      commandTopicReplicationFactor: settings.replicationFactor,
    });
    this.registerHandlers(id, connector);
    this.stores.set(id, store);
    return connector;
  }

  private async stopConnectors(): Promise<void> {
    await Promise.all(
      [...this.connectors].map(async ([id, connector]) => {
        await connector
          .stop()
          .catch((err: unknown) =>
            this.logger.warn(`the ${id} connector did not stop cleanly: ${(err as Error).name}`),
          );
        if (this.states.get(id) === 'running') this.states.set(id, 'stopped');
      }),
    );
  }

  private registerHandlers(id: SystemId, connector: Connector): void {
    const system = DEMO_SYSTEMS[id];
    const publish: PublishRecords = (kind, records) => connector.publishRecords(kind, records);
    for (const capability of system.registration.capabilities) {
      switch (capability) {
        case 'export':
          connector.onCommand('export', (c) => this.handlers.export(system, c));
          break;
        case 'erase':
          connector.onCommand('erase', (c) => this.handlers.erase(system, c, publish));
          break;
        case 'restrict':
          connector.onCommand('restrict', (c) => this.handlers.restrict(system, c));
          break;
        case 'rectify':
          connector.onCommand('rectify', (c) => this.handlers.rectify(system, c, publish));
          break;
        case 'suppress':
          connector.onCommand('suppress', (c) => this.handlers.suppress(system, c));
          break;
        case 'notify':
          connector.onCommand('notify', (c) => this.handlers.notify(system, c));
          break;
      }
    }
  }

  /**
   * Forgets handled commands past the retention: stored export replies are a copy of the
   * subject's records and must not outlive an erasure for long (connector-sdk README).
   */
  private async prune(): Promise<void> {
    const before = new Date(Date.now() - this.config.DEMO_COMMAND_RETENTION_DAYS * DAY);
    try {
      let pruned = await this.repo.pruneEffects(before);
      for (const store of this.stores.values()) pruned += await store.prune(before);
      if (pruned > 0)
        this.logger.log(`pruned ${pruned} handled commands older than ${this.config.DEMO_COMMAND_RETENTION_DAYS} days`);
    } catch (err) {
      this.logger.warn(`pruning handled commands failed: ${(err as Error).name}`);
    }
  }
}

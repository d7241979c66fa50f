/**
 * Sends the outbox to Kafka with an idempotent producer, in insertion order, then marks
 * rows sent. If the process dies after sending and before marking, the rows are sent
 * again on restart: consumers skip them by event id (inbox), so the effect happens once.
 * One relay per service sends at a time (a transaction-scoped advisory lock), so that
 * two replicas never reorder one key's events.
 */
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Client } from 'pg';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import type { Kafka, Producer } from 'kafkajs';
import { physicalTopic, type KafkaSettings } from './kafka.config';
import { DataSource } from 'typeorm';
import { CLOUDEVENTS_CONTENT_TYPE } from '@datarights/contracts';
import { OUTBOX_CHANNEL } from './event.publisher';
import { MessagingServer } from './messaging.server';
import { messagingMetrics } from './messaging.metrics';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, resolvedOptions, type MessagingOptions } from './messaging.options';

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  envelope: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface DrainHooks {
  /** Called after the batch is on Kafka and before it is marked sent (tests kill the relay here). */
  afterSend?: (ids: string[]) => Promise<void>;
}

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly opts: Required<MessagingOptions>;
  private producer?: Producer;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private listener?: Client;
  private metricsTimer?: NodeJS.Timeout;
  private cleanupTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly server: MessagingServer,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
  ) {
    this.opts = resolvedOptions(options);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (process.env.OUTBOX_RELAY === 'off') return;
    await this.start();
  }

  /** Connects the idempotent producer without starting the loop (tests drive `drainOnce`). */
  async connect(): Promise<void> {
    if (this.producer) return;
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.connect();
    await this.listen();
    this.running = true;
    this.loop = this.run();
    this.metricsTimer = setInterval(() => void this.updateMetrics().catch(() => undefined), 5000);
    this.metricsTimer.unref();
    this.cleanupTimer = setInterval(() => void this.cleanup().catch(() => undefined), 3600_000);
    this.cleanupTimer.unref();
  }

  /**
   * Graceful shutdown, in order: stop consuming and finish the message in flight, then
   * flush what is committed to the outbox, before the database pool closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.server.close();
    await this.stop();
  }

  async stop(): Promise<void> {
    if (!this.running) {
      await this.producer?.disconnect();
      this.producer = undefined;
      return;
    }
    this.running = false;
    this.wake?.();
    await this.loop;
    clearInterval(this.metricsTimer);
    clearInterval(this.cleanupTimer);
    try {
      await this.drainOnce();
    } catch (err) {
      this.logger.warn(`final outbox flush failed: ${(err as Error).message}`);
    }
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  /** Sends one batch; returns how many rows were sent. Public for tests. */
  async drainOnce(hooks: DrainHooks = {}): Promise<number> {
    if (!this.producer) throw new Error('relay not started');
    const producer = this.producer;
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [
        `datarights.outbox.${this.opts.schema}`,
      ]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await m.query(
        `SELECT id, topic, key, envelope, headers FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1`,
        [this.opts.relayBatchSize],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutboxRow[]>();
      for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic: physicalTopic(this.settings, topic),
          messages: list.map((r) => ({
            key: r.key,
            value: JSON.stringify(r.envelope),
            headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ...r.headers },
          })),
        })),
      });
      await hooks.afterSend?.(rows.map((r) => r.id));
      await m.query(`UPDATE outbox SET sent_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      for (const [topic, list] of byTopic) messagingMetrics.outboxSent.inc({ topic }, list.length);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.drainOnce();
        failures = 0;
      } catch (err) {
        failures++;
        this.logger.error(`outbox relay batch failed (attempt ${failures}): ${(err as Error).message}`);
      }
      if (!this.running) break;
      if (sent >= this.opts.relayBatchSize) continue;
      const delay = failures > 0 ? Math.min(30_000, 250 * 2 ** failures) : this.opts.relayPollMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** LISTEN on a dedicated connection: a commit that wrote the outbox wakes the relay at once. */
  private async listen(): Promise<void> {
    // A connection of its own, outside the pool, so that closing the pool never waits for it.
    const o = this.dataSource.options as PostgresConnectionOptions;
    const client = new Client({
      connectionString: o.url,
      ssl: o.ssl as never,
      application_name: `${this.opts.service}-outbox-listener`,
    });
    client.on('notification', (msg) => {
      if (msg.channel === OUTBOX_CHANNEL && msg.payload === this.opts.schema) this.wake?.();
    });
    // Losing the listener only slows the relay down to its polling interval.
    client.on('error', (err) => this.logger.warn(`outbox listener lost: ${err.message}`));
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listener = client;
  }

  private async updateMetrics(): Promise<void> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float AS lag FROM outbox WHERE sent_at IS NULL`,
    );
    messagingMetrics.outboxPending.set(row.pending);
    messagingMetrics.outboxLag.set(row.lag);
  }

  /** Sent rows are kept a week for investigation, then deleted. */
  private async cleanup(): Promise<void> {
    await this.dataSource.query(`DELETE FROM outbox WHERE sent_at < now() - interval '7 days'`);
  }
}

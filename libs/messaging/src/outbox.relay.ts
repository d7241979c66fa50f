/**
 * Sends the outbox to Kafka with an idempotent producer, in insertion order, then marks
 * rows sent. If the process dies after sending and before marking, the rows are sent
 * again on restart: consumers skip them by event id (inbox), so the effect happens once.
 * One relay per service sends at a time (a transaction-scoped advisory lock), so that
 * two replicas never reorder one key's events.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { physicalTopic, type KafkaSettings } from './kafka.config';
import { DataSource } from 'typeorm';
import { CLOUDEVENTS_CONTENT_TYPE } from '@datarights/contracts';
import { OUTBOX_CHANNEL } from './event.publisher';
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
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly opts: Required<MessagingOptions>;
  private producer?: Producer;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private listener?: { release: () => void; client: { query: (q: string) => Promise<unknown>; removeAllListeners: (e: string) => void } };
  private metricsTimer?: NodeJS.Timeout;
  private cleanupTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
  ) {
    this.opts = resolvedOptions(options);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (process.env.OUTBOX_RELAY === 'off') return;
    await this.start();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    await this.listen();
    this.running = true;
    this.loop = this.run();
    this.metricsTimer = setInterval(() => void this.updateMetrics().catch(() => undefined), 5000);
    this.metricsTimer.unref();
    this.cleanupTimer = setInterval(() => void this.cleanup().catch(() => undefined), 3600_000);
    this.cleanupTimer.unref();
  }

  /** Stops after flushing what is already committed (graceful shutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
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
    if (this.listener) {
      this.listener.client.removeAllListeners('notification');
      await this.listener.client.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
    await this.producer?.disconnect();
  }

  /** Sends one batch; returns how many rows were sent. Public for tests. */
  async drainOnce(hooks: DrainHooks = {}): Promise<number> {
    if (!this.producer) throw new Error('relay not started');
    const producer = this.producer;
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`datarights.outbox.${this.opts.schema}`]);
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
    const driver = this.dataSource.driver as unknown as { obtainMasterConnection(): Promise<[OutboxListenerClient, () => void]> };
    const [client, release] = await driver.obtainMasterConnection();
    client.on('notification', (msg: { channel: string; payload?: string }) => {
      if (msg.channel === OUTBOX_CHANNEL && msg.payload === this.opts.schema) this.wake?.();
    });
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.listener = { client, release };
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

interface OutboxListenerClient {
  on(event: 'notification', cb: (msg: { channel: string; payload?: string }) => void): void;
  query(q: string): Promise<unknown>;
  removeAllListeners(e: string): void;
}

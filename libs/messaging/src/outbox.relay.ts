/**
 * Sends the outbox to Kafka with an idempotent producer, in insertion order, then marks
 * rows sent. If the process dies after sending and before marking, the rows are sent
 * again on restart: consumers skip them by event id (inbox), so the effect happens once.
 * One relay per service sends at a time (a transaction-scoped advisory lock), so that
 * two replicas never reorder one key's events.
 *
 * A row Kafka refuses (its topic missing, an ACL, too large) must not stop every event of
 * the service (issue 15): the batch is then sent one row at a time, the refused row waits
 * for its retry (capped exponential backoff) with its key's later rows held behind it, the
 * rest goes on; after `relayMaxAttempts`, or at once when kafkajs says retrying cannot help,
 * the row is parked (outbox-retry.ts has the policy). Rows the failed batch did put on
 * Kafka are sent again: duplicates, which the inbox skips.
 * File over ~250 lines: the loop, the listener and the metrics share the producer and lock.
 * Long on purpose: the relay's claim, send, mark and retry steps and its LISTEN wake-up
 * share one loop; "nothing lost, nothing twice" is checked by reading them together.
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
import { DataSource, type EntityManager } from 'typeorm';
import { CLOUDEVENTS_CONTENT_TYPE } from '@datarights/contracts';
import { OUTBOX_CHANNEL } from './event.publisher';
import { MessagingServer } from './messaging.server';
import { messagingMetrics } from './messaging.metrics';
import {
  classifySendError,
  retryDelayMs,
  sendOneByOne,
  shouldPark,
  type RetryPolicy,
  type SendFailure,
} from './outbox-retry';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, resolvedOptions, type MessagingOptions } from './messaging.options';

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  envelope: Record<string, unknown>;
  headers: Record<string, string>;
  attempts: number;
}

export interface DrainHooks {
  /** Called after the batch is on Kafka and before it is marked sent (tests kill the relay here). */
  afterSend?: (ids: string[]) => Promise<void>;
}

/**
 * What a sent row keeps of its envelope for the week it stays (investigation): everything
 * but the payload, of which only the ids that find it (request, system, command). The
 * payload is on its topic; a second copy in the database would keep the subject's keys in
 * clear after the request is done (Art. 5(1)(c), (e); issue 13). Unsent and parked rows
 * keep theirs: they are still to be sent.
 */
const SENT_ENVELOPE = `jsonb_set(envelope, '{data}', jsonb_strip_nulls(jsonb_build_object(
    'requestId', envelope->'data'->'requestId',
    'systemId', envelope->'data'->'systemId',
    'commandId', envelope->'data'->'commandId')))`;

@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly opts: Required<MessagingOptions>;
  private readonly retry: RetryPolicy;
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
    this.retry = {
      maxAttempts: this.opts.relayMaxAttempts,
      baseMs: this.opts.relayRetryBaseMs,
      maxMs: this.opts.relayRetryMaxMs,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.outboxRelay) return;
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

  /**
   * Sends one batch; returns how many rows were sent. Throws when the broker (not a row)
   * failed, after marking what was sent. Public for tests.
   */
  async drainOnce(hooks: DrainHooks = {}): Promise<number> {
    if (!this.producer) throw new Error('relay not started');
    const producer = this.producer;
    const round = await this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [
        `datarights.outbox.${this.opts.schema}`,
      ]);
      if (!locked) return { sent: 0, parked: 0 };
      // Due rows, in order, except those of a key whose earlier row waits for its retry: a
      // key's events never overtake one another. Parked rows no longer hold their key back:
      // a parked event would never arrive anyway, and the key's later events would otherwise
      // wait for a person; the SRE replays it (deploy/README.md#outboxrowparked).
      const rows: OutboxRow[] = await m.query(
        `SELECT o.id, o.topic, o.key, o.envelope, o.headers, o.attempts FROM outbox o
          WHERE o.sent_at IS NULL AND o.parked_at IS NULL
            AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= now())
            AND NOT EXISTS (
              SELECT 1 FROM outbox w
               WHERE w.key = o.key AND w.seq < o.seq AND w.sent_at IS NULL AND w.parked_at IS NULL
                 AND w.next_attempt_at > now())
          ORDER BY o.seq LIMIT $1`,
        [this.opts.relayBatchSize],
      );
      if (rows.length === 0) return { sent: 0, parked: 0 };
      const outcome = await this.send(producer, rows);
      let parked = 0;
      for (const f of outcome.failed) if (await this.recordFailure(m, f.row, f.failure)) parked++;
      if (outcome.sent.length > 0) {
        await hooks.afterSend?.(outcome.sent.map((r) => r.id));
        await m.query(`UPDATE outbox SET sent_at = now(), envelope = ${SENT_ENVELOPE} WHERE id = ANY($1::uuid[])`, [
          outcome.sent.map((r) => r.id),
        ]);
        for (const r of outcome.sent) messagingMetrics.outboxSent.inc({ topic: r.topic });
      }
      return { sent: outcome.sent.length, parked, stopped: outcome.stopped };
    });
    // The alert reads the gauge: a parked row shows at once, not at the next refresh.
    if (round.parked > 0) await this.updateMetrics().catch(() => undefined);
    if (round.stopped) throw round.stopped;
    return round.sent;
  }

  /**
   * One request for the batch; when Kafka refuses a row of it, the rows one at a time. A
   * batch holding a row already refused once goes one at a time from the start: its
   * refusal is likely again, and a failed batch costs a round trip (and kafkajs's retries,
   * for a retriable error) before the other rows go.
   */
  private async send(producer: Producer, rows: OutboxRow[]) {
    if (rows.length > 1 && rows.every((r) => r.attempts === 0)) {
      try {
        await producer.sendBatch(this.request(rows));
        return { sent: rows, failed: [], held: [] };
      } catch (err) {
        const failure = classifySendError(err);
        // The broker's fault: every row would fail alike; the relay backs off as a whole.
        if (!failure.rowLevel) throw err;
        this.logger.warn(`outbox batch refused (${failure.reason}): sending its ${rows.length} rows one at a time`);
      }
    }
    return sendOneByOne(rows, async (row) => {
      await producer.sendBatch(this.request([row]));
    });
  }

  private request(rows: OutboxRow[]) {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    return {
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: physicalTopic(this.settings, topic),
        messages: list.map((r) => ({
          key: r.key,
          value: JSON.stringify(r.envelope),
          headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, ...r.headers },
        })),
      })),
    };
  }

  /** Counts a refusal: the row waits for its next try, or is parked. Returns whether it was parked. */
  private async recordFailure(m: EntityManager, row: OutboxRow, failure: SendFailure): Promise<boolean> {
    const attempts = row.attempts + 1;
    const error = `${failure.reason}: ${failure.message}`.slice(0, 2000);
    messagingMetrics.outboxSendFailures.inc({ topic: row.topic, reason: failure.reason });
    // The event id and topic only: the envelope may hold personal data (conventions: never in logs).
    if (shouldPark(attempts, failure, this.retry)) {
      const reason = failure.retriable
        ? `refused ${attempts} times, last: ${error}`
        : `refused, and retrying cannot help: ${error}`;
      await m.query(
        `UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = NULL, parked_at = now(), park_reason = $4 WHERE id = $1`,
        [row.id, attempts, error, reason],
      );
      this.logger.error(`outbox event ${row.id} on ${row.topic} parked: ${reason}`);
      return true;
    }
    const delay = retryDelayMs(attempts, this.retry);
    await m.query(
      `UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond' WHERE id = $1`,
      [row.id, attempts, error, delay],
    );
    this.logger.warn(
      `outbox event ${row.id} on ${row.topic} refused (attempt ${attempts}), next try in ${delay} ms: ${error}`,
    );
    return false;
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

  /** Parked rows have their own gauge (and alert): they would otherwise hold the lag alert up for ever. */
  async updateMetrics(): Promise<void> {
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE parked_at IS NULL)::int AS pending,
              count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked,
              COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL)), 0)::float AS lag
         FROM outbox WHERE sent_at IS NULL`,
    );
    messagingMetrics.outboxPending.set(row.pending);
    messagingMetrics.outboxParked.set(row.parked);
    messagingMetrics.outboxLag.set(row.lag);
  }

  /** Sent rows (their payload already dropped: SENT_ENVELOPE) are kept a week for investigation, then deleted. */
  private async cleanup(): Promise<void> {
    await this.dataSource.query(`DELETE FROM outbox WHERE sent_at < now() - interval '7 days'`);
  }
}

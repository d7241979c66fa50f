/**
 * The Kafka transport for Nest (`@nestjs/microservices` custom strategy over kafkajs).
 * Handlers are ordinary `@EventPattern` methods (see handler.decorators.ts); this server
 * adds what Nest's own Kafka server lacks: validation against the contracts, an inbox
 * written in the handler's transaction (a redelivered event is skipped), bounded retries
 * with backoff, and dead-lettering, so that a poison message never blocks its partition.
 * A batch handler gets one transaction per Kafka batch: the fast path for data events.
 * A handler waiting for an event of another topic (`AwaitingEvent`) has its message set
 * aside in PostgreSQL and called again once the group has read that topic far enough
 * (set-aside.ts: the waiting is there, the handling here).
 * Long on purpose: the read loop, its run/batch/one-by-one
 * paths and their retry, transient-wait and dead-letter branches share one set of offsets
 * and heartbeats, and are easier to check for "nothing lost, nothing twice" side by side.
 * Each message is handled inside the trace context its headers carry and inside a message
 * scope that puts its correlation id in the logs (tracing.ts).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource, type EntityManager } from 'typeorm';
import {
  commandTopic,
  dlqTopic,
  eventByType,
  futureDated,
  isCommandTopic,
  isTopicNamed,
  parseEnvelope,
  refusalOf,
  SYSTEM_ID_PLACEHOLDER,
  topicPattern,
  validatePayload,
  type EventEnvelope,
} from '@datarights/contracts';
import { sendToDeadLetter, type DeadLetterKind } from './dead-letter.producer';
import { EventPublisher } from './event.publisher';
import type { HandlerExtras } from './handler.decorators';
import { awaitingOf, isPermanent, isTransient } from './handler.errors';
import { ConsumerProgress } from './consumer-progress';
import { BatchContext, MessageContext, type BatchItem, type MessageMeta } from './message.context';
import { messagingMetrics } from './messaging.metrics';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, resolvedOptions, type MessagingOptions } from './messaging.options';
import { allTopicsWith, ensureTopics } from './topics.admin';
import { logicalTopic, physicalTopic, type KafkaSettings } from './kafka.config';
import { withConsumedMessage } from './tracing';
import { errorMessage, isReplay } from './message.util';
import { SetAsideMessages, type Decoded, type Handling } from './set-aside';
import { ConsumerLagMonitor } from './consumer-lag.monitor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A transient failure (database or broker away) is retried at least this often. */
const TRANSIENT_BACKOFF_CAP_MS = 10_000;
/** The longest a run of events shares one transaction (handleRun). */
const TRANSACTION_RUN_MS = 250;
/** Well within the group's 30 s session timeout. */
const HEARTBEAT_EVERY_MS = 3_000;

/** What a handler loop needs of the batch it runs in: keep the partition, and know when it is gone. */
interface Liveness {
  heartbeat: () => Promise<void>;
  live: () => boolean;
}

/** The command topics as a family name (`pdata.commands.{systemId}.v1`). */
const commandTopicFamily = commandTopic('x').replace('.x.', `.${SYSTEM_ID_PLACEHOLDER}.`);

@Injectable()
export class MessagingServer extends Server implements CustomTransportStrategy, Handling {
  protected override readonly logger = new Logger(MessagingServer.name);
  private readonly opts: Required<MessagingOptions>;
  private consumer?: Consumer;
  /** The physical topics the consumer reads. */
  private reading = new Set<string>();
  private watcher?: NodeJS.Timeout;
  private restarting?: Promise<void>;
  private closing = false;
  private producer?: Producer;
  private lag?: ConsumerLagMonitor;
  private crashed?: Error;
  private readonly setAside: SetAsideMessages;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
    private readonly progress: ConsumerProgress,
  ) {
    super();
    this.opts = resolvedOptions(options);
    this.setAside = new SetAsideMessages(
      dataSource,
      progress,
      publisher,
      {
        ...this.opts,
        // `awaitFirstLookMs` as given, else MESSAGING_AWAIT_FIRST_LOOK_MS (50 ms).
        firstLookMs: this.opts.awaitFirstLookMs || settings.awaitFirstLookMs,
      },
      this,
    );
  }

  get healthy(): boolean {
    return !this.crashed;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, this.settings, allTopicsWith());
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    const { literal, families } = this.wantedTopics();
    if (literal.length === 0 && families.length === 0) return;
    await this.runConsumer(await this.topicsToRead());
    this.lag = new ConsumerLagMonitor(
      this.kafka,
      this.opts.groupId,
      async () => [...this.reading],
      (t) => logicalTopic(this.settings, t),
    );
    this.lag.start();
    if (families.length > 0) this.watchTopics();
    this.setAside.start();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watcher);
    await this.restarting;
    await this.setAside.close();
    await this.lag?.stop();
    this.lag = undefined;
    // Disconnecting waits for the batch in flight: graceful shutdown finishes current work.
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  /** One look at the messages set aside that are due (set-aside.ts); public for tests. */
  lookAgainAtAwaiting(): Promise<number> {
    return this.setAside.lookAgainAtAwaiting();
  }

  on(): never {
    throw new Error('MessagingServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** Starts a consumer reading these physical topics (none yet: the watcher starts one when a topic appears). */
  private async runConsumer(topics: string[]): Promise<void> {
    this.reading = new Set(topics);
    if (topics.length === 0) return;
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.crashed = e.payload.restart ? undefined : (e.payload.error as Error);
      this.logger.error(`consumer crashed (restart: ${e.payload.restart}): ${(e.payload.error as Error).message}`);
    });
    await consumer.connect();
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.consumerConcurrency,
      eachBatch: (p) => this.onBatch(p),
    });
    this.consumer = consumer;
    // Ready once the group is joined (or after a minute, when kafkajs goes on retrying by itself).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([joined, new Promise<void>((r) => (timer = setTimeout(r, 60_000)))]);
    clearTimeout(timer);
  }

  /**
   * A system's topics are created when the system arrives, long after start-up: look for
   * new ones on a timer and, when one appears, restart the consumer on the larger set (the
   * group's committed offsets carry over; a new topic is read from its beginning). Its
   * dead-letter topic is made sure of first, so that a refused message always has a place.
   */
  private watchTopics(): void {
    const everyMs = this.settings.topicWatchMs;
    this.watcher = setInterval(() => {
      if (this.restarting || this.closing) return;
      this.restarting = this.readNewTopics()
        .catch((err: Error) => this.logger.warn(`new topics not picked up yet: ${err.message}`))
        .finally(() => (this.restarting = undefined));
    }, everyMs);
    this.watcher.unref();
  }

  private async readNewTopics(): Promise<void> {
    const now = await this.topicsToRead();
    const added = now.filter((t) => !this.reading.has(t));
    if (added.length === 0 || this.closing) return;
    await ensureTopics(
      this.kafka,
      this.settings,
      added.map((t) => dlqTopic(logicalTopic(this.settings, t))),
    ).catch((err: Error) => this.logger.warn(`dead-letter topics of new topics not created: ${err.message}`));
    this.logger.log(`reading ${added.length} new topic(s): ${added.join(', ')}`);
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect();
    if (this.closing) return;
    await this.runConsumer(now);
  }

  /**
   * What the handlers read: a fixed topic by name, and a family of per-system topics
   * (`{systemId}` in the name, the command topics) by pattern.
   */
  private wantedTopics(): { literal: string[]; families: RegExp[] } {
    const names = new Set<string>();
    let commands = false;
    for (const [pattern, handler] of this.messageHandlers) {
      const extras = (handler.extras ?? {}) as HandlerExtras;
      commands ||= !!extras.commandTopics;
      if (extras.topics) extras.topics.forEach((t) => names.add(t));
      else {
        const def = eventByType(pattern);
        if (!def || def.topic === 'command') throw new Error(`no topic for handler pattern ${pattern}`);
        names.add(def.topic.name);
      }
    }
    const prefix = this.settings.topicPrefix.replace(/[.]/g, '\\.');
    const family = (logical: string) => new RegExp(`^${prefix}${logical.slice(1)}`);
    const literal = [...names].filter((n) => !n.includes(SYSTEM_ID_PLACEHOLDER));
    const families = [...names].filter((n) => n.includes(SYSTEM_ID_PLACEHOLDER)).map((n) => family(topicPattern(n)));
    if (commands) families.push(family(topicPattern(commandTopicFamily)));
    return { literal: literal.map((t) => physicalTopic(this.settings, t)), families };
  }

  /** The physical topics to read now: the fixed ones and every existing topic of the families. */
  private async topicsToRead(): Promise<string[]> {
    const { literal, families } = this.wantedTopics();
    if (families.length === 0) return literal;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      return [...literal, ...existing.filter((t) => families.some((f) => f.test(t))).sort()];
    } finally {
      await admin.disconnect();
    }
  }

  /** The handler for a topic's batch path, or for any event of a topic (catch-all). */
  private topicHandler(topic: string, kind: 'batch' | 'all'): MessageHandler | undefined {
    for (const h of this.messageHandlers.values()) {
      const x = (h.extras ?? {}) as HandlerExtras;
      if (x.kind !== kind) continue;
      if (x.topics?.some((t) => isTopicNamed(t, topic)) || (x.commandTopics && isCommandTopic(topic))) return h;
    }
    return undefined;
  }

  decode(topic: string, partition: number, message: KafkaMessage, receivedAt: Date): Decoded {
    const parsed = parseEnvelope(message.value);
    if (!parsed.ok) return { ok: false, kind: 'invalid-envelope', reason: parsed.reason };
    const envelope = parsed.envelope;
    const def = eventByType(envelope.type);
    const handler =
      this.messageHandlers.get(envelope.type) ?? this.topicHandler(topic, 'batch') ?? this.topicHandler(topic, 'all');
    if (!def)
      return handler
        ? { ok: false, kind: 'unknown-type', reason: `unknown event type ${envelope.type}` }
        : { ok: 'skip' };
    if (!handler) return { ok: 'skip' };
    // Trust the declared type only on its own topic and from one of its producers (registry).
    const refused =
      refusalOf(def, topic, envelope.source, envelope.data) ?? futureDated(def, envelope.time, new Date());
    if (refused) return { ok: false, kind: refused.kind, reason: refused.reason };
    const checked = validatePayload(def.payload, envelope.data);
    if (!checked.ok) return { ok: false, kind: 'invalid-payload', reason: checked.reason };
    const meta: MessageMeta = {
      envelope,
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      receivedAt,
    };
    return { ok: true, envelope, data: checked.value, handler, meta };
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    const receivedAt = new Date();
    const topic = logicalTopic(this.settings, batch.topic);
    const batchHandler = this.topicHandler(topic, 'batch');
    let last: KafkaMessage | undefined;
    // A transient failure is retried until the consumer stops or loses the partition; then
    // the message is left unresolved, for this or the next owner to read again.
    const live: Liveness = { heartbeat, live: () => isRunning() && !isStale() };
    if (batchHandler) {
      if (await this.handleAsBatch(topic, partition, batch.messages, batchHandler, live, receivedAt)) {
        last = batch.messages[batch.messages.length - 1];
        if (last) resolveOffset(last.offset);
      }
    } else {
      const messages = batch.messages;
      for (let i = 0; i < messages.length && live.live();) {
        // A run of messages in one transaction; the one it stopped at goes alone.
        const run = await this.handleRun(
          topic,
          partition,
          messages.slice(i, i + this.settings.eventsPerTransaction),
          receivedAt,
        );
        if (run.taken > 0) {
          i += run.taken;
          last = messages[i - 1];
          resolveOffset(last.offset);
        }
        if (run.alone && i < messages.length) {
          if (!(await this.handleOne(topic, partition, messages[i], live, receivedAt, run.failed ? 1 : 0))) break;
          last = messages[i++];
          resolveOffset(last.offset);
        }
        await heartbeat();
      }
    }
    await commitOffsetsIfNecessary();
    // At once after a batch; the lag monitor also refreshes it from the broker on a timer.
    if (last)
      messagingMetrics.consumerLag.set(
        { topic, partition: String(partition), group: this.opts.groupId },
        Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
      );
  }

  /**
   * Handles the leading messages of `messages` in one transaction, each in a savepoint of
   * its own with its inbox row, and returns how many it committed (issue 19: a commit per
   * event made every consumer pay a WAL flush and two round trips per event). It stops at
   * the first message that needs more than a plain run (refused, or its handler threw: the
   * savepoint is rolled back and the message is left, `alone`, to `handleOne`'s retries and
   * dead letter, its failure counted as one attempt) and after TRANSACTION_RUN_MS, so that
   * locks are not held long and the first events' effects are not kept waiting. Nothing is
   * committed if the commit fails: none taken, the first alone.
   */
  private async handleRun(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    receivedAt: Date,
  ): Promise<{ taken: number; alone: boolean; failed: boolean }> {
    if (messages.length < 2) return { taken: 0, alone: true, failed: false };
    const started = Date.now();
    let taken = 0;
    let alone = false;
    let failed = false;
    const handled: string[] = [];
    try {
      await this.dataSource.transaction(async (manager) => {
        for (const message of messages) {
          if (taken > 0 && Date.now() - started > TRANSACTION_RUN_MS) break;
          const decoded = this.decode(topic, partition, message, receivedAt);
          if (decoded.ok === false) {
            alone = true;
            break;
          }
          if (decoded.ok === true) {
            const { envelope, data, handler, meta } = decoded;
            const scope = messageScope(topic, partition, message, envelope);
            await manager.query('SAVEPOINT datarights_event');
            try {
              await withConsumedMessage(message.headers, scope, async () => {
                if (
                  !(await this.markInbox(manager, [envelope], topic, 'handled', isReplay(message), receivedAt)).length
                )
                  messagingMetrics.inboxDuplicates.inc({ topic });
                else await this.invoke(handler, data, new MessageContext([meta, manager, this.publisher]));
              });
            } catch (err) {
              await manager.query('ROLLBACK TO SAVEPOINT datarights_event');
              alone = true;
              // An attempt of its budget; a transient failure, a refusal or a wait costs none.
              failed = !isTransient(err) && !isPermanent(err) && !awaitingOf(err);
              break;
            }
            await manager.query('RELEASE SAVEPOINT datarights_event');
            handled.push(envelope.type);
          }
          taken++;
        }
      });
    } catch (err) {
      this.logger.warn(`run of ${taken} on ${topic} not committed, handling one at a time: ${errorMessage(err)}`);
      return { taken: 0, alone: true, failed: false };
    }
    for (const type of handled) messagingMetrics.handled.inc({ topic, type });
    return { taken, alone, failed };
  }

  /** Handles one message; false when a transient failure was still going on as the consumer stopped (not handled). */
  private async handleOne(
    topic: string,
    partition: number,
    message: KafkaMessage,
    live: Liveness,
    receivedAt: Date,
    failedBefore = 0,
  ): Promise<boolean> {
    const decoded = this.decode(topic, partition, message, receivedAt);
    if (decoded.ok === 'skip') return true;
    const scope = messageScope(topic, partition, message, decoded.ok === true ? decoded.envelope : undefined);
    return withConsumedMessage(message.headers, scope, () =>
      this.handleDecoded(topic, partition, message, decoded, live, failedBefore),
    );
  }

  private async handleDecoded(
    topic: string,
    partition: number,
    message: KafkaMessage,
    decoded: Exclude<Decoded, { ok: 'skip' }>,
    live: Liveness,
    failedBefore: number,
  ): Promise<boolean> {
    if (decoded.ok === false) {
      await this.deadLetter(topic, partition, message, decoded.kind, decoded.reason);
      return true;
    }
    const { envelope, data, handler, meta } = decoded;
    let lastError: unknown;
    let failed = failedBefore;
    let waited = 0;
    if (failed > 0) await sleep(this.opts.retryBackoffMs);
    while (failed < this.opts.maxAttempts) {
      try {
        await this.dataSource.transaction(async (manager) => {
          if (
            !(await this.markInbox(manager, [envelope], topic, 'handled', isReplay(message), meta.receivedAt)).length
          ) {
            messagingMetrics.inboxDuplicates.inc({ topic });
            return;
          }
          await this.invoke(handler, data, new MessageContext([meta, manager, this.publisher]));
        });
        messagingMetrics.handled.inc({ topic, type: envelope.type });
        return true;
      } catch (caught) {
        let err = caught;
        const awaited = awaitingOf(err);
        if (awaited) {
          try {
            await this.setAside.setAside(topic, partition, message, envelope, awaited, errorMessage(err));
            return true;
          } catch (e) {
            err = e; // could not record the wait: the database is away, most likely
          }
        }
        lastError = err;
        if (isPermanent(err)) {
          await this.deadLetter(topic, partition, message, 'handler-rejected', errorMessage(err), envelope);
          return true;
        }
        if (isTransient(err)) {
          // Not the message's fault: wait for the database or broker, without a budget.
          if (!(await this.waitTransient(topic, err, waited++, live))) return false;
          continue;
        }
        failed++;
        if (failed < this.opts.maxAttempts) {
          messagingMetrics.retries.inc({ topic });
          await sleep(this.opts.retryBackoffMs * 2 ** (failed - 1));
          await live.heartbeat();
        }
      }
    }
    const reason = `failed after ${this.opts.maxAttempts} attempts: ${errorMessage(lastError)}`;
    this.logger.error(`${envelope.type} ${envelope.id} dead-lettered: ${reason}`);
    await this.deadLetter(topic, partition, message, 'handler-failed', reason, envelope);
    return true;
  }

  /**
   * Waits before retrying a transient failure: capped exponential backoff with jitter,
   * heartbeating so the group keeps the partition (the partition waits; nothing spins).
   * False when the consumer stopped or lost the partition meanwhile.
   */
  private async waitTransient(topic: string, err: unknown, n: number, live: Liveness): Promise<boolean> {
    messagingMetrics.transientFailures.inc({ topic });
    const delay = Math.min(TRANSIENT_BACKOFF_CAP_MS, this.opts.retryBackoffMs * 2 ** Math.min(n, 16));
    if (n === 0 || delay === TRANSIENT_BACKOFF_CAP_MS)
      this.logger.warn(`transient failure on ${topic}, retrying until it passes: ${errorMessage(err)}`);
    // Heartbeat well within the session timeout while waiting.
    for (let left = delay * (0.5 + Math.random() / 2); left > 0; left -= HEARTBEAT_EVERY_MS) {
      await sleep(Math.min(left, HEARTBEAT_EVERY_MS));
      if (!live.live()) return false;
      await live.heartbeat().catch(() => undefined);
    }
    return live.live();
  }

  /** One transaction for the batch; if it keeps failing, fall back to one message at a time so only the poison one is dead-lettered. */
  private async handleAsBatch(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    handler: MessageHandler,
    live: Liveness,
    receivedAt: Date,
  ): Promise<boolean> {
    const items: BatchItem[] = [];
    const seen = new Set<string>();
    let replay = false;
    for (const message of messages) {
      const d = this.decode(topic, partition, message, receivedAt);
      if (d.ok === 'skip') continue;
      if (d.ok === false) {
        await this.deadLetter(topic, partition, message, d.kind, d.reason);
        continue;
      }
      if (seen.has(d.envelope.id)) continue;
      seen.add(d.envelope.id);
      items.push({ envelope: d.envelope, data: d.data, meta: d.meta });
      replay ||= isReplay(message);
    }
    if (items.length === 0) return true;
    let failed = 0;
    let waited = 0;
    while (failed < this.opts.maxAttempts) {
      try {
        await this.runBatch(topic, items, handler, replay);
        return true;
      } catch (err) {
        if (isTransient(err)) {
          if (!(await this.waitTransient(topic, err, waited++, live))) return false;
          continue;
        }
        failed++;
        this.logger.warn(`batch of ${items.length} on ${topic} failed (attempt ${failed}): ${errorMessage(err)}`);
        messagingMetrics.retries.inc({ topic });
        if (failed < this.opts.maxAttempts) {
          await sleep(this.opts.retryBackoffMs * 2 ** (failed - 1));
          await live.heartbeat();
        }
      }
    }
    for (const item of items) {
      for (let waited = 0; ;) {
        try {
          await this.runBatch(topic, [item], handler, replay);
        } catch (err) {
          if (isTransient(err)) {
            if (!(await this.waitTransient(topic, err, waited++, live))) return false;
            continue;
          }
          const message = messages.find((m) => m.offset === item.meta.offset)!;
          await this.deadLetter(
            topic,
            partition,
            message,
            'handler-failed',
            `batch item failed: ${errorMessage(err)}`,
            item.envelope,
          );
        }
        break;
      }
      await live.heartbeat();
    }
    return true;
  }

  private async runBatch(topic: string, items: BatchItem[], handler: MessageHandler, replay: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const fresh = new Set(
        await this.markInbox(
          manager,
          items.map((i) => i.envelope),
          topic,
          'handled',
          replay,
          items[0]?.meta.receivedAt,
        ),
      );
      const todo = items.filter((i) => fresh.has(i.envelope.id));
      if (todo.length < items.length) messagingMetrics.inboxDuplicates.inc({ topic }, items.length - todo.length);
      if (todo.length > 0) await this.invoke(handler, todo, new BatchContext([manager, this.publisher]));
    });
    messagingMetrics.handled.inc({ topic, type: 'batch' }, items.length);
  }

  /**
   * Inserts inbox rows; returns the ids that were new (the others were handled before).
   * `retake`: a dead letter replayed after a fix (tools/dlq) takes over its 'dead-lettered'
   * row, so it is handled this time; a handled event stays skipped, replayed or not.
   * `received_at` (the batch's arrival) and `handled_at` (this statement, the handler's
   * start: clock time, not the transaction's) time the hop (bench/erasure/hops.ts).
   */
  async markInbox(
    manager: EntityManager,
    envelopes: EventEnvelope[],
    topic: string,
    status = 'handled',
    retake = false,
    receivedAt?: Date,
  ): Promise<string[]> {
    const onConflict = retake
      ? `DO UPDATE SET status = EXCLUDED.status, handled_at = clock_timestamp() WHERE inbox.status = 'dead-lettered'`
      : 'DO NOTHING';
    const rows: { event_id: string }[] = await manager.query(
      `INSERT INTO inbox (consumer, event_id, topic, type, status, received_at, handled_at)
       SELECT $1, e.id, $2, e.type, $3, $6, clock_timestamp() FROM unnest($4::text[], $5::text[]) AS e(id, type)
       ON CONFLICT (consumer, event_id) ${onConflict} RETURNING event_id`,
      [this.opts.groupId, topic, status, envelopes.map((e) => e.id), envelopes.map((e) => e.type), receivedAt ?? null],
    );
    return rows.map((r) => r.event_id);
  }

  async invoke(handler: MessageHandler, data: unknown, ctx: MessageContext | BatchContext): Promise<void> {
    await lastValueFrom(this.transformToObservable(await handler(data, ctx)), { defaultValue: undefined });
  }

  async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    kind: DeadLetterKind,
    reason: string,
    envelope?: EventEnvelope,
    manager?: EntityManager,
  ): Promise<void> {
    this.logger.warn(`dead-lettering ${topic}[${partition}]@${message.offset}: ${kind}`);
    if (isRejection(kind)) messagingMetrics.rejected.inc({ topic, reason: kind });
    await sendToDeadLetter(
      this.producer!,
      this.opts.groupId,
      physicalTopic(this.settings, topic),
      partition,
      message,
      kind,
      reason,
    );
    if (envelope) {
      // Remember it, so that a redelivery after a crash does not dead-letter it twice.
      if (manager) await this.markInbox(manager, [envelope], topic, 'dead-lettered');
      else await this.dataSource.transaction((m) => this.markInbox(m, [envelope], topic, 'dead-lettered'));
    }
  }
}

/** What the logs and traces of a message's handling carry (tracing.ts). */
function messageScope(topic: string, partition: number, message: KafkaMessage, envelope?: EventEnvelope) {
  return {
    topic,
    partition,
    offset: message.offset,
    eventId: envelope?.id,
    eventType: envelope?.type,
    correlationId: envelope?.correlationid,
  };
}

/** Refused for what it is or who sent it, not failed by a handler: what the rejection metric counts. */
function isRejection(kind: DeadLetterKind): boolean {
  return kind !== 'handler-failed';
}

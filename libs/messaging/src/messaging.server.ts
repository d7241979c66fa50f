/**
 * The Kafka transport for Nest (`@nestjs/microservices` custom strategy over kafkajs).
 * Handlers are ordinary `@EventPattern` methods (see handler.decorators.ts); this server
 * adds what Nest's own Kafka server lacks: validation against the contracts, an inbox
 * written in the handler's transaction (a redelivered event is skipped), bounded retries
 * with backoff, and dead-lettering, so that a poison message never blocks its partition.
 * A batch handler gets one transaction per Kafka batch: the fast path for data events.
 * A handler waiting for an event of another topic (`AwaitingEvent`) has its message set
 * aside in PostgreSQL and called again once the group has read that topic far enough.
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
import { DLQ_HEADERS, sendToDeadLetter, type DeadLetterKind } from './dead-letter.producer';
import { EventPublisher } from './event.publisher';
import type { HandlerExtras } from './handler.decorators';
import { awaitingOf, isPermanent, isTransient, type AwaitedEvents } from './handler.errors';
import { AwaitingStore, type AwaitingRow } from './awaiting.store';
import { ConsumerProgress, type OffsetTargets } from './consumer-progress';
import { BatchContext, MessageContext, type BatchItem, type MessageMeta } from './message.context';
import { messagingMetrics } from './messaging.metrics';
import { KAFKA, KAFKA_SETTINGS, MESSAGING_OPTIONS, resolvedOptions, type MessagingOptions } from './messaging.options';
import { allTopicsWith, ensureTopics } from './topics.admin';
import { logicalTopic, physicalTopic, type KafkaSettings } from './kafka.config';
import { withConsumedMessage } from './tracing';
import { ConsumerLagMonitor } from './consumer-lag.monitor';

type Decoded =
  | { ok: true; envelope: EventEnvelope; data: object; handler: MessageHandler; meta: MessageMeta }
  | { ok: false; kind: DeadLetterKind; reason: string }
  | { ok: 'skip' };

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
export class MessagingServer extends Server implements CustomTransportStrategy {
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
  private readonly awaiting = new AwaitingStore();
  private awaitingTimer?: NodeJS.Timeout;
  private awaitingTimerAt = Infinity;
  /** `awaitFirstLookMs` as given, else MESSAGING_AWAIT_FIRST_LOOK_MS (50 ms). */
  private get firstLookMs(): number {
    return this.opts.awaitFirstLookMs || this.settings.awaitFirstLookMs;
  }
  private lookingAgain?: Promise<void>;

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
    // Messages set aside before a restart are looked at soon.
    this.lookAgainIn(this.firstLookMs);
  }

  /**
   * Plans the next look at the messages set aside, `ms` from now (a sooner look replaces a
   * later one already planned). After each look the next one is planned for when the next
   * row is due, at least `awaitFirstLookMs` and at most `awaitPollMs` away (the latter also
   * picks up a stopped replica's rows).
   */
  private lookAgainIn(ms: number): void {
    if (this.closing) return;
    const at = Date.now() + ms;
    if (this.awaitingTimer && this.awaitingTimerAt <= at) return;
    clearTimeout(this.awaitingTimer);
    this.awaitingTimerAt = at;
    this.awaitingTimer = setTimeout(() => this.lookNow(), ms);
    this.awaitingTimer.unref();
  }

  private lookNow(): void {
    this.awaitingTimer = undefined;
    this.awaitingTimerAt = Infinity;
    if (this.closing) return;
    if (this.lookingAgain) return this.lookAgainIn(this.firstLookMs);
    const { firstLookMs: first } = this;
    const poll = this.opts.awaitPollMs;
    let next = poll;
    this.lookingAgain = (async () => {
      await this.lookAgainAtAwaiting();
      const due = await this.awaiting.nextDueAt(this.dataSource.manager, this.opts.groupId);
      if (due) next = Math.min(poll, Math.max(first, due.getTime() - Date.now()));
    })()
      .catch((err: Error) => this.logger.warn(`messages set aside not looked at: ${errorMessage(err)}`))
      .finally(() => {
        this.lookingAgain = undefined;
        this.lookAgainIn(next);
      });
  }

  /** How long a message set aside `since` waits before the next look: as long as it has waited, within the bounds. */
  private waitAgainMs(since: Date, now: number): number {
    return Math.min(this.opts.awaitPollMs, Math.max(this.firstLookMs, now - since.getTime()));
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watcher);
    clearTimeout(this.awaitingTimer);
    await this.restarting;
    await this.lookingAgain;
    await this.lag?.stop();
    this.lag = undefined;
    // Disconnecting waits for the batch in flight: graceful shutdown finishes current work.
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
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
    const everyMs = Number(process.env.KAFKA_TOPIC_WATCH_MS ?? 5_000);
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

  private decode(topic: string, partition: number, message: KafkaMessage, receivedAt: Date): Decoded {
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
            await this.setAside(topic, partition, message, envelope, awaited, errorMessage(err));
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
  private async markInbox(
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

  private async invoke(handler: MessageHandler, data: unknown, ctx: MessageContext | BatchContext): Promise<void> {
    await lastValueFrom(this.transformToObservable(await handler(data, ctx)), { defaultValue: undefined });
  }

  /**
   * Sets a message aside until the group has read `awaited.topic` as far as it stands now
   * (or the wait runs out), in its own transaction; the caller then resolves its offset.
   */
  private async setAside(
    topic: string,
    partition: number,
    message: KafkaMessage,
    envelope: EventEnvelope,
    awaited: AwaitedEvents,
    reason: string,
  ): Promise<void> {
    const targets = awaited.targets ?? (await this.snapshotOf(awaited.topic));
    const now = Date.now();
    await this.dataSource.transaction((m) =>
      this.awaiting.setAside(m, {
        consumer: this.opts.groupId,
        eventId: envelope.id,
        topic,
        partition,
        message,
        awaitedTopic: awaited.topic,
        targets,
        reason,
        giveUpAt: new Date(now + (awaited.maxWaitMs ?? this.opts.awaitMaxMs)),
        nextAt: new Date(now + this.firstLookMs),
      }),
    );
    this.lookAgainIn(this.firstLookMs);
    messagingMetrics.awaiting.inc({ topic, outcome: 'set-aside' });
    this.logger.log(`${envelope.type} ${envelope.id} set aside until ${awaited.topic} is read: ${reason}`);
  }

  /** The awaited topic's end offsets now; null while the broker cannot say (taken again at the next look). */
  private snapshotOf(topic: string): Promise<OffsetTargets | null> {
    return this.progress.snapshot({ name: topic }).catch((err: Error) => {
      this.logger.warn(`offsets of ${topic} unknown: ${err.message}`);
      return null;
    });
  }

  /**
   * One look at the messages set aside that are due: the group's offsets are read once for
   * all of them; each whose awaited topic is read far enough, or whose wait ran out, is
   * handled again in its own transaction (the row is deleted in it); the others are looked
   * at again after as long as they have waited so far (`awaitFirstLookMs` … `awaitPollMs`).
   * Public for tests.
   */
  async lookAgainAtAwaiting(): Promise<number> {
    const due = await this.dataSource.transaction((m) => this.awaiting.due(m, this.opts.groupId, 200));
    if (due.length === 0) return 0;
    const behind = await this.progress.behindEach(due.map((d) => d.targets ?? {})).catch((err: Error) => {
      this.logger.warn(`consumer progress unknown: ${err.message}`);
      return undefined;
    });
    const now = Date.now();
    const behindOf = (i: number) => (due[i]!.targets && behind ? behind[i] : undefined);
    // Still behind and still within their wait: looked at again later, in one statement.
    const waiting = due.filter((d, i) => d.targets && behindOf(i) !== 0 && now < d.giveUpAt.getTime());
    await this.dataSource.transaction((m) =>
      this.awaiting.allLater(
        m,
        this.opts.groupId,
        waiting.map((d) => d.eventId),
        this.firstLookMs,
        this.opts.awaitPollMs,
      ),
    );
    let handled = 0;
    for (const [i, d] of due.entries()) {
      if (this.closing) break;
      if (waiting.includes(d)) continue;
      const b = behindOf(i);
      await this.dataSource.transaction(async (m) => {
        const row = await this.awaiting.lock(m, this.opts.groupId, d.eventId);
        if (row && (await this.lookAgain(m, row, b))) handled++;
      });
    }
    return handled;
  }

  /** Handles a message set aside again if it may be; true when it left the table. */
  private async lookAgain(m: EntityManager, row: AwaitingRow, behind: number | undefined): Promise<boolean> {
    const { topic, partition, message } = row;
    const now = Date.now();
    const consumer = this.opts.groupId;
    const decoded = this.decode(topic, partition, message, new Date());
    if (decoded.ok === 'skip') {
      await this.awaiting.done(m, consumer, row.eventId);
      return true;
    }
    if (decoded.ok === false) {
      await this.deadLetter(topic, partition, message, decoded.kind, decoded.reason, undefined, m);
      await this.awaiting.done(m, consumer, row.eventId);
      return true;
    }
    const expired = now >= row.giveUpAt.getTime();
    if (!row.targets && !expired) {
      // The broker could not say how far the topic went when the message was set aside: ask again.
      const targets = await this.snapshotOf(row.awaitedTopic);
      await this.awaiting.later(
        m,
        consumer,
        row.eventId,
        new Date(now + this.opts.awaitPollMs),
        targets ? { targets } : {},
      );
      return false;
    }
    if (behind !== 0 && !expired) {
      await this.awaiting.later(m, consumer, row.eventId, new Date(now + this.waitAgainMs(row.since, now)));
      return false;
    }
    const { envelope, data, handler, meta } = decoded;
    const caughtUp = behind === 0;
    const scope = {
      topic,
      partition,
      offset: message.offset,
      eventId: envelope.id,
      eventType: envelope.type,
      correlationId: envelope.correlationid,
    };
    await m.query('SAVEPOINT awaited');
    try {
      await withConsumedMessage(message.headers, scope, async () => {
        if ((await this.markInbox(m, [envelope], topic, 'handled', isReplay(message), meta.receivedAt)).length === 0)
          return;
        const awaited = { since: row.since, caughtUp, ...(behind !== undefined ? { behind } : {}) };
        await this.invoke(handler, data, new MessageContext([{ ...meta, awaited }, m, this.publisher]));
      });
      await this.awaiting.done(m, consumer, row.eventId);
      messagingMetrics.awaiting.inc({ topic, outcome: 'handled' });
      messagingMetrics.handled.inc({ topic, type: envelope.type });
      return true;
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT awaited');
      if (isTransient(err)) {
        messagingMetrics.transientFailures.inc({ topic });
        await this.awaiting.later(m, consumer, row.eventId, new Date(now + this.opts.awaitPollMs));
        return false;
      }
      const waited = Math.round((now - row.since.getTime()) / 1000);
      let kind: DeadLetterKind | undefined;
      let reason = errorMessage(err);
      if (awaitingOf(err)) {
        kind = 'handler-rejected';
        reason = `${reason} (waited ${waited} s for ${row.awaitedTopic}: ${caughtUp ? 'read as far as it stood, and it did not come' : 'the wait ran out'})`;
      } else if (isPermanent(err)) kind = 'handler-rejected';
      else if (row.attempts + 1 >= this.opts.maxAttempts) {
        kind = 'handler-failed';
        reason = `failed after ${this.opts.maxAttempts} attempts: ${reason}`;
      }
      if (!kind) {
        messagingMetrics.retries.inc({ topic });
        const backoff = this.opts.retryBackoffMs * 2 ** row.attempts;
        await this.awaiting.later(m, consumer, row.eventId, new Date(now + backoff), { attempt: true });
        return false;
      }
      this.logger.error(`${envelope.type} ${envelope.id} dead-lettered after waiting: ${reason}`);
      await this.deadLetter(topic, partition, message, kind, reason, envelope, m);
      await this.awaiting.done(m, consumer, row.eventId);
      messagingMetrics.awaiting.inc({ topic, outcome: 'dead-lettered' });
      return true;
    }
  }

  private async deadLetter(
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

/** A message the replay tool sent back from a dead-letter topic. */
function isReplay(message: KafkaMessage): boolean {
  return message.headers?.[DLQ_HEADERS.replayedFrom] !== undefined;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

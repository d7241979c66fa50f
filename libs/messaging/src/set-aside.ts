/**
 * The messages set aside: a handler that waits for an event of another topic throws
 * `AwaitingEvent` (handler.errors.ts) instead of retrying in place (it would hold one of the
 * consumer's partitions, and two such waits can starve the topic they wait for). The message
 * is kept in the service's `awaiting_messages` table with the awaited topic's end offsets,
 * and handled again, in the handler's usual transaction with its inbox row, once the group
 * has read that topic as far (or the wait ran out: then the handler decides, or the message
 * is dead-lettered). Looks are planned as the rows fall due: soon after a message is set
 * aside (`awaitFirstLookMs`), then as long again as it has waited, up to `awaitPollMs`
 * (which also picks up a stopped replica's rows). MessagingServer owns one; this file holds
 * the waiting, the server the handling (the `Handling` it is given).
 * Long on purpose: a look's planning and its outcomes (handled, later, retried,
 * dead-lettered) are checked together against the server's handling of the same message.
 */
import { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@datarights/contracts';
import { AwaitingStore, type AwaitingRow } from './awaiting.store';
import type { ConsumerProgress, OffsetTargets } from './consumer-progress';
import type { DeadLetterKind } from './dead-letter.producer';
import type { EventPublisher } from './event.publisher';
import { awaitingOf, isPermanent, isTransient, type AwaitedEvents } from './handler.errors';
import { MessageContext, type BatchContext, type MessageMeta } from './message.context';
import { messagingMetrics } from './messaging.metrics';
import { errorMessage, isReplay } from './message.util';
import { withConsumedMessage } from './tracing';

/** A message read from Kafka: to handle, to dead-letter, or to skip (no handler here). */
export type Decoded =
  | { ok: true; envelope: EventEnvelope; data: object; handler: MessageHandler; meta: MessageMeta }
  | { ok: false; kind: DeadLetterKind; reason: string }
  | { ok: 'skip' };

/** What handling a message means, as the server does it for every message. */
export interface Handling {
  decode(topic: string, partition: number, message: KafkaMessage, receivedAt: Date): Decoded;
  markInbox(
    manager: EntityManager,
    envelopes: EventEnvelope[],
    topic: string,
    status?: string,
    retake?: boolean,
    receivedAt?: Date,
  ): Promise<string[]>;
  invoke(handler: MessageHandler, data: unknown, ctx: MessageContext | BatchContext): Promise<void>;
  deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    kind: DeadLetterKind,
    reason: string,
    envelope?: EventEnvelope,
    manager?: EntityManager,
  ): Promise<void>;
}

export interface SetAsideSettings {
  groupId: string;
  firstLookMs: number;
  awaitPollMs: number;
  awaitMaxMs: number;
  maxAttempts: number;
  retryBackoffMs: number;
}

export class SetAsideMessages {
  private readonly logger = new Logger('MessagingServer');
  private readonly store = new AwaitingStore();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private looking?: Promise<void>;
  private closing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly progress: ConsumerProgress,
    private readonly publisher: EventPublisher,
    private readonly settings: SetAsideSettings,
    private readonly handling: Handling,
  ) {}

  /** Messages set aside before a restart are looked at soon. */
  start(): void {
    this.lookAgainIn(this.settings.firstLookMs);
  }

  /** No look is planned any more; the one under way finishes. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    await this.looking;
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
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.lookNow(), ms);
    this.timer.unref();
  }

  private lookNow(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.closing) return;
    if (this.looking) return this.lookAgainIn(this.settings.firstLookMs);
    const first = this.settings.firstLookMs;
    const poll = this.settings.awaitPollMs;
    let next = poll;
    this.looking = (async () => {
      await this.lookAgainAtAwaiting();
      const due = await this.store.nextDueAt(this.dataSource.manager, this.settings.groupId);
      if (due) next = Math.min(poll, Math.max(first, due.getTime() - Date.now()));
    })()
      .catch((err: Error) => this.logger.warn(`messages set aside not looked at: ${errorMessage(err)}`))
      .finally(() => {
        this.looking = undefined;
        this.lookAgainIn(next);
      });
  }

  /** How long a message set aside `since` waits before the next look: as long as it has waited, within the bounds. */
  private waitAgainMs(since: Date, now: number): number {
    return Math.min(this.settings.awaitPollMs, Math.max(this.settings.firstLookMs, now - since.getTime()));
  }

  /**
   * Sets a message aside until the group has read `awaited.topic` as far as it stands now
   * (or the wait runs out), in its own transaction; the caller then resolves its offset.
   */
  async setAside(
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
      this.store.setAside(m, {
        consumer: this.settings.groupId,
        eventId: envelope.id,
        topic,
        partition,
        message,
        awaitedTopic: awaited.topic,
        targets,
        reason,
        giveUpAt: new Date(now + (awaited.maxWaitMs ?? this.settings.awaitMaxMs)),
        nextAt: new Date(now + this.settings.firstLookMs),
      }),
    );
    this.lookAgainIn(this.settings.firstLookMs);
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
   */
  async lookAgainAtAwaiting(): Promise<number> {
    const due = await this.dataSource.transaction((m) => this.store.due(m, this.settings.groupId, 200));
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
      this.store.allLater(
        m,
        this.settings.groupId,
        waiting.map((d) => d.eventId),
        this.settings.firstLookMs,
        this.settings.awaitPollMs,
      ),
    );
    let handled = 0;
    for (const [i, d] of due.entries()) {
      if (this.closing) break;
      if (waiting.includes(d)) continue;
      const b = behindOf(i);
      await this.dataSource.transaction(async (m) => {
        const row = await this.store.lock(m, this.settings.groupId, d.eventId);
        if (row && (await this.lookAgain(m, row, b))) handled++;
      });
    }
    return handled;
  }

  /** Handles a message set aside again if it may be; true when it left the table. */
  private async lookAgain(m: EntityManager, row: AwaitingRow, behind: number | undefined): Promise<boolean> {
    const { topic, partition, message } = row;
    const now = Date.now();
    const consumer = this.settings.groupId;
    const decoded = this.handling.decode(topic, partition, message, new Date());
    if (decoded.ok === 'skip') {
      await this.store.done(m, consumer, row.eventId);
      return true;
    }
    if (decoded.ok === false) {
      await this.handling.deadLetter(topic, partition, message, decoded.kind, decoded.reason, undefined, m);
      await this.store.done(m, consumer, row.eventId);
      return true;
    }
    const expired = now >= row.giveUpAt.getTime();
    if (!row.targets && !expired) {
      // The broker could not say how far the topic went when the message was set aside: ask again.
      const targets = await this.snapshotOf(row.awaitedTopic);
      await this.store.later(
        m,
        consumer,
        row.eventId,
        new Date(now + this.settings.awaitPollMs),
        targets ? { targets } : {},
      );
      return false;
    }
    if (behind !== 0 && !expired) {
      await this.store.later(m, consumer, row.eventId, new Date(now + this.waitAgainMs(row.since, now)));
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
        if (
          (await this.handling.markInbox(m, [envelope], topic, 'handled', isReplay(message), meta.receivedAt))
            .length === 0
        )
          return;
        const awaited = { since: row.since, caughtUp, ...(behind !== undefined ? { behind } : {}) };
        await this.handling.invoke(handler, data, new MessageContext([{ ...meta, awaited }, m, this.publisher]));
      });
      await this.store.done(m, consumer, row.eventId);
      messagingMetrics.awaiting.inc({ topic, outcome: 'handled' });
      messagingMetrics.handled.inc({ topic, type: envelope.type });
      return true;
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT awaited');
      if (isTransient(err)) {
        messagingMetrics.transientFailures.inc({ topic });
        await this.store.later(m, consumer, row.eventId, new Date(now + this.settings.awaitPollMs));
        return false;
      }
      const waited = Math.round((now - row.since.getTime()) / 1000);
      let kind: DeadLetterKind | undefined;
      let reason = errorMessage(err);
      if (awaitingOf(err)) {
        kind = 'handler-rejected';
        reason = `${reason} (waited ${waited} s for ${row.awaitedTopic}: ${caughtUp ? 'read as far as it stood, and it did not come' : 'the wait ran out'})`;
      } else if (isPermanent(err)) kind = 'handler-rejected';
      else if (row.attempts + 1 >= this.settings.maxAttempts) {
        kind = 'handler-failed';
        reason = `failed after ${this.settings.maxAttempts} attempts: ${reason}`;
      }
      if (!kind) {
        messagingMetrics.retries.inc({ topic });
        const backoff = this.settings.retryBackoffMs * 2 ** row.attempts;
        await this.store.later(m, consumer, row.eventId, new Date(now + backoff), { attempt: true });
        return false;
      }
      this.logger.error(`${envelope.type} ${envelope.id} dead-lettered after waiting: ${reason}`);
      await this.handling.deadLetter(topic, partition, message, kind, reason, envelope, m);
      await this.store.done(m, consumer, row.eventId);
      messagingMetrics.awaiting.inc({ topic, outcome: 'dead-lettered' });
      return true;
    }
  }
}

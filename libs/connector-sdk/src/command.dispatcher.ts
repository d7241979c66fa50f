/**
 * Handles one message of a system's command topic, end to end: parse and validate it,
 * skip it if its commandId was already handled (resend the stored reply), run the handler
 * with bounded retries, save the reply, send it.
 *
 * Nothing here throws for a bad message or a bad handler: a partition must never be
 * blocked by one command (docs/kafka-contract.md). A command that can be answered (its
 * commandId, requestId and systemId are readable and ours) but not handled — invalid, no
 * handler, a handler failing every try — is answered `pdata.command.failed.v1` with the
 * reason on the system's own replies topic, which its Kafka user may write
 * (deploy/kafka/templates/system-user.yaml): datarights then retries or escalates it to the
 * DPO at once instead of waiting for `respondBy`. A message nobody can be answered for (not
 * a command, or another system's) is logged and passed over: nothing is written anywhere
 * the system's user may not write.
 *
 * It throws only when Kafka or the command store is unreachable, so that kafkajs
 * redelivers the message once they are back rather than the command being lost or run
 * twice; in particular its offset is never committed before its reply is sent.
 */
import { CommandFailed, parseEnvelope, validatePayload, type Command, type EventEnvelope } from '@datarights/contracts';
import type { IHeaders, ProducerRecord } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandStore, StoredReply } from './command-store.types';
import { describeError } from './console.logger';
import { CommandError, type CommandHandler, type CommandKind, type ConnectorLogger } from './connector.types';
import { refusedMessageType } from './kafka-errors.util';
import { COMMAND_EVENTS, commandKindOf, toKafkaMessage } from './kafka-message.util';
import { failedReply, replyFromResult, type CommandIds } from './reply.factory';
import { buildReplyEnvelopes } from './reply.splitter';

/** The part of a kafkajs producer the dispatcher needs (a fake in unit tests). */
export interface MessageSink {
  send(record: ProducerRecord): Promise<unknown>;
}

/** One message as kafkajs hands it to `eachMessage`. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  message: { key: Buffer | null; value: Buffer | null; offset: string; headers?: IHeaders };
  heartbeat?: () => Promise<void>;
}

export interface DispatcherOptions {
  systemId: string;
  /** Where replies go: `pdata.replies.<systemId>.v1`, with the connector's topic prefix. */
  repliesTopic: string;
  store: CommandStore;
  sink: MessageSink;
  logger: ConnectorLogger;
  handlers: ReadonlyMap<CommandKind, CommandHandler<CommandKind>>;
  respondRetries: number;
  retryBackoffMs: number;
}

const MAX_BACKOFF_MS = 30_000;
const MAX_REASON_LENGTH = 1000;

type Parsed =
  | { ok: true; envelope: EventEnvelope; kind: CommandKind; command: Command }
  /** `answer`: the ids to answer `failed` with, when the message names a command of this system. */
  | { ok: false; reason: string; answer?: { ids: CommandIds; causationId: string } };

export class CommandDispatcher {
  constructor(private readonly o: DispatcherOptions) {}

  async handle(input: IncomingMessage): Promise<void> {
    const where = { topic: input.topic, partition: input.partition, offset: input.message.offset };
    const parsed = this.parse(input);
    if (!parsed.ok && parsed.answer) {
      const { ids, causationId } = parsed.answer;
      const logIds = { ...where, commandId: ids.commandId, requestId: ids.requestId };
      this.o.logger.warn('invalid command: answered failed', { ...logIds, reason: parsed.reason });
      // Not saved: the same commandId sent again, corrected, deserves another chance.
      await this.send(failedReply(ids, parsed.reason), causationId, logIds);
      return;
    }
    if (!parsed.ok) {
      this.skip(input, parsed.reason);
      return;
    }
    const { envelope, kind, command } = parsed;
    const ids = { ...where, kind, commandId: command.commandId, requestId: command.requestId };

    const stored = await this.o.store.get(command.commandId);
    if (stored) {
      // docs/kafka-contract.md: a repeated commandId is done; answer again, do not act again.
      this.o.logger.info('repeated command: resending its stored reply', ids);
      await this.send(stored, envelope.id, ids);
      return;
    }

    const { reply, final } = await this.execute(kind, command, envelope.id, input.heartbeat, ids);
    const sendable = this.checkSendable(reply, command, envelope.id, ids);
    // Saved before sending (at-least-once): dying in between means the redelivered
    // command finds this reply and sends it, instead of running the handler again.
    // Failures the handler did not decide itself are not saved, so a retried command
    // gets another chance once the cause (a database down, a missing handler) is fixed.
    if (final && sendable === reply) await this.o.store.save(command.commandId, sendable);
    await this.send(sendable, envelope.id, ids);
  }

  private parse(input: IncomingMessage): Parsed {
    const parsed = parseEnvelope(input.message.value);
    if (!parsed.ok) return parsed;
    const { envelope } = parsed;
    const kind = commandKindOf(envelope.type);
    if (!kind) return { ok: false, reason: `type ${envelope.type} is not a command` };
    const valid = validatePayload(COMMAND_EVENTS[kind].payload, envelope.data);
    if (!valid.ok) {
      const reason = `invalid ${envelope.type}: ${valid.reason}`;
      const ids = this.answerableIds(envelope.data);
      return { ok: false, reason, ...(ids ? { answer: { ids, causationId: envelope.id } } : {}) };
    }
    const command = valid.value as Command;
    if (command.systemId !== this.o.systemId) {
      return { ok: false, reason: `command for system ${command.systemId} on the command topic of ${this.o.systemId}` };
    }
    return { ok: true, envelope, kind, command };
  }

  /**
   * The ids of an invalid command that can still be answered: a `failed` reply naming them
   * passes the contract's own CommandFailed rules, and it names this system (a reply for
   * another would be refused as wrong-system, so that one is skipped instead).
   */
  private answerableIds(data: unknown): CommandIds | undefined {
    if (typeof data !== 'object' || data === null) return undefined;
    const { commandId, requestId, systemId } = data as Record<string, unknown>;
    if (systemId !== this.o.systemId || typeof commandId !== 'string' || typeof requestId !== 'string')
      return undefined;
    const ids = { commandId, requestId, systemId };
    return validatePayload(CommandFailed, failedReply(ids, 'invalid command').payload).ok ? ids : undefined;
  }

  private async execute(
    kind: CommandKind,
    command: Command,
    eventId: string,
    heartbeat: (() => Promise<void>) | undefined,
    ids: Record<string, unknown>,
  ): Promise<{ reply: StoredReply; final: boolean }> {
    const handler = this.o.handlers.get(kind);
    if (!handler) {
      this.o.logger.warn('no handler for this kind of command: answered failed', ids);
      return {
        reply: failedReply(command, `system ${this.o.systemId} has no handler for ${kind} commands`),
        final: false,
      };
    }
    const attempts = 1 + this.o.respondRetries;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const result = await handler(command, { eventId, attempt, heartbeat: heartbeat ?? (async () => undefined) });
        const built = replyFromResult(kind, command, result);
        if (!built.ok) {
          // A malformed result is a bug in the handler: trying again would give the same.
          this.o.logger.error('handler returned an invalid result: answered failed', { ...ids, reason: built.reason });
          return { reply: failedReply(command, built.reason), final: false };
        }
        return { reply: built.reply, final: true };
      } catch (err) {
        lastError = err;
        // Only the error's class and code: its message may quote the data it worked on.
        this.o.logger.warn('handler failed', { ...ids, attempt, attempts, error: describeError(err) });
        if (attempt < attempts) {
          await heartbeat?.();
          await sleep(Math.min(this.o.retryBackoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS));
        }
      }
    }
    const error =
      lastError instanceof CommandError
        ? lastError.message
        : `the ${kind} handler failed after ${attempts} attempt${attempts > 1 ? 's' : ''}: ${describeError(lastError)}`;
    this.o.logger.error('handler failed on every attempt: answered failed', ids);
    return { reply: failedReply(command, error), final: false };
  }

  /** An export too big to split is answered `failed`: better than a reply the broker refuses. */
  private checkSendable(
    reply: StoredReply,
    command: Command,
    causationId: string,
    ids: Record<string, unknown>,
  ): StoredReply {
    try {
      buildReplyEnvelopes(reply, { source: this.o.systemId, causationId });
      return reply;
    } catch (err) {
      this.o.logger.error('reply cannot be sent: answered failed', { ...ids, error: describeError(err) });
      return failedReply(command, err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Sends a reply, or throws: the message is then redelivered (its offset is not
   * committed), and a stored reply is sent again without running the handler again. One
   * exception: a reply the broker refuses as such (too large for its limits) would be
   * refused forever and block the partition, so it is replaced by a `failed` reply saying so.
   */
  private async send(reply: StoredReply, causationId: string, ids: Record<string, unknown>): Promise<void> {
    try {
      await this.sendReply(reply, causationId, ids);
    } catch (err) {
      const refused = refusedMessageType(err);
      this.o.logger.error('reply not sent', { ...ids, error: describeError(err), ...(refused ? { refused } : {}) });
      if (!refused || reply.payload.outcome === 'failed') throw err;
      await this.sendReply(failedReply(reply.payload, `reply refused by the broker: ${refused}`), causationId, ids);
    }
  }

  private async sendReply(reply: StoredReply, causationId: string, ids: Record<string, unknown>): Promise<void> {
    const envelopes = buildReplyEnvelopes(reply, { source: this.o.systemId, causationId });
    // One request per part: the broker's size limit (message.max.bytes, 1 MiB by default)
    // applies to a whole produce batch, not to each message. Same key, so one partition;
    // the idempotent producer with one request in flight keeps the parts in order.
    for (const envelope of envelopes) {
      await this.o.sink.send({
        topic: this.o.repliesTopic,
        messages: [toKafkaMessage(reply.payload.requestId, envelope)],
      });
    }
    this.o.logger.info('reply sent', { ...ids, outcome: reply.payload.outcome, parts: envelopes.length });
  }

  /**
   * A message nobody can be answered for: not a command, or none of this system's. It is
   * logged with its coordinates and the reason, and passed over. Not dead-lettered: the
   * system's Kafka user may write its own three topics and nothing else
   * (deploy/kafka/templates/system-user.yaml), and blocking the partition on it would stop
   * every later command. It stays readable where it is for the command topic's retention
   * (14 days; audit reads every command topic). Only datarights' services may write a
   * command topic and they validate first, so this is a bug on their side, not a system's.
   */
  private skip(input: IncomingMessage, reason: string): void {
    this.o.logger.error('not a command this system can answer: skipped', {
      topic: input.topic,
      partition: input.partition,
      offset: input.message.offset,
      reason: reason.slice(0, MAX_REASON_LENGTH),
    });
  }
}

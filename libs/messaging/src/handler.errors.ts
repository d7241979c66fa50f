import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import type { OffsetTargets } from './consumer-progress';
import { throwError, type Observable } from 'rxjs';

/**
 * A handler throws this when retrying cannot help (e.g. a reply for a command nobody
 * sent): the message goes to the dead-letter topic at once, with this reason.
 */
export class PermanentError extends Error {
  readonly permanent = true;
}

export function isPermanent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;
}

/**
 * Nest's default RPC exception filter replaces every handler error with "Internal server
 * error". Every Kafka handler carries this filter (see handler.decorators.ts), so that the
 * messaging server sees the real error: PermanentError goes to the dead-letter topic at
 * once, and retries, dead-letter reasons and logs keep the real cause.
 */
@Catch()
export class RethrowHandlerErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A handler throws this when the message is fine but a service it needs is down: retried
 * without limit, never dead-lettered. Not for waiting on another event: a retry in place
 * holds the partition (docs/conventions.md, "Messaging and persistence").
 */
export class TransientError extends Error {
  readonly transient = true;
}

/** Connection-level failures of PostgreSQL and the network (SQLSTATE 08000-08006, class 53, 57P01-03, 40001, 40P01; not 08P01, a protocol error is a bug). */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_SQLSTATE = /^(0800[0-6]|53|57P0[1-3]|40001|40P01)/;
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'the database system is starting up',
  'the database system is shutting down',
];

/**
 * Whether retrying later can help without anyone changing anything: the database or the
 * broker is unreachable for a while (a restart, a failover), or the handler said so. Such
 * a message is retried until it goes through, whatever the attempts: dead-lettering it
 * would lose work that a 20-second outage should only delay.
 */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { transient?: unknown; retriable?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  if (e.transient === true || e.retriable === true) return true;
  if (typeof e.code === 'string' && (TRANSIENT_CODES.has(e.code) || TRANSIENT_SQLSTATE.test(e.code))) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.some((m) => (e.message as string).includes(m))) return true;
  return e.cause !== undefined && e.cause !== err && isTransient(e.cause);
}

/** What an `AwaitingEvent` waits for. */
export interface AwaitedEvents {
  /** The logical topic, or per-system topic family, the awaited event comes on (e.g. `TOPICS.requests.name`). */
  topic: string;
  /** End offsets the handler already took of that topic (`ConsumerProgress.snapshot`); taken now if absent. */
  targets?: OffsetTargets;
  /**
   * How long to wait for the consumer group to read that far. Past it the handler is called
   * again anyway (`ctx.awaited.caughtUp` false) and decides; defaults to the server's
   * `awaitMaxMs`.
   */
  maxWaitMs?: number;
}

/**
 * A handler throws this when its message is fine but an event it depends on, from another
 * topic, has not been read yet (a reply before its command, a plan before its request's
 * parameters). The message is set aside in PostgreSQL, not retried in place (a retry in
 * place holds one of the consumer's partitions, and can starve the very topic it waits
 * for), and the handler is called again once the group has committed that topic up to the
 * offsets it had when the message was set aside — or once the wait ran out. Thrown again
 * then, the message is dead-lettered: what it waited for is not coming.
 *
 * A message set aside gives up its place in its partition's order: use it only where the
 * handler's own state checks make the order of that key's messages irrelevant.
 */
export class AwaitingEvent extends Error {
  readonly awaiting: AwaitedEvents;
  constructor(message: string, awaiting: AwaitedEvents) {
    super(message);
    this.awaiting = awaiting;
  }
}

export function awaitingOf(err: unknown): AwaitedEvents | undefined {
  const a = typeof err === 'object' && err !== null ? (err as { awaiting?: unknown }).awaiting : undefined;
  return typeof a === 'object' && a !== null && typeof (a as AwaitedEvents).topic === 'string'
    ? (a as AwaitedEvents)
    : undefined;
}

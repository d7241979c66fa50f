/**
 * The relay's policy for one outbox row Kafka refuses (issue 15): which errors are the
 * row's own (its topic, its size, its ACL) and which are the broker's, how long it waits
 * before the next try, when it is parked, and sending a batch's rows one at a time without
 * letting a key's later rows overtake one that failed. Pure: no database, no kafkajs.
 */

/**
 * Kafka errors about one row's topic or record: another row of the same batch can still go.
 * Any other error (connection lost, timeouts, NOT_ENOUGH_REPLICAS, leader changes) is the
 * broker's: every row would fail alike, so the round stops and the relay backs off as a
 * whole instead of charging, and eventually parking, every row it tries.
 */
const ROW_ERRORS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'TOPIC_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'POLICY_VIOLATION',
]);

export interface SendFailure {
  /** The row's own fault (see ROW_ERRORS), or the broker's (`false`: stop the round). */
  rowLevel: boolean;
  /** False when kafkajs says trying again cannot help (an ACL refusal, a message too large). */
  retriable: boolean;
  /** A bounded label: the Kafka error type, or the kafkajs error name. */
  reason: string;
  message: string;
}

interface ErrorLike {
  name?: string;
  type?: string;
  retriable?: boolean;
  message?: string;
  cause?: unknown;
}

/** Reads a kafkajs error: the protocol error is somewhere down its `cause` chain. */
export function classifySendError(err: unknown): SendFailure {
  const chain: ErrorLike[] = [];
  for (let e: unknown = err; e && typeof e === 'object' && chain.length < 10; e = (e as ErrorLike).cause) {
    if (chain.includes(e as ErrorLike)) break;
    chain.push(e as ErrorLike);
  }
  const top = chain[0] ?? {};
  const message = String(top.message ?? err);
  const protocol = chain.find((e) => e.name === 'KafkaJSProtocolError' && typeof e.type === 'string');
  if (protocol) {
    return {
      rowLevel: ROW_ERRORS.has(protocol.type!),
      retriable: protocol.retriable !== false,
      reason: protocol.type!,
      message,
    };
  }
  // kafkajs refusing the message itself before any request (an invalid topic name, a
  // message without a value): thrown bare. A wrapped one is its retrier giving up on
  // something else (a connection, a lock): the broker's.
  if (top.name === 'KafkaJSNonRetriableError' && chain.length === 1)
    return { rowLevel: true, retriable: false, reason: top.name, message };
  return { rowLevel: false, retriable: true, reason: top.name ?? 'Error', message };
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before the next try of a row refused `attempts` times (≥ 1): base·2^(attempts-1),
 * capped, times a jitter of ±20 % so that rows refused together do not all come back at once.
 */
export function retryDelayMs(attempts: number, p: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

/** After a refusal: park when kafkajs says it cannot help, or when the attempts are spent. */
export function shouldPark(attempts: number, failure: SendFailure, p: RetryPolicy): boolean {
  return !failure.retriable || attempts >= p.maxAttempts;
}

export interface OneByOneResult<R> {
  sent: R[];
  failed: { row: R; failure: SendFailure }[];
  /** Rows not tried because an earlier row of their key failed this round (key order). */
  held: R[];
  /** A broker-level error that stopped the round: the rows not yet tried stay as they were. */
  stopped?: unknown;
}

/**
 * Sends rows one at a time in the given (seq) order. Once a row of a key fails, the later
 * rows of that key are held for this round, so a key's events never overtake one another;
 * the other keys go on. A broker-level error stops the round.
 */
export async function sendOneByOne<R extends { key: string }>(
  rows: R[],
  send: (row: R) => Promise<void>,
): Promise<OneByOneResult<R>> {
  const result: OneByOneResult<R> = { sent: [], failed: [], held: [] };
  const blocked = new Set<string>();
  for (const row of rows) {
    if (blocked.has(row.key)) {
      result.held.push(row);
      continue;
    }
    try {
      await send(row);
      result.sent.push(row);
    } catch (err) {
      const failure = classifySendError(err);
      if (!failure.rowLevel) {
        result.stopped = err;
        return result;
      }
      result.failed.push({ row, failure });
      blocked.add(row.key);
    }
  }
  return result;
}

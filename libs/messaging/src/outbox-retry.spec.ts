import { classifySendError, retryDelayMs, sendOneByOne, shouldPark, type RetryPolicy } from './outbox-retry';

/** The shapes kafkajs throws (node_modules/kafkajs/src/errors.js, retry/index.js). */
function protocolError(type: string, retriable: boolean) {
  return Object.assign(new Error(`protocol ${type}`), { name: 'KafkaJSProtocolError', type, retriable });
}
function wrapped(name: 'KafkaJSNumberOfRetriesExceeded' | 'KafkaJSNonRetriableError', cause: Error) {
  return Object.assign(new Error(cause.message), { name, retriable: false, cause });
}

const policy: RetryPolicy = { maxAttempts: 4, baseMs: 1000, maxMs: 5000 };

describe('classifySendError', () => {
  it('charges a missing topic to its row, retriable, even once kafkajs gave up retrying it', () => {
    const err = wrapped('KafkaJSNumberOfRetriesExceeded', protocolError('UNKNOWN_TOPIC_OR_PARTITION', true));
    expect(classifySendError(err)).toMatchObject({
      rowLevel: true,
      retriable: true,
      reason: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });

  it('marks a message too large and an ACL refusal as the row’s, not retriable', () => {
    for (const type of ['MESSAGE_TOO_LARGE', 'TOPIC_AUTHORIZATION_FAILED'])
      expect(classifySendError(wrapped('KafkaJSNonRetriableError', protocolError(type, false)))).toMatchObject({
        rowLevel: true,
        retriable: false,
        reason: type,
      });
  });

  it('blames the broker, not the row, for lost connections and too few in-sync replicas', () => {
    const lost = Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError', retriable: true });
    expect(classifySendError(lost)).toMatchObject({ rowLevel: false, reason: 'KafkaJSConnectionError' });
    const isr = wrapped('KafkaJSNumberOfRetriesExceeded', protocolError('NOT_ENOUGH_REPLICAS', true));
    expect(classifySendError(isr)).toMatchObject({ rowLevel: false, reason: 'NOT_ENOUGH_REPLICAS' });
    expect(classifySendError(new Error('boom'))).toMatchObject({ rowLevel: false, retriable: true });
  });

  it("treats kafkajs refusing the message itself as the row's, not retriable, and its retrier giving up as the broker's", () => {
    const invalid = Object.assign(new Error('Invalid topic'), { name: 'KafkaJSNonRetriableError' });
    expect(classifySendError(invalid)).toMatchObject({ rowLevel: true, retriable: false });
    const lostThenGaveUp = wrapped(
      'KafkaJSNonRetriableError',
      Object.assign(new Error('lock'), { name: 'KafkaJSLockTimeout' }),
    );
    expect(classifySendError(lostThenGaveUp)).toMatchObject({ rowLevel: false });
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base, up to the cap', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, policy, mid))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('jitters by ±20 %', () => {
    expect(retryDelayMs(2, policy, () => 0)).toBe(1600);
    expect(retryDelayMs(2, policy, () => 1)).toBe(2400);
  });
});

describe('shouldPark', () => {
  const retriable = { rowLevel: true, retriable: true, reason: 'UNKNOWN_TOPIC_OR_PARTITION', message: '' };
  it('parks once the attempts are spent, or at once when retrying cannot help', () => {
    expect(shouldPark(3, retriable, policy)).toBe(false);
    expect(shouldPark(4, retriable, policy)).toBe(true);
    expect(shouldPark(1, { ...retriable, retriable: false }, policy)).toBe(true);
  });
});

describe('sendOneByOne', () => {
  const row = (id: string, key: string) => ({ id, key });

  it("holds a failed row's later rows of the same key, and sends every other key in order", async () => {
    const tried: string[] = [];
    const rows = [row('a1', 'a'), row('b1', 'b'), row('a2', 'a'), row('c1', 'c'), row('b2', 'b'), row('a3', 'a')];
    const result = await sendOneByOne(rows, async (r) => {
      tried.push(r.id);
      if (r.id === 'b1') throw wrapped('KafkaJSNonRetriableError', protocolError('MESSAGE_TOO_LARGE', false));
    });
    expect(tried).toEqual(['a1', 'b1', 'a2', 'c1', 'a3']);
    expect(result.sent.map((r) => r.id)).toEqual(['a1', 'a2', 'c1', 'a3']);
    expect(result.failed.map((f) => [f.row.id, f.failure.reason])).toEqual([['b1', 'MESSAGE_TOO_LARGE']]);
    expect(result.held.map((r) => r.id)).toEqual(['b2']);
    expect(result.stopped).toBeUndefined();
  });

  it('stops the round at a broker-level error, charging no row', async () => {
    const down = Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' });
    const result = await sendOneByOne([row('a1', 'a'), row('b1', 'b'), row('c1', 'c')], async (r) => {
      if (r.id === 'b1') throw down;
    });
    expect(result.sent.map((r) => r.id)).toEqual(['a1']);
    expect(result.failed).toEqual([]);
    expect(result.stopped).toBe(down);
  });
});

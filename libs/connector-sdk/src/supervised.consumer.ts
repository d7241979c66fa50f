/**
 * The consumer of a system's command topic, kept alive for as long as the connector runs.
 *
 * kafkajs restarts a consumer itself after a crash it deems retriable (CRASH with
 * `restart: true`), but not after one it does not (`restart: false`): "Failed to find
 * group coordinator" during an ordinary broker roll is one. It then leaves the consumer
 * disconnected for good, and a system built on the SDK silently stops answering commands
 * while everything else about it looks healthy (issue 15). So on such a crash this builds
 * a new consumer (same group, same subscription, same handler) after a capped exponential
 * backoff with jitter, and tries again without limit: giving up would only turn a broker
 * outage into a permanent one. A crash kafkajs restarts from is left to kafkajs.
 *
 * What it reports (`health()`) is what a readiness probe needs: not `running` while no
 * consumer is in its group.
 */
import type { Consumer, ConsumerCrashEvent, EachMessagePayload, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from './console.logger';
import type { ConnectorLogger } from './connector.types';

export type ConsumerState = 'idle' | 'starting' | 'running' | 'restarting' | 'stopped';

export interface ConsumerHealth {
  state: ConsumerState;
  /** Restart attempts made by the SDK since start (kafkajs's own restarts are not counted). */
  restarts: number;
  /** The last crash or failed restart: the error's class and code only (no personal data). */
  lastError?: string;
  lastErrorAt?: Date;
}

export interface SupervisedConsumerOptions {
  kafka: Pick<Kafka, 'consumer'>;
  groupId: string;
  topic: string;
  eachMessage: (payload: EachMessagePayload) => Promise<void>;
  logger: ConnectorLogger;
  /** How long one start waits for the group join before it counts as failed. */
  joinTimeoutMs: number;
  /** First restart delay, doubled per failed attempt up to `restartMaxBackoffMs`. */
  restartBackoffMs: number;
  restartMaxBackoffMs: number;
  /** [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/**
 * The delay before restart attempt `attempt` (1-based): exponential, capped, with "equal
 * jitter" (between half and all of it), so that the consumers of many systems that lost
 * the same broker do not all come back in the same instant.
 */
export function restartDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class SupervisedConsumer {
  private consumer?: Consumer;
  private state: ConsumerState = 'idle';
  private restarts = 0;
  private lastError?: { error: string; at: Date };
  private restartLoop?: Promise<void>;
  /** Aborted by stop(): ends a backoff sleep or a join wait at once. */
  private readonly stopping = new AbortController();

  constructor(private readonly o: SupervisedConsumerOptions) {}

  /** Resolves once the first consumer has joined its group; throws (nothing retried) if it cannot. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`the consumer is already ${this.state}`);
    this.state = 'starting';
    await this.connect();
    if (this.state === 'starting') this.state = 'running';
  }

  health(): ConsumerHealth {
    return {
      state: this.state,
      restarts: this.restarts,
      ...(this.lastError ? { lastError: this.lastError.error, lastErrorAt: this.lastError.at } : {}),
    };
  }

  /** Lets the message in progress finish (its offset is committed), then disconnects. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.stopping.abort();
    const consumer = this.consumer;
    this.consumer = undefined;
    try {
      if (consumer) await shutdown(consumer);
    } finally {
      await this.restartLoop;
    }
  }

  private async connect(): Promise<void> {
    const consumer = this.o.kafka.consumer({
      groupId: this.o.groupId,
      allowAutoTopicCreation: false,
      // stop() waits for the fetch in flight, a long poll of up to this long (kafkajs's
      // default is 5 s). Commands are few, so shorter polls cost little and stop faster;
      // a command that arrives is still returned at once.
      maxWaitTimeInMs: 1000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => this.onCrash(consumer, e.payload));
    // After a restart kafkajs did itself, the join is what says commands flow again.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (consumer === this.consumer && this.state === 'restarting' && !this.restartLoop) this.state = 'running';
    });
    await consumer.connect();
    this.throwIfStopped();
    // From the beginning for a new group: commands sent before the system's first start
    // are waiting on its topic. Committed offsets take over afterwards (and after a restart).
    await consumer.subscribe({ topics: [this.o.topic], fromBeginning: true });
    this.throwIfStopped();
    const joined = this.waitForJoin(consumer);
    joined.catch(() => undefined); // awaited below; a crash during run() must not be an unhandled rejection
    await consumer.run({ eachMessage: this.o.eachMessage });
    await joined;
  }

  /** stop() may come while a (re)start awaits the broker: never run a consumer it already shut down. */
  private throwIfStopped(): void {
    if (this.stopping.signal.aborted) throw new Error('the connector was stopped');
  }

  private waitForJoin(consumer: Consumer): Promise<void> {
    const { joinTimeoutMs } = this.o;
    const signal = this.stopping.signal;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`consumer did not join group within ${joinTimeoutMs} ms`)),
        joinTimeoutMs,
      );
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => done());
      // A crash kafkajs will not restart from ends the wait; one it restarts from may still join.
      const offCrash = consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) done(new Error(`consumer crashed while starting: ${describeError(e.payload.error)}`));
      });
      const onStop = () => done(new Error('the connector was stopped'));
      signal.addEventListener('abort', onStop);
      if (signal.aborted) onStop();
      function done(err?: Error) {
        clearTimeout(timer);
        offJoin();
        offCrash();
        signal.removeEventListener('abort', onStop);
        if (err) reject(err);
        else resolve();
      }
    });
  }

  private onCrash(consumer: Consumer, payload: ConsumerCrashEvent['payload']): void {
    // A consumer already replaced or stopped: its crash is history.
    if (consumer !== this.consumer) return;
    this.lastError = { error: describeError(payload.error), at: new Date() };
    this.o.logger.error('consumer crashed', {
      groupId: this.o.groupId,
      error: this.lastError.error,
      restart: payload.restart,
    });
    // While starting, the join wait reports the crash to start()'s caller; once stopped, nothing to do.
    if (this.state !== 'running' && this.state !== 'restarting') return;
    if (payload.restart) {
      // kafkajs restarts this one itself: not ready until it has joined again.
      this.state = 'restarting';
      return;
    }
    if (this.restartLoop) return; // the attempt in progress has failed: its loop goes on
    this.state = 'restarting';
    this.restartLoop = this.restartUntilRunning().finally(() => (this.restartLoop = undefined));
  }

  private async restartUntilRunning(): Promise<void> {
    const random = this.o.random ?? Math.random;
    for (let attempt = 1; this.state === 'restarting'; attempt++) {
      const delayMs = restartDelayMs(attempt, this.o.restartBackoffMs, this.o.restartMaxBackoffMs, random);
      this.restarts++;
      this.o.logger.warn('restarting the consumer', {
        groupId: this.o.groupId,
        topic: this.o.topic,
        attempt,
        delayMs,
        lastError: this.lastError?.error,
      });
      const old = this.consumer;
      this.consumer = undefined;
      // kafkajs has disconnected a crashed consumer already; this also ends a half-started one.
      if (old) await shutdown(old).catch(() => undefined);
      await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      if (this.state !== 'restarting') return;
      try {
        await this.connect();
        if (this.state !== 'restarting') return;
        this.state = 'running';
        this.o.logger.info('consumer restarted', { groupId: this.o.groupId, attempt });
        return;
      } catch (err) {
        if (this.state !== 'restarting') return;
        this.lastError = { error: describeError(err), at: new Date() };
        this.o.logger.error('consumer restart failed', {
          groupId: this.o.groupId,
          attempt,
          error: this.lastError.error,
        });
      }
    }
  }
}

async function shutdown(consumer: Consumer): Promise<void> {
  await consumer.stop();
  await consumer.disconnect();
}

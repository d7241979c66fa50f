import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, EventName, PayloadOf } from '@datarights/contracts';
import type { EventPublisher, PublishMeta, UnitOfWork } from './event.publisher';

export interface MessageMeta {
  envelope: EventEnvelope;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** When the consumer took the message's batch from Kafka. */
  receivedAt: Date;
  /** Set when the message was set aside by an `AwaitingEvent` and is handled again now. */
  awaited?: AwaitedOutcome;
}

/** How the wait of a message set aside ended. */
export interface AwaitedOutcome {
  /** When it was set aside. */
  since: Date;
  /** The group read the awaited topic as far as it stood then (false: the wait ran out). */
  caughtUp: boolean;
  /** Messages of the awaited topic still unread when the wait ran out (0 when caught up; undefined when unknown). */
  behind?: number;
}

/**
 * What a handler gets besides the payload: the envelope, and the transaction in which the
 * inbox row is written. Every write and every `publish` of the handler goes through
 * `manager`, so the effect, the events it emits and the inbox mark commit together.
 */
export class MessageContext extends BaseRpcContext<[MessageMeta, EntityManager, EventPublisher]> implements UnitOfWork {
  get envelope(): EventEnvelope {
    return this.args[0].envelope;
  }
  get meta(): MessageMeta {
    return this.args[0];
  }
  /** Set when this message waited for another event (`AwaitingEvent`) and is handled again now. */
  get awaited(): AwaitedOutcome | undefined {
    return this.args[0].awaited;
  }
  get manager(): EntityManager {
    return this.args[1];
  }

  /** Publishes in the handler's transaction, correlated with and caused by the handled event. */
  readonly publish = <N extends EventName>(
    name: N,
    data: PayloadOf<N>,
    meta: PublishMeta = {},
  ): Promise<EventEnvelope<PayloadOf<N>>> => {
    return this.args[2].publish(this.manager, name, data, {
      correlationId: this.envelope.correlationid,
      causationId: this.envelope.id,
      ...meta,
    });
  };
}

/** One message of a batch handed to a batch handler. */
export interface BatchItem<T = unknown> {
  envelope: EventEnvelope<T>;
  data: T;
  meta: MessageMeta;
}

/** A batch handler's context: the one transaction that covers the whole batch. */
export class BatchContext extends BaseRpcContext<[EntityManager, EventPublisher]> {
  get manager(): EntityManager {
    return this.args[0];
  }
  get publisher(): EventPublisher {
    return this.args[1];
  }
}

/**
 * `publish` writes an event to the outbox in the caller's transaction: the state change
 * and the events it emits commit together or not at all (docs/architecture.md, "Nothing lost,
 * nothing done twice"). The relay sends it afterwards. Payloads are validated here, so
 * that a producer can never write an event its consumers would refuse. The active trace
 * context goes into the row's headers (`traceparent`, `tracestate`: tracing.ts), so the
 * trace continues in whoever consumes the event.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  createEnvelope,
  EVENTS,
  topicOf,
  validatePayload,
  type EventEnvelope,
  type EventName,
  type PayloadOf,
} from '@datarights/contracts';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { traceHeaders } from './tracing';

export interface PublishMeta {
  correlationId?: string;
  causationId?: string;
  /** Extra Kafka headers (the active trace context is added by itself). */
  headers?: Record<string, string>;
  id?: string;
  time?: Date;
}

export class InvalidEventError extends Error {
  constructor(type: string, reason: string) {
    super(`refusing to publish an invalid ${type}: ${reason}`);
  }
}

export const OUTBOX_CHANNEL = 'datarights_outbox';

/** Publishes into one transaction's outbox, with the metadata the unit of work was bound to. */
export type Publish = <N extends EventName>(name: N, data: PayloadOf<N>) => Promise<EventEnvelope<PayloadOf<N>>>;

/**
 * The one shape every use case writes through (docs/conventions.md, "One unit of work"): a
 * transaction and the publisher bound to it, so that the change and the events it emits
 * commit together. A Kafka handler's `MessageContext` is one (its events are caused by the
 * handled message); code running in a transaction of its own (schedules, HTTP decisions)
 * gets one from `EventPublisher.unitOfWork`.
 */
export interface UnitOfWork {
  readonly manager: EntityManager;
  readonly publish: Publish;
}

/**
 * How the events of a unit of work are correlated: fixed metadata, or `by-request` — each
 * event with the request its payload names (`requestId`), for units that touch several.
 */
export type Correlation = PublishMeta | 'by-request';

function requestIdOf(data: object): string | undefined {
  const id = (data as { requestId?: unknown }).requestId;
  return typeof id === 'string' ? id : undefined;
}

@Injectable()
export class EventPublisher {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  /** The unit of work of a transaction already open (`dataSource.transaction(...)`). */
  unitOfWork(manager: EntityManager, correlation: Correlation = {}): UnitOfWork {
    return {
      manager,
      publish: (name, data) =>
        this.publish(
          manager,
          name,
          data,
          correlation === 'by-request' ? { correlationId: requestIdOf(data) } : correlation,
        ),
    };
  }

  async publish<N extends EventName>(
    manager: EntityManager,
    name: N,
    data: PayloadOf<N>,
    meta: PublishMeta = {},
  ): Promise<EventEnvelope<PayloadOf<N>>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('publish must be called inside a transaction (dataSource.transaction(...))');
    }
    const def = EVENTS[name];
    const checked = validatePayload(def.payload as never, data);
    if (!checked.ok) throw new InvalidEventError(def.type, checked.reason);
    const plain = JSON.parse(JSON.stringify(data)) as PayloadOf<N>;
    const envelope = createEnvelope({
      type: def.type,
      source: this.options.service,
      data: plain,
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      id: meta.id,
      time: meta.time,
    });
    const key = (def.key as (d: PayloadOf<N>) => string)(plain);
    if (!key) throw new InvalidEventError(def.type, 'empty message key');
    // created_at is the clock at the write (now() is the transaction's start): the hop's start (bench/erasure/hops.ts).
    await manager.query(
      `INSERT INTO outbox (id, topic, key, envelope, headers, created_at) VALUES ($1, $2, $3, $4, $5, clock_timestamp())`,
      [
        envelope.id,
        topicOf(def as never, plain as never),
        key,
        JSON.stringify(envelope),
        JSON.stringify({ ...traceHeaders(), ...meta.headers }),
      ],
    );
    // Delivered to the relay's LISTEN only when the transaction commits.
    await manager.query(`SELECT pg_notify($1, $2)`, [OUTBOX_CHANNEL, this.options.schema]);
    return envelope;
  }
}

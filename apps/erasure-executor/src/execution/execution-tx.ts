/**
 * One transaction of the executor: the stores bound to it and the outbox publisher of it.
 * Built here only, for Kafka handlers (events caused by the message they handle) and for
 * the schedules' own transactions.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventName, EVENTS, PayloadOf } from '@datarights/contracts';
import { EventPublisher, type MessageContext } from '@datarights/messaging';
import { RecipientNoticeRepository, type RecipientNoticeStore } from '../recipients/recipient-notice.repository';
import { ExecutionRepository, type ExecutionStore } from './execution.repository';

/**
 * An event's payload, from its class. (The contracts' `PayloadOf` infers `{ requestId }`
 * for every event keyed by request id, which refuses every other field: reported.)
 */
export type Payload<N extends EventName> = InstanceType<(typeof EVENTS)[N]['payload']>;

export type Publish = <N extends EventName>(name: N, data: Payload<N>) => Promise<unknown>;

export interface ExecutionTx {
  store: ExecutionStore;
  notices: RecipientNoticeStore;
  publish: Publish;
}

/** Every event of the executor is about one request: its id is the correlation id. */
const correlation = (data: unknown) => ({ correlationId: (data as { requestId: string }).requestId });

@Injectable()
export class ExecutionTxFactory {
  constructor(
    private readonly repository: ExecutionRepository,
    private readonly notices: RecipientNoticeRepository,
    private readonly publisher: EventPublisher,
  ) {}

  /** In a Kafka handler: the handler's transaction; events name the message as their cause. */
  forMessage(ctx: MessageContext): ExecutionTx {
    return this.build(ctx.manager, (name, data) =>
      ctx.publish(name, data as PayloadOf<typeof name>, correlation(data)),
    );
  }

  /** In a transaction of our own (schedules, batch handlers). */
  forManager(m: EntityManager): ExecutionTx {
    return this.build(m, (name, data) =>
      this.publisher.publish(m, name, data as PayloadOf<typeof name>, correlation(data)),
    );
  }

  private build(m: EntityManager, publish: Publish): ExecutionTx {
    return { store: this.repository.in(m), notices: this.notices.in(m), publish };
  }
}

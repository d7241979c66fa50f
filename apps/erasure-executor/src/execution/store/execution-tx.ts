/**
 * One transaction of the executor: a small store per aggregate bound to it, and its outbox
 * publisher. Built here only, for Kafka handlers (events caused by the message they
 * handle) and for the schedules' own transactions. The use cases (../erasure, ../replies,
 * ...) write only through it: no TypeORM or Kafka in them.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher, type MessageContext, type Publish } from '@datarights/messaging';
import { RecipientNoticeRepository, type RecipientNoticeStore } from '../../recipients/recipient-notice.repository';
import { ActionStore } from './action.store';
import { HoldStore } from './hold.store';
import { ParametersStore } from './parameters.store';
import { RequestStore } from './request.store';
import { SuppressionStore } from './suppression.store';
import { SystemStore } from './system.store';

export interface ExecutionTx {
  requests: RequestStore;
  actions: ActionStore;
  holds: HoldStore;
  parameters: ParametersStore;
  systems: SystemStore;
  suppression: SuppressionStore;
  notices: RecipientNoticeStore;
  publish: Publish;
}

@Injectable()
export class ExecutionTxFactory {
  constructor(
    private readonly notices: RecipientNoticeRepository,
    private readonly publisher: EventPublisher,
  ) {}

  /** In a Kafka handler: the handler's transaction; events name the message as their cause. */
  forMessage(ctx: MessageContext): ExecutionTx {
    return this.build(ctx.manager, (name, data) => ctx.publish(name, data, { correlationId: data.requestId }));
  }

  /** In a transaction of our own (schedules, batch handlers). */
  forManager(m: EntityManager): ExecutionTx {
    // Every event of the executor is about one request: its id is the correlation id.
    return this.build(m, this.publisher.unitOfWork(m, 'by-request').publish);
  }

  private build(m: EntityManager, publish: Publish): ExecutionTx {
    return {
      requests: new RequestStore(m),
      actions: new ActionStore(m),
      holds: new HoldStore(m),
      parameters: new ParametersStore(m),
      systems: new SystemStore(m),
      suppression: new SuppressionStore(m),
      notices: this.notices.in(m),
      publish,
    };
  }
}

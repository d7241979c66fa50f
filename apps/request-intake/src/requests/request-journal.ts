/**
 * Writes a request's timeline: every event handled about it and every event this service
 * publishes about it, in the same transaction as the change (one row per event id, so a
 * redelivery adds nothing). Summaries hold no personal data (timeline-summary.ts).
 */
import { Injectable } from '@nestjs/common';
import type { EventEnvelope, PayloadOf } from '@datarights/contracts';
import { summarise, type AnyEvent, type RequestEventName } from './timeline-summary';
import { RequestsRepository, type Tx } from './requests.repository';
import type { Publish } from '@datarights/messaging';

export interface EventMeta {
  id: string;
  type: string;
  time: string;
}

@Injectable()
export class RequestJournal {
  constructor(private readonly repo: RequestsRepository) {}

  /** An event this service handled. */
  async handled(tx: Tx, requestId: string, meta: EventMeta, event: AnyEvent): Promise<void> {
    await this.repo.appendTimeline(tx, requestId, {
      eventId: meta.id,
      type: meta.type,
      at: new Date(meta.time),
      summary: summarise(event),
    });
  }

  /** Publishes an event of this service and lists it on the request's timeline. */
  async publish<N extends RequestEventName>(
    tx: Tx,
    publish: Publish,
    requestId: string,
    name: N,
    data: PayloadOf<N>,
  ): Promise<EventEnvelope> {
    const envelope = await publish(name, data);
    await this.handled(tx, requestId, envelope, { name, data } as AnyEvent);
    return envelope;
  }
}

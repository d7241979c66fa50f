import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An event a consumer has handled (or dead-lettered). Recorded in the same transaction
 * as the handler's effects, so a redelivered event is recognised and skipped.
 */
@Entity({ name: 'inbox' })
export class InboxEntry {
  @PrimaryColumn('text')
  consumer: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column('text')
  topic: string;

  @Column('text')
  type: string;

  @Column('text', { default: 'handled' })
  status: 'handled' | 'dead-lettered';

  /** When the consumer took the event from Kafka (the handler starts at `handledAt`). */
  @Column({ name: 'received_at', type: 'timestamptz', nullable: true })
  receivedAt: Date | null;

  @Column({ name: 'handled_at', type: 'timestamptz', default: () => 'now()' })
  handledAt: Date;
}

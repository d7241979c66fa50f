/** The timeline: every event concerning a request (handled or published), with a summary holding no personal data. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'request_events' })
export class RequestEventEntity {
  @PrimaryColumn({ type: 'uuid', name: 'request_id' }) requestId: string;
  @PrimaryColumn({ type: 'text', name: 'event_id' }) eventId: string;
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @Column('text') type: string;
  @Column('timestamptz') at: Date;
  @Column('text') summary: string;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A request closed by request-intake (refused, rejected, ...): a plan arriving later is not executed. */
@Entity({ name: 'closed_request' })
export class ClosedRequestEntity {
  @PrimaryColumn('uuid', { name: 'request_id' })
  requestId: string;

  @Column('text')
  outcome: string;

  @Column('timestamptz', { name: 'closed_at' })
  closedAt: Date;
}

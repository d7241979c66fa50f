/**
 * A plan built for a verified request. It holds no personal data: the subject appears only
 * as its pseudonymous subjectRef, the items only as systems, categories and counts.
 */
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PlanItem, RequestType } from '@datarights/contracts';

@Entity({ name: 'plans' })
export class PlanEntity {
  @PrimaryColumn('uuid', { name: 'request_id' })
  requestId: string;

  @Column('text', { name: 'request_type' })
  requestType: RequestType;

  @Column('text', { name: 'subject_ref' })
  subjectRef: string;

  @Column('jsonb')
  items: PlanItem[];

  /** The identityVerified event the plan was built from. */
  @Column('text', { name: 'caused_by' })
  causedBy: string;

  @Column('timestamptz', { name: 'built_at' })
  builtAt: Date;
}

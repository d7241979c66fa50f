import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LinkedSubjectKeys, RequestType } from '@datarights/contracts';

/** One request the executor works on; `completed` makes `executionCompleted` happen once. */
@Entity({ name: 'request_execution' })
export class RequestExecutionEntity {
  @PrimaryColumn('uuid', { name: 'request_id' })
  requestId: string;

  @Column('text', { name: 'request_type' })
  requestType: RequestType;

  /** Personal data: kept only to (re-)send commands, until minimised; never logged. */
  @Column('jsonb', { name: 'subject_keys' })
  subjectKeys: LinkedSubjectKeys;

  @Column('timestamptz', { name: 'requested_at' })
  requestedAt: Date;

  @Column('boolean', { default: false })
  completed: boolean;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;

  /** When the subject keys were replaced by keyed hashes (every action ended, every hold ended). */
  @Column('timestamptz', { name: 'minimised_at', nullable: true })
  minimisedAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}

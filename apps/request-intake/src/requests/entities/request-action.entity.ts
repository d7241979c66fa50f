/** One action of a request on one system: the command sent and what came of it (or a plan item before any command). */
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ActionKind } from '@datarights/contracts';
import type { ActionOutcome, ActionStatus } from '../request-actions';

@Entity({ name: 'request_actions' })
export class RequestActionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('uuid', { name: 'request_id' }) requestId: string;
  @Column('text', { name: 'system_id' }) systemId: string;
  @Column('uuid', { name: 'command_id', nullable: true }) commandId: string | null;
  @Column('text', { nullable: true }) kind: ActionKind | null;
  @Column('jsonb') categories: string[];
  @Column('text') status: ActionStatus;
  @Column('text') outcome: ActionOutcome;
  @Column('int', { name: 'affected_records', nullable: true }) affectedRecords: number | null;
  @Column('int') attempts: number;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('timestamptz', { name: 'close_requested_at', nullable: true }) closeRequestedAt: Date | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

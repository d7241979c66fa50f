import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ActionKind, CommandOutcome, RetainedData } from '@datarights/contracts';

/** `awaiting-acknowledgement`: a processor system's request forwarded to its controller (Art. 28), until the DPO records its answer. */
export const ACTION_STATUSES = [
  'sent',
  'retry-pending',
  'completed',
  'escalated',
  'closed-manually',
  'awaiting-acknowledgement',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** A command sent to one system for one request (or an escalation in its place). */
@Entity({ name: 'action' })
export class ActionEntity {
  /** The command's id: the same on every re-send, so that systems deduplicate it. */
  @PrimaryColumn('uuid', { name: 'command_id' })
  commandId: string;

  @Index('action_request')
  @Column('uuid', { name: 'request_id' })
  requestId: string;

  @Column('text', { name: 'system_id' })
  systemId: string;

  @Column('text')
  kind: ActionKind;

  @Column('text', { array: true })
  categories: string[];

  /** Command fields beyond the common ones (restrict: ground, until, action). */
  @Column('jsonb', { default: {} })
  params: Record<string, unknown>;

  @Column('text')
  status: ActionStatus;

  @Column('int')
  attempts: number;

  @Column('timestamptz', { name: 'respond_by', nullable: true })
  respondBy: Date | null;

  /** When the timeout loop looks at it next (respond_by, or the retry time after a failure). */
  @Column('timestamptz', { name: 'due_at', nullable: true })
  dueAt: Date | null;

  /** A system's reply outcome, or `forwarded` for an acknowledged forward. */
  @Column('text', { nullable: true })
  outcome: CommandOutcome | 'forwarded' | null;

  /** The hold whose end started this action (null for the plan's own actions). */
  @Column('uuid', { name: 'hold_id', nullable: true })
  holdId: string | null;

  @Column('int', { name: 'affected_records', nullable: true })
  affectedRecords: number | null;

  @Column('jsonb', { nullable: true })
  retained: RetainedData[] | null;

  @Column('text', { name: 'last_reason', nullable: true })
  lastReason: string | null;

  /** Who closed it by hand, and why (kept as evidence). */
  @Column('text', { name: 'closed_by', nullable: true })
  closedBy: string | null;

  @Column('text', { name: 'closed_reason', nullable: true })
  closedReason: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}

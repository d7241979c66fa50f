import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Data a system keeps under a legal obligation (Art. 17(3)(b)) until a date, restricted meanwhile (Art. 18). */
@Entity({ name: 'hold' })
export class HoldEntity {
  @PrimaryColumn('uuid', { name: 'hold_id' })
  holdId: string;

  @Column('uuid', { name: 'request_id' })
  requestId: string;

  @Column('text', { name: 'system_id' })
  systemId: string;

  @Column('text')
  category: string;

  /** e.g. `Art. 17(3)(b)`. */
  @Column('text')
  ground: string;

  /** e.g. `Code de commerce L123-22`. */
  @Column('text', { name: 'legal_text' })
  legalText: string;

  /** The policy's period (ISO 8601) and where it runs from, for the record. */
  @Column('text')
  period: string;

  @Column('text', { name: 'period_from' })
  periodFrom: string;

  @Column('timestamptz')
  until: Date;

  /**
   * `active` while the period runs; `expired` once the erase action is started (the durable
   * schedule); `waiting` while the period's start has not happened (`startPending`): never
   * erased by this schedule, `until` is only the earliest it could end. data-locator's
   * purge erases such a record, by name, once its system reports the start and the period
   * from it is over (it holds the index those dates arrive in), so a waiting hold keeps
   * neither the request open nor its keys.
   */
  @Column('text', { default: 'active' })
  status: 'active' | 'expired' | 'waiting';

  /** The records kept, each to its own end (issue 14); null: every record of the category before the hold. */
  @Column('text', { name: 'record_refs', array: true, nullable: true })
  recordRefs: string[] | null;

  /** The policy anchor whose event has not happened yet (e.g. `contract-end`), while `waiting`. */
  @Column('text', { name: 'start_pending', nullable: true })
  startPending: string | null;

  /** Whether the system could erase when the hold was placed; if not, the expiry is escalated to the DPO. */
  @Column('boolean', { name: 'can_erase', default: true })
  canErase: boolean;

  @Column('timestamptz', { name: 'expired_at', nullable: true })
  expiredAt: Date | null;

  @Column('uuid', { name: 'erase_command_id', nullable: true })
  eraseCommandId: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}

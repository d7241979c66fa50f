import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A record a system reported holding, with its latest keys (`kind:value`) and whether it is erased. */
@Entity({ name: 'records' })
export class RecordEntity {
  @PrimaryColumn({ name: 'system_id', type: 'text' })
  systemId: string;

  @PrimaryColumn({ name: 'record_ref', type: 'text' })
  recordRef: string;

  @Column({ type: 'text', array: true })
  keys: string[];

  /** The keys this record links strongly (its system is authoritative for their kind); NULL until classified. */
  @Column({ name: 'strong_keys', type: 'text', array: true, nullable: true })
  strongKeys: string[] | null;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'boolean', default: false })
  erased: boolean;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}

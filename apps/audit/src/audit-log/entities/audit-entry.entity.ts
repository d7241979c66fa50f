import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One entry of the hash-chained evidence log: minimised payload, subjects as keyed hashes only. */
@Entity({ name: 'audit_entries' })
export class AuditEntryEntity {
  /** bigint: the driver returns it as a string. */
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ name: 'event_id', type: 'text', unique: true })
  eventId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  source: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId: string | null;

  @Column({ name: 'subject_hashes', type: 'text', array: true })
  subjectHashes: string[];

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'key_id', type: 'text' })
  keyId: string;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash: string;

  @Column({ type: 'text' })
  hash: string;

  /** Ed25519 signature (base64) of `hash`; null on entries written before signing existed. */
  @Column({ type: 'text', nullable: true })
  signature: string | null;

  @Column({ name: 'sig_key_id', type: 'text', nullable: true })
  sigKeyId: string | null;
}

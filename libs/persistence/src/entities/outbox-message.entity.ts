import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event waiting to be published. Written in the same transaction as the state change
 * that emits it (transactional outbox), sent by the relay, then marked sent.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unsent', ['seq'], { where: 'sent_at IS NULL AND parked_at IS NULL' })
@Index('outbox_unsent_key', ['key', 'seq'], { where: 'sent_at IS NULL AND parked_at IS NULL' })
export class OutboxMessage {
  /** The event id (the envelope's `id`). */
  @PrimaryColumn('uuid')
  id: string;

  /** Insertion order: the relay sends in this order so that one key's events stay ordered. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column('text')
  topic: string;

  @Column('text')
  key: string;

  @Column('jsonb')
  envelope: Record<string, unknown>;

  @Column('jsonb', { default: () => "'{}'" })
  headers: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** Sends Kafka refused for this row (the relay's isolation of a bad row). */
  @Column('int', { default: 0 })
  attempts: number;

  /** Not tried again before this time (capped exponential backoff with jitter). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /**
   * Given up on: no longer sent, and no longer holds back its key's later rows. Cleared
   * (with attempts and next_attempt_at) to replay it: deploy/README.md#outboxrowparked.
   */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt: Date | null;

  @Column({ name: 'park_reason', type: 'text', nullable: true })
  parkReason: string | null;
}

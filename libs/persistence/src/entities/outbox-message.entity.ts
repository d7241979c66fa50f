import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event waiting to be published. Written in the same transaction as the state change
 * that emits it (transactional outbox), sent by the relay, then marked sent.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unsent', ['seq'], { where: 'sent_at IS NULL' })
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
}

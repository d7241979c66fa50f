/** `Idempotency-Key` of a filing, per principal: the same key and body give the same request. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'text', name: 'principal_id' }) principalId: string;
  @PrimaryColumn({ type: 'text' }) key: string;
  /** SHA-256 of the canonical body (no personal data in clear). */
  @Column('text', { name: 'body_hash' }) bodyHash: string;
  @Column('uuid', { name: 'request_id' }) requestId: string;
  @Column('jsonb') response: Record<string, unknown>;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

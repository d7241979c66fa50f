/** Data kept under a legal obligation (Art. 17(3)(b)), restricted until a date (Art. 18): told to the subject at the end. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'request_holds' })
export class RequestHoldEntity {
  @PrimaryColumn({ type: 'uuid', name: 'hold_id' }) holdId: string;
  @Column('uuid', { name: 'request_id' }) requestId: string;
  @Column('text', { name: 'system_id' }) systemId: string;
  @Column('text') category: string;
  @Column('text') ground: string;
  @Column('text', { name: 'legal_text' }) legalText: string;
  @Column('timestamptz') until: Date;
  /** The start not happened yet (the policy's `from`, e.g. `contract-end`): `until` is then the earliest end. */
  @Column('text', { name: 'start_pending', nullable: true }) startPending: string | null;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
  /** When the period ended and the executor sent the erase command (and which). */
  @Column('timestamptz', { name: 'expired_at', nullable: true }) expiredAt: Date | null;
  @Column('uuid', { name: 'erase_command_id', nullable: true }) eraseCommandId: string | null;
}

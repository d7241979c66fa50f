/** A registered company system: one row of the Art. 30 register (GDPR Art. 30(1)). */
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  AutomatedDecisions,
  Capability,
  Recipient,
  SystemRegistered,
  SystemRole,
  Transfer,
} from '@datarights/contracts';

@Entity({ name: 'systems' })
export class SystemEntity {
  @PrimaryColumn('text', { name: 'system_id' })
  systemId: string;

  @Column('text')
  name: string;

  @Column('text')
  owner: string;

  @Column('text')
  role: SystemRole;

  /** For processor systems (Art. 28): the customer who is the controller. */
  @Column('text', { nullable: true })
  controller: string | null;

  @Column('text', { array: true })
  purposes: string[];

  @Column('text', { name: 'legal_basis' })
  legalBasis: string;

  @Column('text', { array: true })
  categories: string[];

  @Column('text')
  location: string;

  /** Transfers to third countries and their Chapter V safeguard (Art. 30(1)(e), 46). */
  @Column('jsonb')
  transfers: Transfer[];

  @Column('jsonb')
  recipients: Recipient[];

  @Column('text', { array: true })
  capabilities: Capability[];

  /** Where the data comes from, when not collected from the subject (Art. 14(2)(f), 15(1)(g)). */
  @Column('text', { nullable: true })
  source: string | null;

  /** The automated decisions it takes (Art. 15(1)(h), 22); null: none. */
  @Column('jsonb', { name: 'automated_decisions', nullable: true })
  automatedDecisions: AutomatedDecisions | null;

  /** The approved registration as received: what the system's next registration is compared with. */
  @Column('jsonb')
  registration: SystemRegistered;

  @Column('text', { name: 'command_topic' })
  commandTopic: string;

  @Column('timestamptz', { name: 'command_topic_ready_at', nullable: true })
  commandTopicReadyAt: Date | null;

  @Column('timestamptz', { name: 'registered_at' })
  registeredAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

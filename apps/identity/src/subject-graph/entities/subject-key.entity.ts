import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One normalised key and the subject it belongs to (a node of the graph). */
@Entity({ name: 'subject_keys' })
export class SubjectKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kind: 'email' | 'customerId' | 'phone';

  @PrimaryColumn({ type: 'text' })
  value: string;

  @Column({ name: 'subject_ref', type: 'text' })
  subjectRef: string;
}

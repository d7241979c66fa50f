import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A subject ref absorbed by a merge, and the subject it now stands for. */
@Entity({ name: 'subject_aliases' })
export class SubjectAliasEntity {
  @PrimaryColumn({ name: 'old_ref', type: 'text' })
  oldRef: string;

  @Column({ name: 'subject_ref', type: 'text' })
  subjectRef: string;

  @Column({ name: 'merged_at', type: 'timestamptz' })
  mergedAt: Date;
}

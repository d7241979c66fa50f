import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RequestType } from '@datarights/contracts';

export const REQUEST_STATUSES = ['indexing', 'matched', 'none', 'several', 'verified', 'closed'] as const;
export type IdentityRequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * A request as identity sees it: the keys it gave (normalised, `kind:value`; cleared when the
 * request closes, Art. 5(1)(e)), the subject it resolved to, and where it stands.
 */
@Entity({ name: 'requests' })
export class IdentityRequestEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'text' })
  type: RequestType;

  @Column({ name: 'given_keys', type: 'text', array: true, nullable: true })
  givenKeys: string[] | null;

  @Column({ name: 'subject_ref', type: 'text', nullable: true })
  subjectRef: string | null;

  @Column({ type: 'text' })
  status: IdentityRequestStatus;

  /** `subject` for a self-service request (challenged with a one-time code); null for requests recorded before issue 4. */
  @Column({ name: 'filed_by', type: 'text', nullable: true })
  filedBy: 'dpo' | 'operator' | 'subject' | null;

  /** Filed by a representative under a mandate: the policy's `verification.representative` applies (the DPO attests), no code is sent. */
  @Column({ name: 'by_representative', type: 'boolean', default: false })
  byRepresentative: boolean;

  /** Filed from a signed-in customer-space session; its customer number is the `customerId:` among the given keys. */
  @Column({ name: 'portal_session', type: 'boolean', default: false })
  portalSession: boolean;

  /** An objection's purposes (Art. 21): one to direct marketing only may need no proof (policy `directMarketing`). */
  @Column({ type: 'text', array: true, nullable: true })
  purposes: string[] | null;

  /** Subjects only weakly linked to `subjectRef` that the DPO included in the request: their keys go with the subject's. */
  @Column({ name: 'included_refs', type: 'text', array: true, nullable: true })
  includedRefs: string[] | null;

  /** While `indexing`: the data-event end offsets the index must reach before "no subject" may be concluded. */
  @Column({ name: 'index_targets', type: 'jsonb', nullable: true })
  indexTargets: Record<string, Record<string, number>> | null;

  /** While `indexing`: when the wait ends and the request goes to the DPO as it stands. */
  @Column({ name: 'resolve_by', type: 'timestamptz', nullable: true })
  resolveBy: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

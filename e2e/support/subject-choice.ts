/**
 * What the automated DPO of the chaos run and the erasure bench decides when identity
 * found several candidates (issue 13: a weak link never decides who a request is about).
 * A real DPO reads each candidate's hints and checks with the requester; these runs file
 * requests for demo customers they know, so they take the candidate identity linked
 * strongly to the identifiers given and include the weakly linked ones (the demo data's
 * weak links are the same customer's records in systems that are not authoritative). Never
 * used by a test that checks the decision itself (e2e/strong-links does it by hand).
 */
export interface Candidate {
  subjectRef: string;
  hints: string[];
}

/** The body of `POST /v1/requests/{id}/subject-decision`. */
export function automatedSubjectDecision(candidates: readonly Candidate[]): {
  decision: 'subject';
  subjectRef: string;
  include: string[];
} {
  if (candidates.length === 0) throw new Error('no candidate to decide between');
  const strong =
    candidates.find((c) => c.hints.some((h) => h.startsWith('strong link: the identifiers given'))) ?? candidates[0]!;
  return {
    decision: 'subject',
    subjectRef: strong.subjectRef,
    include: candidates.filter((c) => c !== strong).map((c) => c.subjectRef),
  };
}

/**
 * One line per event for a request's timeline. It holds no personal data (no identifiers,
 * no addresses, no free text from people or systems): ids, systems, categories, counts,
 * outcomes and legal grounds only (docs/architecture.md: personal data stays where it must).
 */
import type {
  RecipientAcknowledged,
  RecipientAcknowledgementRecorded,
  RecipientDeclined,
  RecipientNotified,
  RecipientNotNotified,
  RecipientReminded,
  RecipientUnacknowledged,
  ActionAcknowledged,
  ActionAcknowledgementRecorded,
  ActionForwarded,
  HoldExpired,
  RequestDeadlineApproaching,
  RequestDeadlineResumed,
  RequestDeadlineSuspended,
  RequestRepeatFlagged,
  ObjectionDecided,
  RestrictionLiftNotified,
  RestrictionLiftRequested,
  RequestExtended,
  RequestMinimised,
  RequestOverdue,
  RequestRefused,
  RequestRejected,
  ActionClosedManually,
  ActionCloseRequested,
  ActionCompleted,
  ActionDispatched,
  ActionEscalated,
  ExecutionCompleted,
  HoldRecorded,
  IdentityChallengeSent,
  IdentityVerified,
  NotificationRequested,
  PlanBuilt,
  RequestClosed,
  RequestSubmitted,
  SubjectDecided,
  SubjectResolved,
  VerificationAttested,
} from '@datarights/contracts';

/** Every event about a request, by its name in the contracts' EVENTS registry. */
export interface RequestEventPayloads {
  requestSubmitted: RequestSubmitted;
  verificationAttested: VerificationAttested;
  subjectDecided: SubjectDecided;
  actionCloseRequested: ActionCloseRequested;
  requestClosed: RequestClosed;
  notificationRequested: NotificationRequested;
  subjectResolved: SubjectResolved;
  identityVerified: IdentityVerified;
  planBuilt: PlanBuilt;
  actionDispatched: ActionDispatched;
  actionCompleted: ActionCompleted;
  actionEscalated: ActionEscalated;
  actionClosedManually: ActionClosedManually;
  holdRecorded: HoldRecorded;
  executionCompleted: ExecutionCompleted;
  requestExtended: RequestExtended;
  requestRefused: RequestRefused;
  requestRejected: RequestRejected;
  requestDeadlineApproaching: RequestDeadlineApproaching;
  requestOverdue: RequestOverdue;
  requestMinimised: RequestMinimised;
  actionAcknowledgementRecorded: ActionAcknowledgementRecorded;
  holdExpired: HoldExpired;
  actionForwarded: ActionForwarded;
  actionAcknowledged: ActionAcknowledged;
  identityChallengeSent: IdentityChallengeSent;
  requestDeadlineResumed: RequestDeadlineResumed;
  requestDeadlineSuspended: RequestDeadlineSuspended;
  requestRepeatFlagged: RequestRepeatFlagged;
  restrictionLiftRequested: RestrictionLiftRequested;
  restrictionLiftNotified: RestrictionLiftNotified;
  objectionDecided: ObjectionDecided;
  recipientNotified: RecipientNotified;
  recipientNotNotified: RecipientNotNotified;
  recipientReminded: RecipientReminded;
  recipientAcknowledged: RecipientAcknowledged;
  recipientDeclined: RecipientDeclined;
  recipientUnacknowledged: RecipientUnacknowledged;
  recipientAcknowledgementRecorded: RecipientAcknowledgementRecorded;
}
export type RequestEventName = keyof RequestEventPayloads;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const day = (iso: string) => iso.slice(0, 10);

/** `["code+customer-number", "dpo-attested"]` → `code + customer-number, or dpo-attested` (proof names only). */
function proofsAwaited(required: readonly string[]): string {
  return required.map((alt) => alt.split('+').join(' + ')).join(', or ');
}

function resolution(
  result: 'matched' | 'none' | 'several',
  candidates: number,
  required?: readonly string[],
  unindexed?: number,
): string {
  switch (result) {
    case 'matched':
      // A representative's request (or one a code cannot prove): the DPO's attestation is what is awaited.
      if (required?.length === 1 && required[0] === 'dpo-attested')
        return "subject matched: awaiting the DPO's attestation of identity (dpo-attested)";
      return required?.length
        ? `subject matched: identity to be proven by ${proofsAwaited(required)}`
        : 'subject matched';
    case 'none':
      return unindexed
        ? `no subject matched the identifiers, though ${plural(unindexed, 'data event')} had not been indexed yet when the wait ended: the DPO decides`
        : 'no subject matched the identifiers: the DPO decides';
    case 'several':
      return `${plural(candidates, 'candidate subject')}: the DPO decides`;
  }
}

/** `mailer`, or `a sub-processor in US` for a recipient without a system id. */
const recipientLabel = (r: { systemId?: string; kind: string; country: string }) =>
  r.systemId ?? `(a ${r.kind} in ${r.country})`;

export type AnyEvent = { [N in RequestEventName]: { name: N; data: RequestEventPayloads[N] } }[RequestEventName];

export function summarise(e: AnyEvent): string {
  switch (e.name) {
    case 'requestSubmitted': {
      // That there is a representative or a portal session, never the mandate's reference.
      const how = e.data.representative
        ? ' for a representative under a mandate'
        : e.data.portalSession
          ? ' from a signed-in customer-space session'
          : '';
      return `${e.data.type} request filed by ${e.data.filedBy}${how} (received by ${e.data.channel}), due ${day(e.data.dueAt)}`;
    }
    case 'verificationAttested':
      return `identity attested by ${e.data.attestedBy} (${e.data.method})`;
    case 'subjectDecided':
      return e.data.decision === 'subject'
        ? `subject chosen by ${e.data.decidedBy} among the candidates${
            e.data.alsoSubjectRefs?.length
              ? `, with ${e.data.alsoSubjectRefs.length} weakly linked candidate(s) included`
              : ''
          }`
        : `${e.data.decidedBy} answered that no data is held`;
    case 'actionCloseRequested':
      return `${e.data.closedBy} asked to close command ${e.data.commandId} by hand`;
    case 'requestClosed':
      return `request closed: ${e.data.outcome}`;
    case 'notificationRequested':
      return `${e.data.template} notice requested (${e.data.channel})`;
    case 'subjectResolved':
      return resolution(e.data.result, e.data.candidates.length, e.data.requiredProofs, e.data.unindexedEvents);
    case 'identityVerified':
      return `identity verified (${e.data.method})`;
    case 'planBuilt': {
      const categories = new Set(e.data.items.flatMap((i) => i.categories)).size;
      return `plan built: ${plural(e.data.items.length, 'system')}, ${plural(categories, 'category', 'categories')}`;
    }
    case 'actionDispatched':
      return `${e.data.kind} sent to ${e.data.systemId} (${e.data.categories.join(', ') || 'no category'}; attempt ${e.data.attempt})`;
    case 'actionCompleted':
      return `${e.data.systemId} answered ${e.data.kind}: ${e.data.outcome}, ${plural(e.data.affectedRecords, 'record')}${e.data.retained.length ? `, ${plural(e.data.retained.length, 'category', 'categories')} retained` : ''}`;
    case 'actionEscalated':
      return `${e.data.kind} on ${e.data.systemId} escalated to the DPO after ${plural(e.data.attempts, 'attempt')}`;
    case 'actionClosedManually':
      return `action on ${e.data.systemId} closed by hand by ${e.data.closedBy}`;
    case 'holdRecorded':
      return `${e.data.systemId}/${e.data.category} retained under ${e.data.ground} (${e.data.legalText}) until ${day(e.data.until)}`;
    case 'executionCompleted':
      return `execution completed: ${plural(e.data.systems.length, 'system')}, ${plural(e.data.holds.length, 'hold')}`;
    // The DPO's free text (reasons, justification, notes) stays off the timeline.
    case 'requestExtended':
      return `deadline extended by ${plural(e.data.months, 'month')} by ${e.data.extendedBy}, now due ${day(e.data.dueAt)} (Art. 12(3))`;
    case 'requestRefused':
      return `${e.data.refusedBy} refused to act, with reasons (Art. 12(4))`;
    case 'requestRejected':
      return `${e.data.rejectedBy} rejected the request as ${e.data.ground.replace('-', ' ')} (Art. 12(5))`;
    case 'requestDeadlineApproaching':
      return `due soon: ${day(e.data.dueAt)} (within ${e.data.within})`;
    case 'requestOverdue':
      return `overdue since ${day(e.data.dueAt)} (Art. 12(3))`;
    case 'requestMinimised':
      return 'identifiers replaced by keyed hashes after the proof period';
    case 'actionAcknowledgementRecorded':
      return `${e.data.recordedBy} recorded the controller's acknowledgement of command ${e.data.commandId}`;
    case 'holdExpired':
      return `${e.data.systemId}/${e.data.category}: retention under ${e.data.legalText} ended ${day(e.data.until)}, erase sent`;
    case 'actionForwarded':
      return `forwarded to the controller of ${e.data.systemId} (processor system; ${e.data.categories.join(', ') || 'no category'})`;
    case 'actionAcknowledged':
      return `the controller of ${e.data.systemId} acknowledged the forwarded request`;
    // Issue 4: the clock stands still while the subject's proof is awaited (décret 2019-536 art. 77).
    case 'identityChallengeSent':
      return `one-time code ${e.data.issue} sent to the contact on file (${e.data.channel}), valid until ${e.data.expiresAt.slice(0, 16)}Z: deadline suspended while the proof is awaited`;
    case 'requestDeadlineResumed':
      return `${e.data.cause === 'information-received' ? 'information received from the subject' : 'identity proven'}: deadline resumed after ${plural(e.data.suspendedDays, 'day')} suspended, now due ${day(e.data.dueAt)}`;
    // The reason (what was asked of the subject) is for the DPO's view of the request, not the timeline.
    case 'requestDeadlineSuspended':
      return `${e.data.suspendedBy} awaits information asked of the subject: deadline suspended (décret 2019-536 art. 77)`;
    case 'requestRepeatFlagged':
      return `${plural(e.data.previousRequestIds.length, 'earlier request')} of the same type within ${e.data.window}: for the DPO to decide (Art. 12(5))`;
    // Issue 7: the subject is told before a restriction is lifted (Art. 18(3)).
    case 'restrictionLiftRequested':
      return `${e.data.requestedBy} asked to lift the restriction (Art. 18(3))`;
    case 'objectionDecided':
      return `${e.data.decidedBy} decided the objection on ${e.data.commandId}: ${e.data.decision === 'upheld' ? 'upheld, the processing stops' : 'overridden by compelling legitimate grounds'} (Art. 21(1))`;
    case 'restrictionLiftNotified':
      return `subject told the restriction is being lifted on ${plural(e.data.systemIds.length, 'system')} (Art. 18(3))`;
    // Art. 19. A recipient's name may be a person's (a sole trader): the timeline names it by
    // its system id, or its kind and country (names are in GET .../recipients); its own
    // answers (free text) stay off the timeline.
    case 'recipientNotified':
      return `recipient ${recipientLabel(e.data.recipient)} told of the ${e.data.action} on ${e.data.fromSystemId} (${e.data.categories.join(', ')}), acknowledgement due ${day(e.data.respondBy)} (Art. 19)`;
    case 'recipientNotNotified':
      return `recipient ${recipientLabel(e.data.recipient)} of ${e.data.fromSystemId} could not be told of the ${e.data.action}: ${e.data.reason} (Art. 19)`;
    case 'recipientReminded':
      return `recipient ${recipientLabel(e.data.recipient)} reminded (reminder ${e.data.reminder}), acknowledgement due ${day(e.data.respondBy)}`;
    case 'recipientAcknowledged':
      return e.data.outcome === 'recorded'
        ? `${e.data.acknowledgedBy} recorded the acknowledgement of recipient ${recipientLabel(e.data.recipient)}`
        : `recipient ${recipientLabel(e.data.recipient)} acknowledged (${e.data.outcome})${e.data.late ? ', after it was recorded as unacknowledged' : ''}`;
    case 'recipientDeclined':
      return `recipient ${recipientLabel(e.data.recipient)} answered that it cannot act on the notice, with its reason`;
    case 'recipientUnacknowledged':
      return `recipient ${recipientLabel(e.data.recipient)} never acknowledged: ${e.data.reason}`;
    case 'recipientAcknowledgementRecorded':
      return `${e.data.recordedBy} recorded a recipient's acknowledgement of notice ${e.data.noticeId}`;
  }
}

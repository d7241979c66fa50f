/**
 * The registry of every event type: its payload class, its topic, its key. Producers and
 * consumers look events up here, and the JSON Schemas and AsyncAPI document are generated
 * from it. A breaking change is a new `.v2` type next to the old one.
 * Long on purpose: one entry per event of the public contract (type, payload, topic,
 * producers, key); the one table a reader scans to know who may say what, and what the
 * AsyncAPI document is generated from.
 */
import type { ClassType } from '../common/validation';
import { commandTopic, isCommandTopic, isTopicOf, systemTopic, TOPICS, type TopicDefinition } from '../topics';
import {
  ActionAcknowledged,
  ActionClosedManually,
  ActionCompleted,
  ActionDispatched,
  ActionEscalated,
  ActionForwarded,
  ExecutionCompleted,
  HoldExpired,
  HoldRecorded,
  RestrictionLiftNotified,
} from './dsr-actions';
import { AuditCheckpoint } from './dsr-audit';
import { IdentityChallengeSent, IdentityVerified, SubjectResolved } from './dsr-identity';
import { PackageDeleted, PackageReady } from './dsr-packages';
import { PlanBuilt } from './dsr-plans';
import {
  ActionAcknowledgementRecorded,
  RecipientAcknowledgementRecorded,
  RestrictionLiftRequested,
  ObjectionDecided,
  ActionCloseRequested,
  RequestClosed,
  RequestDeadlineApproaching,
  RequestDeadlineResumed,
  RequestDeadlineSuspended,
  RequestExtended,
  RequestMinimised,
  RequestOverdue,
  RequestRefused,
  RequestRejected,
  RequestRepeatFlagged,
  RequestSubmitted,
  SubjectDecided,
  VerificationAttested,
} from './dsr-requests';
import { NotificationRequested } from './notifications';
import {
  EraseCommand,
  ExportCommand,
  NotifyCommand,
  RectifyCommand,
  RestrictCommand,
  SuppressCommand,
} from './pdata-commands';
import {
  RecipientAcknowledged,
  RecipientDeclined,
  RecipientNotified,
  RecipientNotNotified,
  RecipientReminded,
  RecipientUnacknowledged,
} from './dsr-recipients';
import { RecordEvent } from './pdata-records';
import { CommandCompleted, CommandFailed } from './pdata-replies';
import { SystemRegistered } from './pdata-systems';
import { SystemApproved, SystemRegistrationHeld, SystemRegistrationRejected } from './dsr-systems';

export interface EventDefinition<T extends object = object> {
  readonly type: string;
  readonly payload: ClassType<T>;
  /** The topic, or `command` for the per-system command topics. */
  readonly topic: TopicDefinition | 'command';
  readonly summary: string;
  /** Who writes it: `systems` (company systems) or a service name. */
  readonly producers: readonly string[];
  /** The message key: never null, never empty (docs/conventions.md). */
  key(data: NoInfer<T>): string;
}

function define<T extends object>(def: EventDefinition<T>): EventDefinition<T> {
  return def;
}

const byRequest = (d: { requestId: string }) => d.requestId;

export const EVENTS = {
  packageReady: define({
    type: 'dsr.package.ready.v1',
    payload: PackageReady,
    topic: TOPICS.actions,
    producers: ['data-locator'],
    summary: 'An access or portability package is assembled: one part of the encrypted zip (Art. 15, 20).',
    key: byRequest,
  }),
  packageDeleted: define({
    type: 'dsr.package.deleted.v1',
    payload: PackageDeleted,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'A package was deleted at the end of its keeping period.',
    key: byRequest,
  }),
  systemRegistered: define({
    type: 'pdata.system.registered.v1',
    payload: SystemRegistered,
    topic: TOPICS.systems,
    producers: ['systems'],
    summary: 'A system announces itself, its role, purposes, categories, recipients, transfers and capabilities.',
    key: (d) => d.systemId,
  }),
  systemRegistrationHeld: define({
    type: 'dsr.system.registration-held.v1',
    payload: SystemRegistrationHeld,
    topic: TOPICS.systemApprovals,
    producers: ['data-locator'],
    summary:
      'A registration that redirects personal data (processor role, controller contact, new capability or recipient system) waits for the DPO (Art. 28, 30, 32).',
    key: (d) => d.systemId,
  }),
  systemApproved: define({
    type: 'dsr.system.approved.v1',
    payload: SystemApproved,
    topic: TOPICS.systemApprovals,
    producers: ['data-locator'],
    summary:
      "A system's registration took effect (approved by the DPO, or needing no approval): what the services keep of the system.",
    key: (d) => d.systemId,
  }),
  systemRegistrationRejected: define({
    type: 'dsr.system.registration-rejected.v1',
    payload: SystemRegistrationRejected,
    topic: TOPICS.systemApprovals,
    producers: ['data-locator'],
    summary: "The DPO rejected a system's registration: the last approved one stays in force.",
    key: (d) => d.systemId,
  }),
  recordStored: define({
    type: 'pdata.record.stored.v1',
    payload: RecordEvent,
    topic: TOPICS.dataEvents,
    producers: ['systems'],
    summary: 'A system stored a record of personal data.',
    key: (d) => `${d.systemId}:${d.recordRef}`,
  }),
  recordUpdated: define({
    type: 'pdata.record.updated.v1',
    payload: RecordEvent,
    topic: TOPICS.dataEvents,
    producers: ['systems'],
    summary: 'A system updated a record of personal data (its keys may have changed).',
    key: (d) => `${d.systemId}:${d.recordRef}`,
  }),
  recordErased: define({
    type: 'pdata.record.erased.v1',
    payload: RecordEvent,
    topic: TOPICS.dataEvents,
    producers: ['systems'],
    summary: 'A system erased a record of personal data.',
    key: (d) => `${d.systemId}:${d.recordRef}`,
  }),
  exportCommand: define({
    type: 'pdata.command.export.v1',
    payload: ExportCommand,
    topic: 'command',
    producers: ['data-locator'],
    summary: "Send every record of the subject's data in these categories (Art. 15, 20).",
    key: byRequest,
  }),
  eraseCommand: define({
    type: 'pdata.command.erase.v1',
    payload: EraseCommand,
    topic: 'command',
    // data-locator: the purge of records past their periods (Art. 5(1)(e)), naming each record.
    producers: ['erasure-executor', 'data-locator'],
    summary:
      "Erase the subject's data in these categories (Art. 17), or, from data-locator's purge, the named records past their periods (Art. 5(1)(e)).",
    key: byRequest,
  }),
  rectifyCommand: define({
    type: 'pdata.command.rectify.v1',
    payload: RectifyCommand,
    topic: 'command',
    producers: ['erasure-executor'],
    summary: "Correct the subject's data with these changes (Art. 16).",
    key: byRequest,
  }),
  restrictCommand: define({
    type: 'pdata.command.restrict.v1',
    payload: RestrictCommand,
    topic: 'command',
    producers: ['erasure-executor'],
    summary: "Keep the subject's data but stop using it (Art. 18), or lift that restriction.",
    key: byRequest,
  }),
  suppressCommand: define({
    type: 'pdata.command.suppress.v1',
    payload: SuppressCommand,
    topic: 'command',
    producers: ['erasure-executor'],
    summary: "Stop processing the subject's data for these purposes, e.g. prospection (Art. 21).",
    key: byRequest,
  }),
  notifyCommand: define({
    type: 'pdata.command.notify.v1',
    payload: NotifyCommand,
    topic: 'command',
    producers: ['erasure-executor'],
    summary:
      'Art. 19 notice to a recipient: data it received was rectified, erased or restricted; acknowledge with a reply.',
    key: byRequest,
  }),
  commandCompleted: define({
    type: 'pdata.command.completed.v1',
    payload: CommandCompleted,
    topic: TOPICS.replies,
    producers: ['systems'],
    summary: 'A system did what a command asked (outcome done, not-found or partial).',
    key: byRequest,
  }),
  commandFailed: define({
    type: 'pdata.command.failed.v1',
    payload: CommandFailed,
    topic: TOPICS.replies,
    producers: ['systems'],
    summary: 'A system could not do what a command asked.',
    key: byRequest,
  }),
  notificationRequested: define({
    type: 'dsr.notification.requested.v1',
    payload: NotificationRequested,
    topic: TOPICS.notifications,
    producers: ['request-intake', 'identity', 'erasure-executor'],
    summary: 'A message for the mail gateway to send to a subject or a controller.',
    key: byRequest,
  }),
  requestSubmitted: define({
    type: 'dsr.request.submitted.v1',
    payload: RequestSubmitted,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'A request was filed and recorded, with its due date.',
    key: byRequest,
  }),
  verificationAttested: define({
    type: 'dsr.verification.attested.v1',
    payload: VerificationAttested,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: "The DPO attests that the requester's identity was checked.",
    key: byRequest,
  }),
  subjectDecided: define({
    type: 'dsr.subject.decided.v1',
    payload: SubjectDecided,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The DPO picked the subject of a request, or answered that no data is held.',
    key: byRequest,
  }),
  actionCloseRequested: define({
    type: 'dsr.action.close-requested.v1',
    payload: ActionCloseRequested,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The DPO closes a stuck action by hand, with a reason.',
    key: byRequest,
  }),
  requestClosed: define({
    type: 'dsr.request.closed.v1',
    payload: RequestClosed,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'A request reached its end (completed, no data held, rejected, unverified).',
    key: byRequest,
  }),
  subjectResolved: define({
    type: 'dsr.subject.resolved.v1',
    payload: SubjectResolved,
    topic: TOPICS.identity,
    producers: ['identity'],
    summary: "The request's identifiers matched one subject, none, or several.",
    key: byRequest,
  }),
  identityVerified: define({
    type: 'dsr.identity.verified.v1',
    payload: IdentityVerified,
    topic: TOPICS.identity,
    producers: ['identity'],
    summary: "The requester's identity is verified; every key linked to the subject.",
    key: byRequest,
  }),
  identityChallengeSent: define({
    type: 'dsr.identity.challenge-sent.v1',
    payload: IdentityChallengeSent,
    topic: TOPICS.identity,
    producers: ['identity'],
    summary: 'A one-time code was sent to a contact on file for the subject; the request awaits their proof.',
    key: byRequest,
  }),
  requestDeadlineResumed: define({
    type: 'dsr.request.deadline-resumed.v1',
    payload: RequestDeadlineResumed,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary:
      "The subject's proof or the information the DPO asked for arrived: the suspended deadline runs again, moved by the days it stood still.",
    key: byRequest,
  }),
  requestDeadlineSuspended: define({
    type: 'dsr.request.deadline-suspended.v1',
    payload: RequestDeadlineSuspended,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The DPO awaits information asked of the subject: the time limit stands still (décret 2019-536 art. 77).',
    key: byRequest,
  }),
  requestRepeatFlagged: define({
    type: 'dsr.request.repeat-flagged.v1',
    payload: RequestRepeatFlagged,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The same subject filed a request of the same type within the window: flagged for the DPO (Art. 12(5)).',
    key: byRequest,
  }),
  planBuilt: define({
    type: 'dsr.plan.built.v1',
    payload: PlanBuilt,
    topic: TOPICS.plans,
    producers: ['data-locator'],
    summary: "Every system and category holding data under any of the subject's keys.",
    key: byRequest,
  }),
  actionDispatched: define({
    type: 'dsr.action.dispatched.v1',
    payload: ActionDispatched,
    topic: TOPICS.actions,
    // data-locator for the export commands of access and portability requests.
    producers: ['erasure-executor', 'data-locator'],
    summary: 'A command was sent to a system (or a request forwarded to a controller).',
    key: byRequest,
  }),
  actionCompleted: define({
    type: 'dsr.action.completed.v1',
    payload: ActionCompleted,
    topic: TOPICS.actions,
    // data-locator for the export commands of access and portability requests.
    producers: ['erasure-executor', 'data-locator'],
    summary: 'A system answered a command.',
    key: byRequest,
  }),
  actionEscalated: define({
    type: 'dsr.action.escalated.v1',
    payload: ActionEscalated,
    topic: TOPICS.actions,
    // data-locator for the export commands of access and portability requests.
    producers: ['erasure-executor', 'data-locator'],
    summary: 'A system did not answer after every retry: the DPO must act.',
    key: byRequest,
  }),
  actionClosedManually: define({
    type: 'dsr.action.closed-manually.v1',
    payload: ActionClosedManually,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'The DPO closed a stuck action by hand, with a reason.',
    key: byRequest,
  }),
  holdRecorded: define({
    type: 'dsr.hold.recorded.v1',
    payload: HoldRecorded,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'Data kept under a legal obligation until a date, restricted meanwhile (Art. 17(3), 18).',
    key: byRequest,
  }),
  executionCompleted: define({
    type: 'dsr.execution.completed.v1',
    payload: ExecutionCompleted,
    topic: TOPICS.actions,
    // data-locator for the export commands of access and portability requests.
    producers: ['erasure-executor', 'data-locator'],
    summary: 'Every action of the request has ended.',
    key: byRequest,
  }),
  requestExtended: define({
    type: 'dsr.request.extended.v1',
    payload: RequestExtended,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The DPO extended the deadline by one or two months, with reasons told to the subject (Art. 12(3)).',
    key: byRequest,
  }),
  requestRefused: define({
    type: 'dsr.request.refused.v1',
    payload: RequestRefused,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'No action is taken on the request; the subject is told why and of the right to complain (Art. 12(4)).',
    key: byRequest,
  }),
  requestRejected: define({
    type: 'dsr.request.rejected.v1',
    payload: RequestRejected,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The DPO rejected the request as manifestly unfounded or excessive, with a justification (Art. 12(5)).',
    key: byRequest,
  }),
  requestDeadlineApproaching: define({
    type: 'dsr.request.deadline-approaching.v1',
    payload: RequestDeadlineApproaching,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: "An open request is due soon (within the policy's dueSoonWithin).",
    key: byRequest,
  }),
  requestOverdue: define({
    type: 'dsr.request.overdue.v1',
    payload: RequestOverdue,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'An open request passed its due date (Art. 12(3)).',
    key: byRequest,
  }),
  requestMinimised: define({
    type: 'dsr.request.minimised.v1',
    payload: RequestMinimised,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: "After the proof period, the closed request's identifiers were replaced by keyed hashes.",
    key: byRequest,
  }),
  actionAcknowledgementRecorded: define({
    type: 'dsr.action.acknowledgement-recorded.v1',
    payload: ActionAcknowledgementRecorded,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The DPO records that the controller acknowledged a forwarded request.',
    key: byRequest,
  }),
  recipientAcknowledgementRecorded: define({
    type: 'dsr.recipient.acknowledgement-recorded.v1',
    payload: RecipientAcknowledgementRecorded,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: "The DPO records a recipient's acknowledgement of an Art. 19 notice received by other means.",
    key: byRequest,
  }),
  restrictionLiftRequested: define({
    type: 'dsr.restriction.lift-requested.v1',
    payload: RestrictionLiftRequested,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary: 'The DPO lifts a restriction (Art. 18(3)): the subject is told first, then the systems.',
    key: byRequest,
  }),
  objectionDecided: define({
    type: 'dsr.objection.decided.v1',
    payload: ObjectionDecided,
    topic: TOPICS.requests,
    producers: ['request-intake'],
    summary:
      'The DPO decided an objection to processing on legitimate interest (Art. 21(1)): upheld, or overridden by compelling grounds.',
    key: byRequest,
  }),
  restrictionLiftNotified: define({
    type: 'dsr.restriction.lift-notified.v1',
    payload: RestrictionLiftNotified,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'The subject was told a restriction is about to be lifted (Art. 18(3)); the lift commands follow.',
    key: byRequest,
  }),
  holdExpired: define({
    type: 'dsr.hold.expired.v1',
    payload: HoldExpired,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: "A hold's period ended: the held data's erase command was sent.",
    key: byRequest,
  }),
  actionForwarded: define({
    type: 'dsr.action.forwarded.v1',
    payload: ActionForwarded,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: "A processor system's part of the request was forwarded to its controller (Art. 28).",
    key: byRequest,
  }),
  actionAcknowledged: define({
    type: 'dsr.action.acknowledged.v1',
    payload: ActionAcknowledged,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'The controller acknowledged a forwarded request: the action is completed (outcome forwarded).',
    key: byRequest,
  }),
  recipientNotified: define({
    type: 'dsr.recipient.notified.v1',
    payload: RecipientNotified,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'A recipient was told of a rectification, erasure or restriction on its command topic (Art. 19).',
    key: byRequest,
  }),
  recipientNotNotified: define({
    type: 'dsr.recipient.not-notified.v1',
    payload: RecipientNotNotified,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'A recipient could not be told (e.g. no command topic in the inventory): the reason (Art. 19).',
    key: byRequest,
  }),
  recipientReminded: define({
    type: 'dsr.recipient.reminded.v1',
    payload: RecipientReminded,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'A recipient that had not acknowledged an Art. 19 notice was sent it again.',
    key: byRequest,
  }),
  recipientAcknowledged: define({
    type: 'dsr.recipient.acknowledged.v1',
    payload: RecipientAcknowledged,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'A recipient acknowledged an Art. 19 notice (or the DPO recorded its acknowledgement).',
    key: byRequest,
  }),
  recipientDeclined: define({
    type: 'dsr.recipient.declined.v1',
    payload: RecipientDeclined,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'A recipient answered that it cannot act on an Art. 19 notice, with its reason.',
    key: byRequest,
  }),
  recipientUnacknowledged: define({
    type: 'dsr.recipient.unacknowledged.v1',
    payload: RecipientUnacknowledged,
    topic: TOPICS.actions,
    producers: ['erasure-executor'],
    summary: 'A recipient never acknowledged an Art. 19 notice after every reminder: recorded for the DPO.',
    key: byRequest,
  }),
  auditCheckpoint: define({
    type: 'dsr.audit.checkpoint.v1',
    payload: AuditCheckpoint,
    topic: TOPICS.auditCheckpoints,
    producers: ['audit'],
    summary:
      "A signed checkpoint of the evidence log (entry count, head hash, time): verify it with audit's public key.",
    key: (d) => d.log,
  }),
} as const;

export type EventName = keyof typeof EVENTS;
export type PayloadOf<N extends EventName> = InstanceType<(typeof EVENTS)[N]['payload']>;

const BY_TYPE = new Map<string, EventDefinition>(Object.values(EVENTS).map((d) => [d.type, d as EventDefinition]));

export function eventByType(type: string): EventDefinition | undefined {
  return BY_TYPE.get(type);
}

export function allEvents(): EventDefinition[] {
  return [...BY_TYPE.values()];
}

/** The topic an event goes to; command topics and a system's own topics depend on the system. */
export function topicOf<T extends object>(def: EventDefinition<T>, data: T): string {
  const systemId = (data as unknown as { systemId: string }).systemId;
  if (def.topic === 'command') return commandTopic(systemId);
  return def.topic.perSystem ? systemTopic(def.topic, systemId) : def.topic.name;
}

/** The events that travel on a topic (a command topic carries every command type). */
export function eventsOnTopic(topic: string): EventDefinition[] {
  return allEvents().filter((d) => (d.topic === 'command' ? isCommandTopic(topic) : isTopicOf(d.topic, topic)));
}

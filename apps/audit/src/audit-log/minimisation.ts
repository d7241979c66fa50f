/**
 * What of an event's payload the audit log keeps: an allow-list per event type (data
 * minimisation, Art. 5(1)(c); docs/architecture.md: the audit log holds no personal data). Only
 * fields named in `keep` are copied, and only if they are scalars or lists of scalars; free
 * text that may hold personal data is reduced to its presence (`reasonGiven: true`), and
 * collections of personal data to their size (`subjectKeysCount: 3`). A field no rule
 * names is dropped, so a field added to a contract later stays out until someone decides
 * it is safe. The rules table is typed by the events registry: an event type without a
 * rule does not compile.
 */
import { EVENTS, type EventName } from '@datarights/contracts';

export interface Rule {
  /** Non-personal scalars (ids, types, statuses, dates, counts) or lists of them: copied. */
  readonly keep?: readonly string[];
  /** Free text or personal values: only `<field>Given: true` when present. */
  readonly flag?: readonly string[];
  /** Collections of personal data: only `<field>Count`. */
  readonly count?: readonly string[];
  /** Objects, or lists of objects, minimised by their own rule. */
  readonly nested?: Readonly<Record<string, Rule>>;
  /** Derived, non-personal facts (e.g. which kinds of key a request gave, never their values). */
  readonly derive?: (data: Record<string, unknown>) => Record<string, unknown>;
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const isPresent = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How many items a collection holds: list length; for an object, the items of its values (e.g. keys in every list). */
export function countOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (isObject(value))
    return Object.values(value).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : isPresent(v) ? 1 : 0), 0);
  return isPresent(value) ? 1 : 0;
}

/** PostgreSQL's jsonb has no NUL character: one would make the entry impossible to store, and the event lost to the log. */
const storable = (v: Scalar): Scalar => (typeof v === 'string' ? v.replace(/\u0000/g, '\uFFFD') : v);

export function applyRule(rule: Rule, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of rule.keep ?? []) {
    const v = data[field];
    if (isScalar(v)) out[field] = storable(v);
    else if (Array.isArray(v) && v.every(isScalar)) out[field] = v.map(storable);
  }
  for (const field of rule.flag ?? []) if (isPresent(data[field])) out[`${field}Given`] = true;
  for (const field of rule.count ?? [])
    if (data[field] !== undefined && data[field] !== null) out[`${field}Count`] = countOf(data[field]);
  for (const [field, inner] of Object.entries(rule.nested ?? {})) {
    const v = data[field];
    if (Array.isArray(v)) out[field] = v.filter(isObject).map((item) => applyRule(inner, item));
    else if (isObject(v)) out[field] = applyRule(inner, v);
  }
  return { ...out, ...(rule.derive?.(data) ?? {}) };
}

const COMMAND: Rule = {
  keep: ['commandId', 'requestId', 'systemId', 'categories', 'respondBy'],
  count: ['subjectKeys'],
};
const RECORD: Rule = { keep: ['systemId', 'category', 'occurredAt'], count: ['subjectKeys'] };
/** A system's own legal ground for keeping data is free text: presence only. */
const RETAINED: Rule = { keep: ['category'], flag: ['reason'] };
const REPLY: Rule = {
  keep: ['commandId', 'requestId', 'systemId', 'outcome', 'affectedRecords'],
  flag: ['error'],
  nested: { retained: RETAINED, export: { keep: ['part', 'parts'], count: ['records'] } },
};
/** A recipient's name may be a person's (a sole trader), as in `systemRegistered`: presence only; the notice id and system id link to the inventory. */
const RECIPIENT: Rule = { keep: ['kind', 'country', 'systemId'], flag: ['name'] };
/** A changed field of a registration: its name; the values on file and asked for only as presence. */
const REGISTRATION_CHANGE: Rule = { keep: ['field'], flag: ['from', 'to'] };
const HOLD: Rule = { keep: ['requestId', 'holdId', 'systemId', 'category', 'ground', 'legalText', 'until'] };
/** Which kinds of identifier a request gave (`email`, `customerId`, ...), never their values. */
const subjectGiven = (d: Record<string, unknown>) => ({
  subjectGiven: isObject(d.subject)
    ? Object.keys(d.subject)
        .filter((k) => isPresent((d.subject as Record<string, unknown>)[k]))
        .sort()
    : [],
});

export const MINIMISATION_RULES: Readonly<Record<EventName, Rule>> = {
  systemRegistered: {
    keep: ['systemId', 'role', 'purposes', 'legalBasis', 'categories', 'location', 'capabilities'],
    // The owner and a processor system's controller (and its contact) may be natural persons; the source is free text.
    flag: ['owner', 'controller', 'controllerContact', 'source'],
    nested: {
      transfers: { keep: ['country', 'mechanism'], flag: ['recipient'] },
      recipients: { keep: ['kind', 'categories', 'country', 'systemId'] },
    },
  },
  // Registrations that redirect personal data wait for the DPO (Art. 28, 30, 32): which field
  // changed is kept, its values (a controller's contact may be a person's) only as presence.
  systemRegistrationHeld: {
    keep: ['registrationId', 'systemId', 'registeredAt'],
    nested: { changes: REGISTRATION_CHANGE },
  },
  systemApproved: {
    keep: [
      'registrationId',
      'systemId',
      'registeredAt',
      'approval',
      'approvedBy',
      'approvedAt',
      'role',
      'purposes',
      'legalBasis',
      'categories',
      'location',
      'capabilities',
    ],
    flag: ['owner', 'controller', 'controllerContact', 'source'],
    nested: {
      changes: REGISTRATION_CHANGE,
      transfers: { keep: ['country', 'mechanism'], flag: ['recipient'] },
      recipients: { keep: ['kind', 'categories', 'country', 'systemId'] },
    },
  },
  systemRegistrationRejected: { keep: ['registrationId', 'systemId', 'rejectedBy', 'rejectedAt'], flag: ['reason'] },
  recordStored: RECORD,
  recordUpdated: RECORD,
  recordErased: RECORD,
  exportCommand: COMMAND,
  eraseCommand: COMMAND,
  rectifyCommand: { ...COMMAND, count: ['subjectKeys', 'changes'] },
  restrictCommand: { ...COMMAND, keep: [...COMMAND.keep!, 'ground', 'until', 'action'] },
  suppressCommand: { ...COMMAND, keep: [...COMMAND.keep!, 'purposes'], flag: ['reason'] },
  // Art. 19: the corrected values of a rectification are personal data: presence only.
  notifyCommand: {
    ...COMMAND,
    keep: [...COMMAND.keep!, 'action', 'fromSystemId', 'ground', 'reminder'],
    flag: ['changes'],
  },
  commandCompleted: REPLY,
  commandFailed: REPLY,
  notificationRequested: { keep: ['notificationId', 'requestId', 'channel', 'template', 'locale'] },
  // A representative's mandate reference and name never enter the log: that there is one only (`representativeGiven`).
  requestSubmitted: {
    keep: ['requestId', 'type', 'channel', 'receivedAt', 'dueAt', 'filedBy'],
    flag: ['representative'],
    derive: subjectGiven,
  },
  verificationAttested: { keep: ['requestId', 'method', 'attestedBy', 'attestedAt'] },
  subjectDecided: { keep: ['requestId', 'decision', 'subjectRef', 'decidedBy'] },
  actionCloseRequested: { keep: ['requestId', 'commandId', 'closedBy'], flag: ['reason'] },
  requestClosed: { keep: ['requestId', 'type', 'outcome', 'closedAt', 'dueAt', 'receivedAt'] },
  subjectResolved: {
    keep: ['requestId', 'result', 'subjectRef'],
    nested: { candidates: { keep: ['subjectRef', 'records'] } },
  },
  identityVerified: {
    keep: ['requestId', 'requestType', 'subjectRef', 'method', 'attestedBy', 'verifiedAt'],
    count: ['subjectKeys'],
  },
  // Issue 4: how identity is verified, never the code nor the address it went to.
  identityChallengeSent: { keep: ['requestId', 'channel', 'issue', 'sentAt', 'expiresAt'] },
  requestDeadlineResumed: {
    keep: ['requestId', 'suspendedAt', 'resumedAt', 'suspendedDays', 'previousDueAt', 'dueAt', 'cause'],
  },
  // What the DPO asked the subject for is free text: presence only.
  requestDeadlineSuspended: { keep: ['requestId', 'suspendedAt', 'suspendedBy'], flag: ['reason'] },
  requestRepeatFlagged: { keep: ['requestId', 'type', 'previousRequestIds', 'window'] },
  planBuilt: {
    keep: ['requestId', 'requestType', 'subjectRef'],
    count: ['subjectKeys'],
    nested: { items: { keep: ['systemId', 'role', 'categories', 'capabilities', 'records'], flag: ['controller'] } },
  },
  actionDispatched: { keep: ['requestId', 'commandId', 'systemId', 'kind', 'categories', 'attempt', 'respondBy'] },
  actionCompleted: {
    keep: ['requestId', 'commandId', 'systemId', 'kind', 'outcome', 'affectedRecords'],
    flag: ['error'],
    nested: { retained: RETAINED },
  },
  actionEscalated: { keep: ['requestId', 'commandId', 'systemId', 'kind', 'attempts'], flag: ['reason'] },
  actionClosedManually: { keep: ['requestId', 'commandId', 'systemId', 'closedBy'], flag: ['reason'] },
  holdRecorded: HOLD,
  executionCompleted: {
    keep: ['requestId'],
    nested: { systems: { keep: ['systemId', 'outcome', 'affectedRecords', 'categories'] }, holds: HOLD },
  },
  // Art. 12(3)–(5): the DPO's reasons and justification are free text: presence only.
  requestExtended: { keep: ['requestId', 'months', 'previousDueAt', 'dueAt', 'extendedBy'], flag: ['reason'] },
  requestRefused: { keep: ['requestId', 'type', 'refusedBy', 'refusedAt'], flag: ['reasons'] },
  requestRejected: { keep: ['requestId', 'type', 'ground', 'rejectedBy', 'rejectedAt'], flag: ['justification'] },
  requestDeadlineApproaching: { keep: ['requestId', 'type', 'dueAt', 'within'] },
  requestOverdue: { keep: ['requestId', 'type', 'dueAt', 'status'] },
  requestMinimised: { keep: ['requestId', 'closedAt', 'minimisedAt'] },
  actionAcknowledgementRecorded: { keep: ['requestId', 'commandId', 'recordedBy'], flag: ['note'] },
  // Issue 7: Art. 18(3), the subject told before a restriction is lifted.
  restrictionLiftRequested: { keep: ['requestId', 'requestedBy'], flag: ['reason'] },
  objectionDecided: { keep: ['requestId', 'commandId', 'decision', 'decidedBy'], flag: ['grounds'] },
  restrictionLiftNotified: { keep: ['requestId', 'notificationId', 'systemIds', 'notifiedAt'] },
  holdExpired: {
    keep: ['requestId', 'holdId', 'systemId', 'category', 'ground', 'legalText', 'until', 'expiredAt', 'commandId'],
  },
  actionForwarded: {
    keep: ['requestId', 'commandId', 'systemId', 'categories', 'notificationId'],
    flag: ['controller'],
  },
  actionAcknowledged: { keep: ['requestId', 'commandId', 'systemId', 'acknowledgedBy'] },
  // Art. 19: our own reasons are kept; a recipient's free-text answer and the DPO's note are
  // reduced to their presence.
  recipientNotified: {
    keep: ['requestId', 'noticeId', 'fromSystemId', 'action', 'categories', 'respondBy'],
    nested: { recipient: RECIPIENT },
  },
  recipientNotNotified: {
    keep: ['requestId', 'noticeId', 'fromSystemId', 'action', 'categories', 'reason'],
    nested: { recipient: RECIPIENT },
  },
  recipientReminded: { keep: ['requestId', 'noticeId', 'reminder', 'respondBy'], nested: { recipient: RECIPIENT } },
  recipientAcknowledged: {
    keep: ['requestId', 'noticeId', 'outcome', 'acknowledgedBy', 'late'],
    nested: { recipient: RECIPIENT },
  },
  recipientDeclined: { keep: ['requestId', 'noticeId'], flag: ['reason'], nested: { recipient: RECIPIENT } },
  recipientUnacknowledged: { keep: ['requestId', 'noticeId', 'reminders', 'reason'], nested: { recipient: RECIPIENT } },
  recipientAcknowledgementRecorded: { keep: ['requestId', 'noticeId', 'recordedBy'], flag: ['note'] },
  // The encrypted package itself never enters the log: its size and digest only.
  packageReady: {
    keep: ['requestId', 'packageId', 'requestType', 'part', 'parts', 'sha256', 'records', 'categories', 'assembledAt'],
    count: ['data'],
  },
  packageDeleted: { keep: ['requestId', 'packageId', 'deletedAt', 'reason'] },
  /** Not audited (it describes the log itself), but minimised like any other if it ever were. */
  auditCheckpoint: { keep: ['log', 'entries', 'headSeq', 'headHash', 'time', 'keyId', 'signature'] },
};

const RULE_BY_TYPE = new Map<string, Rule>(
  (Object.keys(EVENTS) as EventName[]).map((name) => [EVENTS[name].type, MINIMISATION_RULES[name]]),
);

export function ruleFor(type: string): Rule | undefined {
  return RULE_BY_TYPE.get(type);
}

/** The payload as the audit log stores it. An event type without a rule is refused, never stored whole. */
export function minimise(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const rule = ruleFor(type);
  if (!rule) throw new Error(`no minimisation rule for event type ${type}`);
  return applyRule(rule, data);
}

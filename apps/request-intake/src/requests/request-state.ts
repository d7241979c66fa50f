/**
 * The request state machine: every status, the transition table, and the DPO commands
 * each status allows. Pure (no I/O), so that the HTTP routes and the event projection
 * apply the same rules.
 *
 *   received ──► awaiting-subject-decision ──► awaiting-verification ──► verified ──► in-progress ◄──► needs-attention
 *      │                    │                        ▲                          │        │                │
 *      └────────────────────┼────────────────────────┘                          │        └──► completed ◄─┘
 *      │                    └──► closed (no data held; refused; rejected) ◄─────┘
 *      └───────────────────────► closed ◄── awaiting-verification
 *
 * Before execution starts, the DPO may refuse (Art. 12(4)) or reject (Art. 12(5)) a
 * request: it closes. Once commands are out (in-progress), it runs to its end.
 */

export const REQUEST_STATUSES = [
  'received',
  'awaiting-subject-decision',
  'awaiting-verification',
  'verified',
  'in-progress',
  'needs-attention',
  'completed',
  'closed',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** How a request ended (mirrors the contract's REQUEST_OUTCOMES). */
export const REQUEST_OUTCOMES = ['completed', 'no-data-held', 'rejected', 'unverified', 'refused'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** The transition table: the statuses each status may move to in one step. */
export function nextStatuses(status: RequestStatus): readonly RequestStatus[] {
  switch (status) {
    case 'received':
      return ['awaiting-subject-decision', 'awaiting-verification', 'closed'];
    case 'awaiting-subject-decision':
      return ['awaiting-verification', 'closed'];
    case 'awaiting-verification':
      return ['verified', 'closed'];
    case 'verified':
      return ['in-progress', 'closed'];
    case 'in-progress':
      return ['needs-attention', 'completed'];
    case 'needs-attention':
      return ['in-progress', 'completed'];
    case 'completed':
      return [];
    case 'closed':
      return [];
  }
}

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return nextStatuses(from).includes(to);
}

/** A request that has ended: nothing moves it any more (events only add to its timeline). */
export function isFinal(status: RequestStatus): boolean {
  return nextStatuses(status).length === 0;
}

/** Whether `to` can be reached from `from` in one or more steps of the table. */
export function isReachable(from: RequestStatus, to: RequestStatus): boolean {
  const seen = new Set<RequestStatus>([from]);
  const queue: RequestStatus[] = [from];
  while (queue.length > 0) {
    for (const next of nextStatuses(queue.shift()!)) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/**
 * Where an event moves a request. Events come from several topics, so one may be handled
 * before an earlier one (a plan before the verification it follows): a later milestone
 * moves the request forward through the table (the missing steps are implied), and an
 * event whose target is behind the request, or unreachable from it (a late dispatch after
 * completion), leaves the status as it is.
 */
export function advance(current: RequestStatus, target: RequestStatus): RequestStatus {
  return current !== target && isReachable(current, target) ? target : current;
}

/** What the DPO can do to a request through the API. */
export const REQUEST_COMMANDS = [
  'attest-verification',
  'decide-subject',
  'decide-no-data-held',
  'close-action',
  'extend',
  'refuse',
  'reject',
  'acknowledge-forward',
  'await-information',
  'receive-information',
] as const;
export type RequestCommand = (typeof REQUEST_COMMANDS)[number];

/** The status a command needs, and the status it moves the request to (undefined: unchanged; events will move it). */
export function commandRule(command: RequestCommand): { from: readonly RequestStatus[]; to?: RequestStatus } {
  switch (command) {
    // décret 2019-536 art. 77: the DPO's attestation is the verification; the request is
    // verified at once (the DPO reads their own decision). Identity's identityVerified, which
    // follows, adds the subject's keys and leaves the status where it is.
    case 'attest-verification':
      return { from: ['awaiting-verification'], to: 'verified' };
    case 'decide-subject':
      return { from: ['awaiting-subject-decision'], to: 'awaiting-verification' };
    // Art. 12(4): the subject is told no data is held, and the request ends.
    case 'decide-no-data-held':
      return { from: ['awaiting-subject-decision'], to: 'closed' };
    // The executor closes the action and answers with actionClosedManually.
    case 'close-action':
      return { from: ['needs-attention'] };
    // Art. 12(3): while the request is open (and, checked apart, within the first month).
    case 'extend':
      return { from: OPEN_STATUSES };
    // Art. 12(4) and 12(5): before execution starts; the request closes.
    case 'refuse':
    case 'reject':
      return { from: ['received', 'awaiting-subject-decision', 'awaiting-verification', 'verified'], to: 'closed' };
    // The controller acknowledged a request forwarded for a processor system; the executor completes the action.
    case 'acknowledge-forward':
      return { from: ['in-progress', 'needs-attention'] };
    // décret 2019-536 art. 77: the DPO awaits information asked of the subject; the clock stands
    // still. Not while identity's own wait for the proof runs: the same days would count twice.
    case 'await-information':
      return { from: OPEN_STATUSES.filter((s) => s !== 'awaiting-verification') };
    case 'receive-information':
      return { from: OPEN_STATUSES };
  }
}

/** Every status but the final ones. */
export const OPEN_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter(
  (s) => !['completed', 'closed'].includes(s),
);

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: RequestStatus,
    readonly command: RequestCommand,
  ) {
    const allowed = commandRule(command).from.join(', ');
    super(`cannot ${command.replace(/-/g, ' ')} a request that is ${from} (allowed when: ${allowed})`);
  }
}

/** Checks a DPO command against the current status; returns the status to move to. */
export function applyCommand(current: RequestStatus, command: RequestCommand): RequestStatus {
  const rule = commandRule(command);
  if (!rule.from.includes(current)) throw new InvalidTransitionError(current, command);
  if (rule.to === undefined) return current;
  if (!canTransition(current, rule.to)) throw new InvalidTransitionError(current, command);
  return rule.to;
}

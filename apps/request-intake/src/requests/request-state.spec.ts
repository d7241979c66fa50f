import {
  advance,
  applyCommand,
  canTransition,
  InvalidTransitionError,
  isFinal,
  isReachable,
  nextStatuses,
  REQUEST_COMMANDS,
  REQUEST_STATUSES,
  commandRule,
  type RequestStatus,
} from './request-state';

describe('request state machine', () => {
  const allowed: Array<[RequestStatus, RequestStatus]> = [
    ['received', 'awaiting-subject-decision'],
    ['received', 'awaiting-verification'],
    ['received', 'closed'],
    ['awaiting-subject-decision', 'awaiting-verification'],
    ['awaiting-subject-decision', 'closed'],
    ['awaiting-verification', 'verified'],
    ['awaiting-verification', 'closed'],
    ['verified', 'in-progress'],
    ['verified', 'closed'],
    ['in-progress', 'needs-attention'],
    ['needs-attention', 'in-progress'],
    ['in-progress', 'completed'],
    ['needs-attention', 'completed'],
  ];

  it('allows exactly the transitions of the table', () => {
    for (const from of REQUEST_STATUSES) {
      for (const to of REQUEST_STATUSES) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect([from, to, canTransition(from, to)]).toEqual([from, to, expected]);
      }
    }
  });

  it('has exactly two final statuses', () => {
    expect(REQUEST_STATUSES.filter(isFinal)).toEqual(['completed', 'closed']);
  });

  it('reaches every status from received', () => {
    for (const s of REQUEST_STATUSES.filter((x) => x !== 'received')) expect(isReachable('received', s)).toBe(true);
  });

  it('never reaches back from a final status', () => {
    for (const s of REQUEST_STATUSES) {
      expect(isReachable('completed', s)).toBe(false);
      expect(isReachable('closed', s)).toBe(false);
    }
  });

  it('lists each next status once', () => {
    for (const s of REQUEST_STATUSES) expect(new Set(nextStatuses(s)).size).toBe(nextStatuses(s).length);
  });
});

describe('advance (events, possibly out of order)', () => {
  it.each<[RequestStatus, RequestStatus, RequestStatus, string]>([
    ['received', 'awaiting-verification', 'awaiting-verification', 'one step'],
    ['awaiting-verification', 'in-progress', 'in-progress', 'a plan handled before the verification it follows'],
    ['verified', 'completed', 'completed', 'execution completed handled before the plan'],
    ['in-progress', 'needs-attention', 'needs-attention', 'escalation'],
    ['needs-attention', 'in-progress', 'in-progress', 'escalation resolved'],
    ['completed', 'in-progress', 'completed', 'a late dispatch after completion'],
    ['completed', 'needs-attention', 'completed', 'a late escalation after completion'],
    ['verified', 'awaiting-verification', 'verified', 'a late subject resolution'],
    [
      'awaiting-verification',
      'awaiting-subject-decision',
      'awaiting-verification',
      'a resolution after the DPO decided',
    ],
    ['closed', 'completed', 'closed', 'a closed request stays closed'],
    ['in-progress', 'in-progress', 'in-progress', 'same status'],
  ])('%s + event targeting %s → %s (%s)', (current, target, expected) => {
    expect(advance(current, target)).toBe(expected);
  });
});

describe('DPO commands', () => {
  it('attesting verification is only possible while awaiting verification, and verifies the request at once', () => {
    expect(applyCommand('awaiting-verification', 'attest-verification')).toBe('verified');
    for (const s of REQUEST_STATUSES.filter((x) => x !== 'awaiting-verification')) {
      expect(() => applyCommand(s, 'attest-verification')).toThrow(InvalidTransitionError);
    }
  });

  it('a subject decision moves awaiting-subject-decision on', () => {
    expect(applyCommand('awaiting-subject-decision', 'decide-subject')).toBe('awaiting-verification');
    expect(applyCommand('awaiting-subject-decision', 'decide-no-data-held')).toBe('closed');
    expect(() => applyCommand('awaiting-verification', 'decide-subject')).toThrow(
      /cannot decide subject a request that is awaiting-verification/,
    );
    expect(() => applyCommand('closed', 'decide-no-data-held')).toThrow(InvalidTransitionError);
  });

  it('closing an action needs a request still being executed', () => {
    expect(applyCommand('needs-attention', 'close-action')).toBe('needs-attention');
    expect(() => applyCommand('completed', 'close-action')).toThrow(InvalidTransitionError);
  });

  it('every command that moves a request follows the table', () => {
    for (const c of REQUEST_COMMANDS) {
      const rule = commandRule(c);
      if (rule.to) for (const from of rule.from) expect(canTransition(from, rule.to)).toBe(true);
    }
  });
});

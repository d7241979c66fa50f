import {
  actionsTarget,
  attentionReasons,
  mergeAction,
  plannedAction,
  settleWithOutcomes,
  type ActionState,
  type ActionUpdate,
} from './request-actions';

const CMD = '8d7f2f56-2a4b-4a53-9c8b-1f0c2f3a4b5c';
const dispatched = (attempt = 1): ActionUpdate => ({
  event: 'dispatched',
  commandId: CMD,
  systemId: 'crm',
  kind: 'erase',
  categories: ['identification'],
  attempt,
});
const completed: ActionUpdate = {
  event: 'completed',
  commandId: CMD,
  systemId: 'crm',
  kind: 'erase',
  outcome: 'done',
  affectedRecords: 3,
};
const escalated: ActionUpdate = {
  event: 'escalated',
  commandId: CMD,
  systemId: 'crm',
  kind: 'erase',
  reason: 'no reply after 5 attempts',
  attempts: 5,
};
const closed: ActionUpdate = { event: 'closed-manually', commandId: CMD, systemId: 'crm', reason: 'erased by hand' };

const fold = (updates: ActionUpdate[], start?: ActionState) =>
  updates.reduce<ActionState | undefined>((s, u) => mergeAction(s, u), start)!;

describe('mergeAction', () => {
  it("a dispatch claims the system's plan row", () => {
    const a = mergeAction(plannedAction('crm', ['identification', 'relationship']), dispatched());
    expect(a).toMatchObject({
      commandId: CMD,
      kind: 'erase',
      status: 'dispatched',
      outcome: 'pending',
      attempts: 1,
      categories: ['identification'],
    });
  });

  it('dispatch then reply: completed with the outcome and count', () => {
    expect(fold([dispatched(), completed])).toMatchObject({
      status: 'completed',
      outcome: 'done',
      affectedRecords: 3,
      attempts: 1,
    });
  });

  it('a late dispatch after the reply changes nothing but attempts', () => {
    const a = fold([dispatched(1), completed, dispatched(2)]);
    expect(a).toMatchObject({ status: 'completed', outcome: 'done', attempts: 2 });
  });

  it('a reply before its dispatch (other order) still ends completed', () => {
    expect(fold([completed, dispatched(1)])).toMatchObject({
      status: 'completed',
      outcome: 'done',
      commandId: CMD,
      categories: ['identification'],
    });
  });

  it('escalation keeps its reason and count; a new attempt lifts it', () => {
    const e = fold([dispatched(1), escalated]);
    expect(e).toMatchObject({ status: 'escalated', reason: 'no reply after 5 attempts', attempts: 5 });
    expect(mergeAction(e, dispatched(3))).toMatchObject({ status: 'escalated' });
    expect(mergeAction(e, dispatched(6))).toMatchObject({ status: 'dispatched', attempts: 6 });
  });

  it('an escalation after the reply is ignored', () => {
    expect(fold([dispatched(), completed, escalated])).toMatchObject({ status: 'completed', outcome: 'done' });
  });

  it('closed by hand after escalation', () => {
    expect(fold([dispatched(), escalated, closed])).toMatchObject({
      status: 'closed-manually',
      outcome: 'closed-manually',
      reason: 'erased by hand',
    });
  });

  it('a late reply after a manual close is the truth', () => {
    expect(fold([dispatched(), escalated, closed, completed])).toMatchObject({
      status: 'completed',
      outcome: 'done',
      reason: 'erased by hand',
    });
  });

  it('a manual close after the reply is ignored', () => {
    expect(fold([dispatched(), completed, closed])).toMatchObject({ status: 'completed', outcome: 'done' });
  });

  it('the same event twice gives the same state', () => {
    const once = fold([dispatched(), escalated]);
    expect(mergeAction(once, escalated)).toEqual(once);
  });

  it('a failed reply keeps the error', () => {
    expect(
      fold([dispatched(), { ...completed, outcome: 'failed', affectedRecords: 0, error: 'timeout' } as ActionUpdate]),
    ).toMatchObject({ status: 'completed', outcome: 'failed', reason: 'timeout' });
  });
});

describe('attention', () => {
  const esc = fold([dispatched(), escalated]);
  const done = fold([dispatched(), completed]);

  it('lists escalated actions with their reason', () => {
    expect(attentionReasons([esc, done])).toEqual(['crm: no reply after 5 attempts']);
    expect(actionsTarget([esc, done])).toBe('needs-attention');
  });

  it('is empty once every escalation is closed', () => {
    const closedOne = mergeAction(esc, closed);
    expect(attentionReasons([closedOne, done])).toEqual([]);
    expect(actionsTarget([closedOne, done])).toBe('in-progress');
    expect(actionsTarget([])).toBe('in-progress');
  });
});

describe('settleWithOutcomes', () => {
  const row = (id: string, a: ActionState) => ({ ...a, id });

  it('settles plan rows without a command and adds systems never seen', () => {
    const actions = [row('1', plannedAction('billing', ['invoices'])), row('2', fold([dispatched(), completed]))];
    const changes = settleWithOutcomes(actions, [
      { systemId: 'billing', outcome: 'retained', affectedRecords: 0, categories: ['invoices'] },
      { systemId: 'crm', outcome: 'done', affectedRecords: 3, categories: ['identification'] },
      { systemId: 'support', outcome: 'not-found', affectedRecords: 0, categories: ['relationship'] },
    ]);
    expect(changes).toEqual([
      {
        id: '1',
        state: expect.objectContaining({
          systemId: 'billing',
          status: 'completed',
          outcome: 'retained',
          affectedRecords: 0,
          categories: ['invoices'],
        }),
      },
      {
        state: expect.objectContaining({
          systemId: 'support',
          commandId: null,
          status: 'completed',
          outcome: 'not-found',
          categories: ['relationship'],
        }),
      },
    ]);
  });

  it('an outcome outside the known list is recorded as failed', () => {
    expect(
      settleWithOutcomes([], [{ systemId: 'x', outcome: 'weird', affectedRecords: 0, categories: [] }])[0].state
        .outcome,
    ).toBe('failed');
  });
});

describe('processor systems: forwarded to the controller, then acknowledged', () => {
  const forwarded: ActionUpdate = {
    event: 'forwarded',
    commandId: CMD,
    systemId: 'hosting',
    categories: ['identification'],
  };
  const acknowledged: ActionUpdate = { event: 'acknowledged', commandId: CMD, systemId: 'hosting' };

  it('awaits the acknowledgement, which the DPO sees, then completes with outcome forwarded', () => {
    const waiting = fold([forwarded], plannedAction('hosting', ['identification']));
    expect(waiting).toMatchObject({
      kind: 'forward',
      status: 'awaiting-acknowledgement',
      outcome: 'pending',
      categories: ['identification'],
    });
    expect(attentionReasons([waiting])).toEqual([
      'hosting: forwarded to the controller (processor system): awaiting its acknowledgement',
    ]);
    expect(actionsTarget([waiting])).toBe('in-progress');
    const done = mergeAction(waiting, acknowledged);
    expect(done).toMatchObject({ kind: 'forward', status: 'completed', outcome: 'forwarded' });
    expect(attentionReasons([done])).toEqual([]);
  });

  it('a late forwarded event after the acknowledgement changes nothing', () => {
    expect(fold([acknowledged, forwarded])).toMatchObject({
      status: 'completed',
      outcome: 'forwarded',
      categories: ['identification'],
    });
  });
});

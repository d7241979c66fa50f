import type { HoldRecorded } from '@datarights/contracts';
import { summariseExecution, systemOutcome, type ActionView } from './completion';

const R = '00000000-0000-4000-8000-000000000001';
const act = (o: Partial<ActionView>): ActionView => ({
  systemId: 'crm',
  kind: 'erase',
  categories: ['identification'],
  status: 'completed',
  outcome: 'done',
  affectedRecords: 1,
  ...o,
});
const hold = (o: Partial<HoldRecorded>): HoldRecorded => ({
  requestId: R,
  holdId: '00000000-0000-4000-8000-0000000000aa',
  systemId: 'billing',
  category: 'billing',
  ground: 'Art. 17(3)(b)',
  legalText: 'Code de commerce L123-22',
  until: '2035-01-31T10:00:00.000Z',
  ...o,
});

describe('the completion rule', () => {
  it('completes at once a plan with no actions and no holds', () => {
    expect(summariseExecution(R, [], [])).toEqual({ requestId: R, systems: [], holds: [] });
  });

  it.each(['sent', 'retry-pending', 'escalated'] as const)('waits while an action is %s', (status) => {
    expect(
      summariseExecution(R, [act({}), act({ systemId: 'billing', status, outcome: null, affectedRecords: null })], []),
    ).toBeNull();
  });

  it('completes when every action is completed or closed by hand', () => {
    const summary = summariseExecution(
      R,
      [
        act({ affectedRecords: 3 }),
        act({ systemId: 'billing', kind: 'restrict', categories: ['billing'], affectedRecords: 2 }),
        act({ systemId: 'legacy', status: 'closed-manually', outcome: null, affectedRecords: null }),
      ],
      [hold({})],
    );
    expect(summary).toEqual({
      requestId: R,
      systems: [
        { systemId: 'billing', outcome: 'retained', affectedRecords: 2, categories: ['billing'] },
        { systemId: 'crm', outcome: 'done', affectedRecords: 3, categories: ['identification'] },
        { systemId: 'legacy', outcome: 'closed-manually', affectedRecords: 0, categories: ['identification'] },
      ],
      holds: [hold({})],
    });
  });

  it('reports a system that only holds (no restrict capability, no action) as retained', () => {
    expect(summariseExecution(R, [], [hold({})])?.systems).toEqual([
      { systemId: 'billing', outcome: 'retained', affectedRecords: 0, categories: ['billing'] },
    ]);
  });
});

describe('systemOutcome', () => {
  it.each([
    ['erase done', [act({})], [], 'done'],
    ['erase not-found', [act({ outcome: 'not-found' })], [], 'not-found'],
    ['erase partial', [act({ outcome: 'partial' })], [], 'partial'],
    ['erase done + a hold', [act({}), act({ kind: 'restrict' })], [hold({})], 'partial'],
    ['nothing found + a hold', [act({ outcome: 'not-found' })], [hold({})], 'retained'],
    ['only a hold and its restriction', [act({ kind: 'restrict' })], [hold({})], 'retained'],
    [
      'closed by hand',
      [act({ status: 'closed-manually', outcome: null }), act({ kind: 'restrict' })],
      [hold({})],
      'closed-manually',
    ],
    ['two erase actions that disagree', [act({}), act({ outcome: 'not-found' })], [], 'partial'],
  ])('%s → %s', (_what, actions, holds, expected) => {
    expect(systemOutcome(actions as ActionView[], holds as HoldRecorded[])).toBe(expected);
  });
});

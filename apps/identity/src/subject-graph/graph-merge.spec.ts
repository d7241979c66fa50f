import { connectedComponents, planMerges, type Component } from './graph-merge';

const E1 = 'email:a@x.fr';
const E2 = 'email:b@x.fr';
const C1 = 'customerId:C-1';
const C2 = 'customerId:C-2';
const P1 = 'phone:+33612345678';

function refs(): () => string {
  let n = 0;
  return () => `subj_new${++n}`;
}

function plan(groups: string[][], known: Record<string, string> = {}, sizes: Record<string, number> = {}) {
  const k = new Map(Object.entries(known));
  const components = connectedComponents({ groups, known: k });
  return { components, plan: planMerges(components, new Map(Object.entries(sizes)), refs(), k) };
}

describe('connected components of the key graph', () => {
  it('links keys that appear together in one record, transitively across records', () => {
    const { components } = plan([[E1, C1], [C1, P1], [E2]]);
    expect(components.map((c: Component) => c.keys).sort()).toEqual([[C1, E1, P1], [E2]].sort());
  });

  it('joins a component to the subject of any key already known', () => {
    const { components } = plan([[E2, C1]], { [C1]: 'subj_a' });
    expect(components).toEqual([{ keys: [C1, E2], subjects: ['subj_a'] }]);
  });

  it('connects two batch components that touch the same existing subject', () => {
    // E1 and E2 never co-occur in the batch, but both already belong to subj_a.
    const { components } = plan(
      [
        [E1, C1],
        [E2, C2],
      ],
      { [E1]: 'subj_a', [E2]: 'subj_a' },
    );
    expect(components).toHaveLength(1);
    expect(components[0]!.keys).toEqual([C1, C2, E1, E2]);
  });
});

describe('merge plan', () => {
  it('creates one subject per component of unknown keys', () => {
    const { plan: p } = plan([[E1, C1], [E2]]);
    expect(p.created).toHaveLength(2);
    expect(p.repoints).toEqual([]);
    const byKey = Object.fromEntries(p.newKeys.map((n) => [n.key, n.subjectRef]));
    expect(byKey[E1]).toBe(byKey[C1]);
    expect(byKey[E2]).not.toBe(byKey[E1]);
  });

  it('adds new keys to the one subject they touch, without re-adding known keys', () => {
    const { plan: p } = plan([[E1, C1]], { [C1]: 'subj_a' });
    expect(p).toEqual({ newKeys: [{ key: E1, subjectRef: 'subj_a' }], repoints: [], created: [] });
  });

  it('merges two subjects linked by a record into the larger one', () => {
    const { plan: p } = plan([[E1, C1, P1]], { [E1]: 'subj_small', [C1]: 'subj_big' }, { subj_small: 1, subj_big: 5 });
    expect(p.repoints).toEqual([{ from: 'subj_small', to: 'subj_big' }]);
    expect(p.newKeys).toEqual([{ key: P1, subjectRef: 'subj_big' }]);
    expect(p.created).toEqual([]);
  });

  it('breaks a size tie by ref, so that replicas and retries choose the same subject', () => {
    const a = plan([[E1, C1]], { [E1]: 'subj_b', [C1]: 'subj_a' }, { subj_a: 2, subj_b: 2 }).plan;
    const b = plan([[C1, E1]], { [E1]: 'subj_b', [C1]: 'subj_a' }, { subj_a: 2, subj_b: 2 }).plan;
    expect(a.repoints).toEqual([{ from: 'subj_b', to: 'subj_a' }]);
    expect(b.repoints).toEqual(a.repoints);
  });

  it('merges three subjects at once, never re-pointing to a subject that is itself absorbed', () => {
    const { plan: p } = plan(
      [
        [E1, C1],
        [C1, P1],
      ],
      { [E1]: 'subj_a', [C1]: 'subj_b', [P1]: 'subj_c' },
      { subj_a: 1, subj_b: 3, subj_c: 2 },
    );
    expect(p.repoints).toEqual([
      { from: 'subj_a', to: 'subj_b' },
      { from: 'subj_c', to: 'subj_b' },
    ]);
    const targets = new Set(p.repoints.map((r) => r.to));
    expect(p.repoints.some((r) => targets.has(r.from))).toBe(false);
  });

  it('changes nothing when every key is known and in one subject (a repeated event)', () => {
    const { plan: p } = plan([[E1, C1]], { [E1]: 'subj_a', [C1]: 'subj_a' });
    expect(p).toEqual({ newKeys: [], repoints: [], created: [] });
  });
});

import { parsePolicy } from '@datarights/policy';
import { assignRefs, changesRegion, deriveSubjects, strongKeysOf } from './strong-links';

const E1 = 'email:a@x.fr';
const E2 = 'email:b@x.fr';
const EX = 'email:attacker@evil.test';
const C1 = 'customerId:C-1';
const C2 = 'customerId:C-2';
const P = 'phone:+33612345678';
const UNIQUE = ['customerId'];

const { identity } = parsePolicy(`
version: 1
profile: test
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 3, retryBackoff: PT5M }
categories: { default: { action: erase } }
identity: { authoritative: { crm: [email, phone, customerId], billing: [customerId] } }
`);

function refs(): () => string {
  let n = 0;
  return () => `subj_new${++n}`;
}

describe('strong keys of a record', () => {
  it('are the keys of the kinds its system is authoritative for', () => {
    expect(strongKeysOf(identity, 'crm', [P, E1, C1])).toEqual([C1, E1, P]);
    expect(strongKeysOf(identity, 'billing', [E2, C1])).toEqual([C1]);
  });

  it('are none for a system the policy does not name: every link it makes is weak', () => {
    expect(strongKeysOf(identity, 'marketing', [EX, P])).toEqual([]);
  });
});

describe('subjects derived from strong links', () => {
  it('links the keys of authoritative records transitively', () => {
    expect(deriveSubjects([[E1, C1], [C1, P], [E2]], [E1, C1, P, E2], UNIQUE)).toEqual({
      subjects: [[C1, E1, P], [E2]],
      shared: [],
    });
  });

  it('the hostile sign-up: keys only a non-authoritative record holds stay subjects of their own', () => {
    // The CRM knows the victim (E1, C1, P); marketing holds EX next to P: no strong group holds EX.
    const d = deriveSubjects([[C1, E1, P]], [C1, E1, P, EX], UNIQUE);
    expect(d.subjects).toEqual([[C1, E1, P], [EX]]);
  });

  it('the shared family phone: two customer numbers strongly linked through one phone are two subjects, the phone shared', () => {
    const d = deriveSubjects(
      [
        [C1, E1, P],
        [C2, E2, P],
      ],
      [C1, E1, C2, E2, P],
      UNIQUE,
    );
    expect(d.subjects).toEqual([
      [C1, E1],
      [C2, E2],
    ]);
    expect(d.shared).toEqual([{ key: P, subjects: [0, 1] }]);
  });

  it('a key reaching one anchor through another non-unique key joins that anchor alone', () => {
    // E2 is in a CRM record with P only; P is in C1's record only: E2 is C1's.
    const d = deriveSubjects([[C1, P], [E2, P], [C2]], [C1, C2, P, E2], UNIQUE);
    expect(d.subjects).toEqual([[C1, E2, P], [C2]]);
    // And once C2's record holds P too, P and E2 are shared.
    const s = deriveSubjects(
      [
        [C1, P],
        [E2, P],
        [C2, P],
      ],
      [C1, C2, P, E2],
      UNIQUE,
    );
    expect(s.subjects).toEqual([[C1], [C2]]);
    expect(s.shared.map((x) => x.key)).toEqual([E2, P]);
  });

  it('the typo: a corrected record no longer links, so each person is alone again', () => {
    // Alice's CRM record had Bob's e-mail (E2) by mistake: E2 is shared by C1 and C2.
    const before = deriveSubjects(
      [
        [C1, E2],
        [C2, E2],
      ],
      [C1, C2, E2],
      UNIQUE,
    );
    expect(before.shared).toEqual([{ key: E2, subjects: [0, 1] }]);
    const after = deriveSubjects(
      [
        [C1, E1],
        [C2, E2],
      ],
      [C1, C2, E1, E2],
      UNIQUE,
    );
    expect(after).toEqual({
      subjects: [
        [C1, E1],
        [C2, E2],
      ],
      shared: [],
    });
  });

  it('drops a key no live record holds', () => {
    expect(deriveSubjects([[C1, E1]], [C1, E1], UNIQUE).subjects.flat()).not.toContain(E2);
  });
});

describe('refs of derived subjects', () => {
  it('keeps the ref of a subject that grows, and creates one for a new subject', () => {
    const plan = assignRefs(
      { subjects: [[C1, E1, P], [EX]], shared: [] },
      new Map([
        [C1, 'subj_a'],
        [E1, 'subj_a'],
      ]),
      refs(),
    );
    expect(plan.keys).toEqual([
      { key: C1, subjectRef: 'subj_a' },
      { key: E1, subjectRef: 'subj_a' },
      { key: P, subjectRef: 'subj_a' },
      { key: EX, subjectRef: 'subj_new1' },
    ]);
    expect(plan).toMatchObject({ created: ['subj_new1'], aliases: [] });
  });

  it('merges into the ref most keys had, the other ref left as an alias', () => {
    const plan = assignRefs(
      { subjects: [[C1, E1, P]], shared: [] },
      new Map([
        [C1, 'subj_b'],
        [E1, 'subj_b'],
        [P, 'subj_a'],
      ]),
      refs(),
    );
    expect(new Set(plan.keys.map((k) => k.subjectRef))).toEqual(new Set(['subj_b']));
    expect(plan.aliases).toEqual([{ from: 'subj_a', to: 'subj_b' }]);
  });

  it('splits: the larger part keeps the ref, the other gets a new one, a shared key names both', () => {
    const plan = assignRefs(
      {
        subjects: [
          [C1, E1],
          [C2, E2],
        ],
        shared: [{ key: P, subjects: [0, 1] }],
      },
      new Map([C1, E1, C2, E2, P].map((k) => [k, 'subj_a'])),
      refs(),
    );
    expect(plan.keys.filter((k) => k.subjectRef === 'subj_a').map((k) => k.key)).toEqual([C1, E1]);
    expect(plan.keys.filter((k) => k.subjectRef === 'subj_new1').map((k) => k.key)).toEqual([C2, E2]);
    expect(plan.shared).toEqual([{ key: P, subjectRefs: ['subj_a', 'subj_new1'] }]);
    expect(plan.aliases).toEqual([]);
  });

  it('breaks ties by ref, so replicas and retries choose the same subject', () => {
    const a = assignRefs(
      { subjects: [[C1, E1]], shared: [] },
      new Map([
        [C1, 'subj_b'],
        [E1, 'subj_a'],
      ]),
      refs(),
    );
    expect(a.aliases).toEqual([{ from: 'subj_b', to: 'subj_a' }]);
  });
});

describe('whether a region changes', () => {
  it('not when the plan repeats what the graph holds (a repeated or unrelated event writes nothing)', () => {
    const current = new Map([
      [C1, 'subj_a'],
      [E1, 'subj_a'],
    ]);
    const shared = new Map([[P, ['subj_b', 'subj_a']]]);
    const plan = assignRefs(
      {
        subjects: [[C1, E1], [C2]],
        shared: [{ key: P, subjects: [0, 1] }],
      },
      new Map([...current, [C2, 'subj_b']]),
      refs(),
    );
    expect(changesRegion(plan, new Map([...current, [C2, 'subj_b']]), shared)).toBe(false);
  });

  it('when a key moves, appears, leaves, or a shared key names other subjects', () => {
    const current = new Map([
      [C1, 'subj_a'],
      [E1, 'subj_a'],
    ]);
    const same = assignRefs({ subjects: [[C1, E1]], shared: [] }, current, refs());
    expect(changesRegion(same, current, new Map())).toBe(false);
    expect(
      changesRegion(assignRefs({ subjects: [[C1, E1, P]], shared: [] }, current, refs()), current, new Map()),
    ).toBe(true);
    expect(changesRegion(assignRefs({ subjects: [[C1]], shared: [] }, current, refs()), current, new Map())).toBe(true);
    expect(changesRegion(same, current, new Map([[P, ['subj_a']]]))).toBe(true);
  });
});

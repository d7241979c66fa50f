/**
 * The pure part of the subject-key graph: keys that appear together in one record belong
 * to one subject, so subjects are the connected components of the "appear together"
 * relation. A batch of data events adds edges; this computes which keys are new, which
 * subject each joins, and which subjects must merge because a record linked them.
 */
import type { EncodedKey } from './graph-keys';

export interface GraphInput {
  /** Keys that appear together: one group per data event (with the record's previously stored keys). */
  groups: readonly (readonly EncodedKey[])[];
  /** Keys already in the graph, and their subject. */
  known: ReadonlyMap<EncodedKey, string>;
}

export interface Component {
  /** Every key of the batch in this component. */
  keys: EncodedKey[];
  /** The existing subjects this component touches (0: a new subject; 2 or more: a merge). */
  subjects: string[];
}

export interface MergePlan {
  /** Keys not yet in the graph, with the subject they join. */
  newKeys: { key: EncodedKey; subjectRef: string }[];
  /** Subjects absorbed by another: every key of `from` moves to `to`. */
  repoints: { from: string; to: string }[];
  /** Subjects created by this batch. */
  created: string[];
}

/** Union-find over keys and subject refs (a key known to the graph is joined to its subject's node). */
class DisjointSets {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    let root = this.parent.get(x) ?? x;
    if (root === x) {
      if (!this.parent.has(x)) this.parent.set(x, x);
      return x;
    }
    while (this.parent.get(root)! !== root) root = this.parent.get(root)!;
    // Path compression.
    let node = x;
    while (node !== root) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

const KEY = 'k:';
const SUBJECT = 's:';

export function connectedComponents(input: GraphInput): Component[] {
  const sets = new DisjointSets();
  const keys = new Set<EncodedKey>();
  for (const group of input.groups) {
    for (const key of group) {
      keys.add(key);
      sets.union(KEY + group[0], KEY + key);
      const subject = input.known.get(key);
      if (subject !== undefined) sets.union(KEY + key, SUBJECT + subject);
    }
  }
  const byRoot = new Map<string, { keys: Set<EncodedKey>; subjects: Set<string> }>();
  for (const key of keys) {
    const root = sets.find(KEY + key);
    const component = byRoot.get(root) ?? { keys: new Set(), subjects: new Set() };
    byRoot.set(root, component);
    component.keys.add(key);
    const subject = input.known.get(key);
    if (subject !== undefined) component.subjects.add(subject);
  }
  return [...byRoot.values()].map((c) => ({ keys: [...c.keys].sort(), subjects: [...c.subjects].sort() }));
}

/**
 * For each component: no subject yet → a new one; one → the keys join it; several → the
 * largest (most keys; ties broken by ref, so the choice is deterministic) absorbs the others.
 * Re-pointing the smaller subjects moves the fewest rows.
 */
export function planMerges(
  components: readonly Component[],
  sizes: ReadonlyMap<string, number>,
  newRef: () => string,
  known: ReadonlyMap<EncodedKey, string>,
): MergePlan {
  const plan: MergePlan = { newKeys: [], repoints: [], created: [] };
  for (const component of components) {
    let target: string;
    if (component.subjects.length === 0) {
      target = newRef();
      plan.created.push(target);
    } else {
      target = [...component.subjects].sort(
        (a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
      )[0]!;
      for (const other of component.subjects) if (other !== target) plan.repoints.push({ from: other, to: target });
    }
    for (const key of component.keys) if (!known.has(key)) plan.newKeys.push({ key, subjectRef: target });
  }
  return plan;
}

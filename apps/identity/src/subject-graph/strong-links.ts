/**
 * The pure rules of strong and weak links (issue 13; policy `identity`, libs/policy
 * identity-links.ts). A record from a system authoritative for some key kinds links its
 * keys of those kinds strongly; subjects are the groups of strongly linked keys. Every other
 * co-occurrence is a weak link: it stays in `records` (with the system and record that made
 * it) and never joins two subjects.
 *
 * Inside one strongly linked group, two different values of a unique kind (two customer
 * numbers) are several people (Art. 5(1)(d), 12(6)): each value anchors a subject; a key
 * strongly linked to one anchor only joins it; a key linked to several (a family phone in
 * two customers' CRM records) is *shared*: it belongs to none of them alone, so it is never
 * sent in a command nor used as a contact, and a request given only that key goes to the DPO.
 *
 * Subjects are derived from the live records of a region of the graph (the keys a batch
 * touched, closed over their subjects and strong records), so a link that a system takes
 * back (a typo corrected by rectification, a record erased) goes away with it.
 */
import { authoritativeKinds, type IdentityLinksPolicy } from '@datarights/policy';
import { decodeKey, type EncodedKey } from './graph-keys';

/** The keys of a record that link strongly: those of the kinds its system is authoritative for. */
export function strongKeysOf(policy: IdentityLinksPolicy, systemId: string, keys: readonly EncodedKey[]): EncodedKey[] {
  const kinds = authoritativeKinds(policy, systemId);
  if (kinds.length === 0) return [];
  return keys.filter((k) => (kinds as readonly string[]).includes(decodeKey(k).kind)).sort();
}

export interface DerivedSubjects {
  /** Each subject's keys, sorted; subjects sorted by size (largest first), then by first key. */
  subjects: EncodedKey[][];
  /** Keys strongly linked to several subjects (indexes into `subjects`). */
  shared: { key: EncodedKey; subjects: number[] }[];
}

class DisjointSets {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    if (!this.parent.has(x)) this.parent.set(x, x);
    let root = x;
    while (this.parent.get(root)! !== root) root = this.parent.get(root)!;
    for (let node = x; node !== root;) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

const byKeys = (a: readonly string[], b: readonly string[]): number =>
  b.length - a.length || (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0);

/**
 * The subjects of a region: `strongGroups` are the strong keys of each live authoritative
 * record in it; `held` every key of the region that a live record (of any system) holds. A
 * held key that no authoritative record links is a subject of its own (known only weakly).
 */
export function deriveSubjects(
  strongGroups: readonly (readonly EncodedKey[])[],
  held: readonly EncodedKey[],
  uniqueKinds: readonly string[],
): DerivedSubjects {
  const sets = new DisjointSets();
  const groups = strongGroups.filter((g) => g.length > 0).map((g) => [...new Set(g)].sort());
  for (const g of groups) for (const k of g) sets.union(g[0]!, k);
  const isUnique = (k: EncodedKey) => uniqueKinds.includes(decodeKey(k).kind);

  const components = new Map<string, { keys: Set<EncodedKey>; groups: EncodedKey[][] }>();
  for (const g of groups) {
    const root = sets.find(g[0]!);
    const c = components.get(root) ?? { keys: new Set(), groups: [] };
    components.set(root, c);
    c.groups.push(g);
    for (const k of g) c.keys.add(k);
  }

  const subjects: EncodedKey[][] = [];
  const sharedAnchors: { key: EncodedKey; anchors: EncodedKey[] }[] = [];
  for (const c of components.values()) {
    const anchors = [...c.keys].filter(isUnique).sort();
    if (anchors.length <= 1) {
      subjects.push([...c.keys].sort());
      continue;
    }
    // Several unique values: each anchors a subject. A key takes the anchors of the records
    // it shares with them; one with none (linked only through other non-unique keys) takes
    // those of its records' keys, until nothing changes.
    const of = new Map<EncodedKey, Set<EncodedKey>>();
    for (const k of c.keys) of.set(k, new Set(isUnique(k) ? [k] : []));
    for (const g of c.groups) {
      const direct = g.filter(isUnique);
      for (const k of g) if (!isUnique(k)) for (const a of direct) of.get(k)!.add(a);
    }
    const undecided = [...c.keys].filter((k) => of.get(k)!.size === 0);
    for (let changed = true; changed;) {
      changed = false;
      for (const g of c.groups) {
        const reached = new Set(g.flatMap((k) => [...of.get(k)!]));
        for (const k of g) {
          if (!undecided.includes(k)) continue;
          const mine = of.get(k)!;
          for (const a of reached)
            if (!mine.has(a)) {
              mine.add(a);
              changed = true;
            }
        }
      }
    }
    const members = new Map<EncodedKey, EncodedKey[]>(anchors.map((a) => [a, []]));
    for (const k of [...c.keys].sort()) {
      const mine = [...of.get(k)!].sort();
      if (mine.length === 1) members.get(mine[0]!)!.push(k);
      else sharedAnchors.push({ key: k, anchors: mine.length === 0 ? anchors : mine });
    }
    for (const keys of members.values()) subjects.push(keys);
  }
  const linked = new Set(subjects.flat().concat(sharedAnchors.map((s) => s.key)));
  for (const k of [...new Set(held)].sort()) if (!linked.has(k)) subjects.push([k]);
  subjects.sort(byKeys);
  const index = new Map<EncodedKey, number>();
  subjects.forEach((keys, i) => keys.forEach((k) => index.set(k, i)));
  const shared = sharedAnchors
    .map((s) => ({ key: s.key, subjects: s.anchors.map((a) => index.get(a)!).sort((x, y) => x - y) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  return { subjects, shared };
}

export interface RefPlan {
  /** Every key of the region that stays in the graph, with its subject ref. */
  keys: { key: EncodedKey; subjectRef: string }[];
  /** Shared keys and the refs of the subjects they are strongly linked to. */
  shared: { key: EncodedKey; subjectRefs: string[] }[];
  /** Refs that no longer name a subject of their own: they now stand for `to` (a merge). */
  aliases: { from: string; to: string }[];
  /** Refs created for subjects new to the graph (or split off another). */
  created: string[];
}

/**
 * Gives each derived subject a ref: the ref most of its keys had (so a subject keeps its
 * ref through a batch that only adds to it, and the larger part of a split keeps it; ties
 * by ref, so replicas and retries agree), else a new one. A ref left unclaimed stands for
 * the subject that took most of its keys (old refs still answer after a merge).
 */
export function assignRefs(
  derived: DerivedSubjects,
  current: ReadonlyMap<EncodedKey, string>,
  newRef: () => string,
): RefPlan {
  const refs: string[] = [];
  const claimed = new Set<string>();
  const created: string[] = [];
  for (const keys of derived.subjects) {
    const counts = new Map<string, number>();
    for (const k of keys) {
      const ref = current.get(k);
      if (ref !== undefined && !claimed.has(ref)) counts.set(ref, (counts.get(ref) ?? 0) + 1);
    }
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    const ref = best ?? newRef();
    if (best === undefined) created.push(ref);
    claimed.add(ref);
    refs.push(ref);
  }
  const keys = derived.subjects.flatMap((ks, i) => ks.map((key) => ({ key, subjectRef: refs[i]! })));
  const next = new Map(keys.map((k) => [k.key, k.subjectRef]));
  const moved = new Map<string, Map<string, number>>();
  for (const [key, from] of current) {
    if (claimed.has(from)) continue;
    const to = next.get(key);
    if (to === undefined) continue;
    const m = moved.get(from) ?? new Map<string, number>();
    moved.set(from, m);
    m.set(to, (m.get(to) ?? 0) + 1);
  }
  const aliases = [...moved.entries()]
    .map(([from, m]) => ({ from, to: [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0] }))
    .sort((a, b) => (a.from < b.from ? -1 : 1));
  const shared = derived.shared.map((s) => ({ key: s.key, subjectRefs: s.subjects.map((i) => refs[i]!).sort() }));
  return { keys, shared, aliases, created };
}

/** Whether writing the plan would change the region (most batches only repeat what the graph holds: no write then). */
export function changesRegion(
  plan: RefPlan,
  current: ReadonlyMap<EncodedKey, string>,
  shared: ReadonlyMap<EncodedKey, readonly string[]>,
): boolean {
  if (plan.aliases.length > 0 || plan.created.length > 0) return true;
  if (plan.keys.length !== current.size || plan.shared.length !== shared.size) return true;
  if (plan.keys.some((k) => current.get(k.key) !== k.subjectRef)) return true;
  return plan.shared.some((s) => [...(shared.get(s.key) ?? [])].sort().join(' ') !== s.subjectRefs.join(' '));
}

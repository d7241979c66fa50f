/**
 * The subject-key graph: links the identifiers that the systems' data events show together
 * into subjects (docs/architecture.md, identity), so that a request made with one identifier
 * reaches the data held under every other identifier of the same person (Art. 15, 17: the
 * controller must find all of the subject's data) — and only the person's: only a record of
 * a system the policy names authoritative for a key kind links strongly (strong-links.ts);
 * every other co-occurrence is a weak link, kept in `records` with the system and record that
 * made it, shown to the DPO, never a merge. Owns `records`, `subject_keys`, `shared_keys`,
 * `subject_aliases` and `graph_meta`; reads for the resolution of requests go through here too.
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { BatchItem } from '@datarights/messaging';
import type { RecordEvent } from '@datarights/contracts';
import { identityLinksFingerprint, Policy } from '@datarights/policy';
import type { EncodedKey } from './graph-keys';
import { latestPerRecord, recordId, toRecordChange } from './record-changes';
import { assignRefs, changesRegion, deriveSubjects, strongKeysOf } from './strong-links';
import { SubjectGraphRepository, type Tx } from './subject-graph.repository';

export interface BatchOutcome {
  events: number;
  recordsWritten: number;
  /** Subjects the batch created (new keys, or a split). */
  newSubjects: number;
  /** Subjects absorbed by another (a strong link joined them). */
  merges: number;
  /** Keys strongly linked to several subjects (shared) in the region re-derived. */
  sharedKeys: number;
  /** Keys that left the graph: every record holding them is erased (or no longer holds them). */
  forgottenKeys: number;
}

/** A random, opaque id: it says nothing about the person (pseudonymisation, Art. 4(5)). */
export const newSubjectRef = (): string => `subj_${randomUUID()}`;

/** Told, in the batch's transaction, every key the data events just applied carry. */
export type AppliedListener = (tx: Tx, keys: readonly EncodedKey[]) => Promise<void>;

/** A subject weakly linked to another, and the records that link them (system id and record ref). */
export interface WeakNeighbour {
  subjectRef: string;
  via: { systemId: string; recordRef: string }[];
}

@Injectable()
export class SubjectGraphService implements OnModuleInit {
  private readonly logger = new Logger(SubjectGraphService.name);
  private readonly listeners: AppliedListener[] = [];

  constructor(
    private readonly repo: SubjectGraphRepository,
    private readonly policy: Policy,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * An upgrade (records stored before strong links) or a change of the policy's authority
   * rules: every record is classified again and the whole graph re-derived from the stored
   * records, before any event is read (migration 1797100000000 explains why not in SQL).
   */
  async onModuleInit(): Promise<void> {
    const fingerprint = identityLinksFingerprint(this.policy.identity);
    await this.dataSource.transaction(async (tx) => {
      await this.repo.lockGraph(tx, 'exclusive');
      if (!(await this.repo.needsDerivation(tx, fingerprint))) return;
      await this.repo.classifyRecords(tx, this.policy.identity.authoritative, fingerprint);
      const outcome = await this.rederive(tx, await this.repo.everyKey(tx));
      this.logger.log(
        `subject graph re-derived from the stored records under the policy's authority rules: ${JSON.stringify(outcome)}`,
      );
    });
  }

  /** Registers a listener of applied data events (resolution looks again at requests that matched no one). */
  onApplied(listener: AppliedListener): void {
    this.listeners.push(listener);
  }

  /** Applies a batch of data events in the caller's transaction, with a handful of set-based statements. */
  async applyDataEvents(tx: Tx, items: readonly BatchItem<RecordEvent>[]): Promise<BatchOutcome> {
    const changes = items.map((i) => toRecordChange(i.envelope.type, i.data));
    await this.repo.lockGraph(tx, 'exclusive');
    const latest = latestPerRecord(changes);
    const stored = await this.repo.storedKeysOf(tx, latest);
    // Every key this batch touched: its events' and the records' previous keys (a link a
    // record no longer makes, a key it no longer holds, must go).
    const touched = [
      ...new Set([...changes.flatMap((c) => c.keys), ...latest.flatMap((c) => stored.get(recordId(c)) ?? [])]),
    ];
    const recordsWritten = await this.repo.upsertRecords(
      tx,
      latest.map((c) => ({ ...c, strongKeys: strongKeysOf(this.policy.identity, c.systemId, c.keys) })),
    );
    const region = await this.rederive(tx, touched);
    const outcome = { events: items.length, recordsWritten, ...region };
    // Counts and refs only: never a key value in the logs.
    this.logger.log(`data events applied: ${JSON.stringify(outcome)}`);
    const keys = [...new Set(changes.filter((c) => !c.erased).flatMap((c) => c.keys))];
    for (const listener of this.listeners) await listener(tx, keys);
    return outcome;
  }

  /**
   * Re-derives the subjects of the region around `seed`: the seed keys, every key of their
   * subjects, and every key strongly linked to those, until nothing is added. Only the live
   * records decide, so a link a system took back (a corrected typo, an erased record) is gone.
   */
  private async rederive(
    tx: Tx,
    seed: readonly EncodedKey[],
  ): Promise<Omit<BatchOutcome, 'events' | 'recordsWritten'>> {
    const region = new Set(seed);
    let groups: EncodedKey[][] = [];
    let current = new Map<EncodedKey, string>();
    for (let size = -1; size !== region.size;) {
      size = region.size;
      current = await this.repo.subjectsOfKeys(tx, [...region]);
      const refs = new Set(current.values());
      for (const shared of (await this.repo.sharedOfKeys(tx, [...region])).values())
        for (const r of shared) refs.add(r);
      for (const keys of (await this.repo.keysOfSubjects(tx, [...refs])).values()) for (const k of keys) region.add(k);
      for (const k of await this.repo.sharedKeysOfSubjects(tx, [...refs])) region.add(k);
      groups = await this.repo.strongGroupsHolding(tx, [...region]);
      for (const g of groups) for (const k of g) region.add(k);
    }
    const keys = [...region].sort();
    current = await this.repo.subjectsOfKeys(tx, keys);
    const previouslyShared = await this.repo.sharedOfKeys(tx, keys);
    const derived = deriveSubjects(groups, await this.repo.heldKeys(tx, keys), this.policy.identity.uniqueKinds);
    const plan = assignRefs(derived, current, newSubjectRef);
    const oldRefs = [...new Set([...current.values(), ...[...previouslyShared.values()].flat()])];
    if (changesRegion(plan, current, previouslyShared)) await this.repo.replaceRegion(tx, keys, plan, oldRefs);
    for (const a of plan.aliases) this.logger.log(`subject ${a.from} merged into ${a.to}`);
    const kept = new Set([...plan.keys.map((k) => k.key), ...plan.shared.map((s) => s.key)]);
    return {
      newSubjects: plan.created.length,
      merges: plan.aliases.length,
      sharedKeys: plan.shared.length,
      forgottenKeys: [...current.keys(), ...previouslyShared.keys()].filter((k) => !kept.has(k)).length,
    };
  }

  /**
   * The subjects that hold any of these keys and still have live records, with their count;
   * when none holds one, the subjects a shared key among them is strongly linked to.
   */
  async liveSubjectsFor(tx: Tx, keys: readonly EncodedKey[]): Promise<{ subjectRef: string; records: number }[]> {
    await this.repo.lockGraph(tx, 'shared');
    const live = async (refs: Iterable<string>) => {
      const sorted = [...new Set(refs)].sort();
      const counts = await this.repo.liveRecordCounts(tx, sorted);
      return sorted
        .map((subjectRef) => ({ subjectRef, records: counts.get(subjectRef) ?? 0 }))
        .filter((s) => s.records > 0);
    };
    // A key of one subject decides; a shared key only when the request gave nothing else.
    const own = await live(await this.repo.subjectRefsOfKeys(tx, keys));
    if (own.length > 0) return own;
    return live([...(await this.repo.sharedOfKeys(tx, keys)).values()].flat());
  }

  /** The given keys that are shared by several subjects (told to the DPO as the reason of an ambiguity). */
  async sharedAmong(tx: Tx, keys: readonly EncodedKey[]): Promise<Map<EncodedKey, string[]>> {
    return this.repo.sharedOfKeys(tx, keys);
  }

  /**
   * The subjects weakly linked to `subjectRef` that hold data a request about it would not
   * reach (a live record holding none of its keys): those a right may only reach by the DPO's
   * decision. A neighbour whose every record already holds one of the subject's keys adds
   * nothing (a prospect's phone next to their e-mail in the same newsletter record).
   */
  async weakNeighbours(tx: Tx, subjectRef: string): Promise<WeakNeighbour[]> {
    const own = await this.keysOf(tx, subjectRef);
    const byRef = new Map<string, WeakNeighbour>();
    for (const link of await this.repo.weakNeighbours(tx, subjectRef)) {
      const n = byRef.get(link.subjectRef) ?? { subjectRef: link.subjectRef, via: [] };
      byRef.set(link.subjectRef, n);
      n.via.push({ systemId: link.systemId, recordRef: link.recordRef });
    }
    const out: WeakNeighbour[] = [];
    for (const n of byRef.values()) if (await this.repo.holdsMoreThan(tx, n.subjectRef, own)) out.push(n);
    return out;
  }

  /** Whether `subjectRef` holds data that a request about the subjects of `keys` would not reach. */
  async holdsMoreThan(tx: Tx, subjectRef: string, keys: readonly EncodedKey[]): Promise<boolean> {
    return this.repo.holdsMoreThan(tx, subjectRef, keys);
  }

  /** Every key of each subject and its live record count (for candidates' hints). */
  async describe(
    tx: Tx,
    subjectRefs: readonly string[],
  ): Promise<{ subjectRef: string; keys: EncodedKey[]; records: number }[]> {
    const keys = await this.repo.keysOfSubjects(tx, subjectRefs);
    const counts = await this.repo.liveRecordCounts(tx, subjectRefs);
    return subjectRefs.map((subjectRef) => ({
      subjectRef,
      keys: keys.get(subjectRef) ?? [],
      records: counts.get(subjectRef) ?? 0,
    }));
  }

  /** The subject a ref stands for now (merges leave aliases), or undefined if there is none. */
  async currentRef(tx: Tx, subjectRef: string): Promise<string | undefined> {
    await this.repo.lockGraph(tx, 'shared');
    return this.repo.currentRef(tx, subjectRef);
  }

  /**
   * Every key of the subject, so that systems find everything: the keys strongly linked to
   * it that a live record holds. Never a key only weakly linked to it, never a shared key (a
   * family phone would reach the other customer's records): those are what a command sends
   * and where a code may go.
   */
  async keysOf(tx: Tx, subjectRef: string): Promise<EncodedKey[]> {
    return (await this.repo.keysOfSubjects(tx, [subjectRef])).get(subjectRef) ?? [];
  }
}

/**
 * The subject-key graph: links the identifiers that co-occur in the systems' data events
 * into subjects (docs/architecture.md, identity), so that a request made with one identifier reaches
 * the data held under every other identifier of the same person (Art. 15, 17: the
 * controller must find all of the subject's data). Owns `records`, `subject_keys` and
 * `subject_aliases`; reads for the resolution of requests go through here too.
 */
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { BatchItem } from '@datarights/messaging';
import type { RecordEvent } from '@datarights/contracts';
import type { EncodedKey } from './graph-keys';
import { connectedComponents, planMerges } from './graph-merge';
import { latestPerRecord, recordId, toRecordChange } from './record-changes';
import { SubjectGraphRepository, type Tx } from './subject-graph.repository';

export interface BatchOutcome {
  events: number;
  recordsWritten: number;
  newKeys: number;
  newSubjects: number;
  merges: number;
  /** Keys that left the graph: every record holding them is erased. */
  forgottenKeys: number;
}

/** A random, opaque id: it says nothing about the person (pseudonymisation, Art. 4(5)). */
export const newSubjectRef = (): string => `subj_${randomUUID()}`;

/** Told, in the batch's transaction, every key the data events just applied carry. */
export type AppliedListener = (tx: Tx, keys: readonly EncodedKey[]) => Promise<void>;

@Injectable()
export class SubjectGraphService {
  private readonly logger = new Logger(SubjectGraphService.name);
  private readonly listeners: AppliedListener[] = [];

  constructor(private readonly repo: SubjectGraphRepository) {}

  /** Registers a listener of applied data events (resolution looks again at requests that matched no one). */
  onApplied(listener: AppliedListener): void {
    this.listeners.push(listener);
  }

  /** Applies a batch of data events in the caller's transaction, with a handful of set-based statements. */
  async applyDataEvents(tx: Tx, items: readonly BatchItem<RecordEvent>[]): Promise<BatchOutcome> {
    const changes = items.map((i) => toRecordChange(i.envelope.type, i.data));
    await this.repo.lockGraph(tx, 'exclusive');
    const stored = await this.repo.storedKeysOf(tx, latestPerRecord(changes));
    const groups = changes.map((c) => [...c.keys, ...(stored.get(recordId(c)) ?? [])]);
    const known = await this.repo.subjectsOfKeys(tx, [...new Set(groups.flat())]);
    const components = connectedComponents({ groups, known });
    const merging = components.filter((c) => c.subjects.length > 1).flatMap((c) => c.subjects);
    const sizes = await this.repo.keyCounts(tx, merging);
    const plan = planMerges(components, sizes, newSubjectRef, known);
    await this.repo.repoint(tx, plan.repoints);
    await this.repo.insertKeys(tx, plan.newKeys);
    const recordsWritten = await this.repo.upsertRecords(tx, latestPerRecord(changes));
    // Every key this batch touched (its events' and the records' previous keys): those that
    // no live record holds now leave the graph. This also drops the keys of a late, older
    // "stored" event that lost to a tombstone, which the merge above has just inserted.
    const forgotten = await this.repo.forgetUnheldKeys(tx, [...new Set(groups.flat())]);
    const outcome = {
      events: items.length,
      recordsWritten,
      newKeys: plan.newKeys.length,
      newSubjects: plan.created.length,
      merges: plan.repoints.length,
      forgottenKeys: forgotten,
    };
    // Counts and refs only: never a key value in the logs.
    this.logger.log(`data events applied: ${JSON.stringify(outcome)}`);
    for (const r of plan.repoints) this.logger.log(`subject ${r.from} merged into ${r.to}`);
    const keys = [...new Set(changes.filter((c) => !c.erased).flatMap((c) => c.keys))];
    for (const listener of this.listeners) await listener(tx, keys);
    return outcome;
  }

  /** The subjects holding any of these keys that still have live records, with their count. */
  async liveSubjectsFor(tx: Tx, keys: readonly EncodedKey[]): Promise<{ subjectRef: string; records: number }[]> {
    await this.repo.lockGraph(tx, 'shared');
    const refs = await this.repo.subjectRefsOfKeys(tx, keys);
    const counts = await this.repo.liveRecordCounts(tx, refs);
    return refs
      .map((subjectRef) => ({ subjectRef, records: counts.get(subjectRef) ?? 0 }))
      .filter((s) => s.records > 0);
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
   * Every key of the subject, so that systems find everything: the keys of its live records
   * (a key only seen on records since erased has left the graph: no system holds it).
   */
  async keysOf(tx: Tx, subjectRef: string): Promise<EncodedKey[]> {
    return (await this.repo.keysOfSubjects(tx, [subjectRef])).get(subjectRef) ?? [];
  }
}

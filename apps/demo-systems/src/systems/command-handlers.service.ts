/**
 * What the demo systems do with each command (connector-sdk handlers), written once for
 * every table of the catalog:
 * - export (Art. 15, 20): the subject's rows in the asked categories;
 * - erase (Art. 17): DELETE them, announce each with an `erased` data event;
 * - restrict (Art. 18): mark them restricted (until a date, or open-ended), or lift it;
 * - rectify (Art. 16): apply the corrections, announce each row's new keys (`updated`);
 * - suppress (Art. 21): record the purposes objected to; prospection stops at once;
 * - notify (Art. 19, a recipient such as helpscale): record what it was told, acknowledge.
 *
 * Idempotent: the SDK resends its stored reply for a commandId it has handled; on top of
 * that, each mutating command records its result in the transaction of its effect, so a
 * redelivery after a crash between that commit and the SDK's save answers the same.
 */
import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import type {
  Command,
  EraseCommand,
  ExportCommand,
  NotifyCommand,
  RectifyCommand,
  RestrictCommand,
  SuppressCommand,
} from '@datarights/contracts';
import type { CommandKind, CommandResult, RecordInput, RecordKind } from '@datarights/connector-sdk';
import { normaliseKeyLists } from './key-match';
import { columnsFor, planRectification } from './rectification';
import { recordRefOf, tablesFor, type DemoSystem, type RetentionDateSource, type TableSpec } from './system-catalog';
import { SystemsRepository, type KeyedRow } from './systems.repository';

/** Sends data events through the system's connector. */
export type PublishRecords = (kind: RecordKind, records: RecordInput[]) => Promise<void>;

const NOTHING_HELD: CommandResult = { outcome: 'not-found', affectedRecords: 0 };

/** `invoice_id` → `invoiceId`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The retention dates of a row, from its table's `retention` sources (undefined when the table declares none). */
export function retentionDatesOf(spec: TableSpec, row: KeyedRow): RecordInput['retentionDates'] {
  if (!spec.retention) return undefined;
  const dates: NonNullable<RecordInput['retentionDates']> = {};
  for (const [field, source] of Object.entries(spec.retention) as [
    keyof NonNullable<RecordInput['retentionDates']>,
    RetentionDateSource,
  ][]) {
    if (source === 'not-yet') dates[field] = null;
    else if (!row.occurredAt)
      continue; // unknown: counted from the request
    else if (source === 'occurred-at') dates[field] = row.occurredAt;
    else dates[field] = endOfFinancialYear(row.occurredAt);
  }
  return dates;
}

/** The last instant of the calendar year of `at`, Paris time (the demo company's financial year). */
export function endOfFinancialYear(at: Date): Date {
  return DateTime.fromJSDate(at, { zone: 'Europe/Paris' }).endOf('year').toJSDate();
}

/** A row reduced to a data event (no contents, only keys); undefined if it carries no key. */
export function toRecordInput(spec: TableSpec, row: KeyedRow, occurredAt?: Date): RecordInput | undefined {
  if (Object.keys(row.keys).length === 0) return undefined;
  const retentionDates = retentionDatesOf(spec, row);
  return {
    recordRef: recordRefOf(spec, row.ref),
    category: spec.category,
    subjectKeys: row.keys,
    ...(occurredAt ? { occurredAt } : {}),
    ...(retentionDates && Object.keys(retentionDates).length > 0 ? { retentionDates } : {}),
  };
}

function changed(count: number): CommandResult {
  return count > 0 ? { outcome: 'done', affectedRecords: count } : NOTHING_HELD;
}

@Injectable()
export class CommandHandlers {
  constructor(private readonly repo: SystemsRepository) {}

  async export(system: DemoSystem, command: ExportCommand): Promise<CommandResult> {
    const keys = normaliseKeyLists(command.subjectKeys);
    const records: Record<string, unknown>[] = [];
    for (const spec of tablesFor(system, command.categories)) {
      for (const { ref, row } of await this.repo.findMatching(spec, keys)) {
        const fields = Object.fromEntries(Object.entries(row).map(([k, v]) => [camelCase(k), v]));
        records.push({
          recordType: spec.recordType,
          category: spec.category,
          recordRef: recordRefOf(spec, ref),
          ...fields,
        });
      }
    }
    return records.length > 0
      ? { outcome: 'done', affectedRecords: records.length, records }
      : { ...NOTHING_HELD, records: [] };
  }

  erase(system: DemoSystem, command: EraseCommand, publish: PublishRecords): Promise<CommandResult> {
    return this.once(system, 'erase', command, async (tx) => {
      const keys = normaliseKeyLists(command.subjectKeys);
      const erased: RecordInput[] = [];
      for (const spec of tablesFor(system, command.categories)) {
        // A deferred erase (a legal hold that ended) covers only what the hold kept.
        const only = {
          ...(command.createdBefore !== undefined ? { createdBefore: command.createdBefore } : {}),
          ...(command.recordRefs !== undefined ? { pks: pksOf(spec, command.recordRefs) } : {}),
        };
        for (const row of await this.repo.deleteMatching(tx, spec, keys, only)) {
          const record = toRecordInput(spec, row);
          if (record) erased.push(record);
        }
      }
      // Announced before the deletion commits: if sending fails the rows stay and the
      // SDK retries the command; if the commit fails after sending, the retry deletes
      // and announces again (a repeated `erased` event is harmless, a lost one is not).
      if (erased.length > 0) await publish('erased', erased);
      return changed(erased.length);
    });
  }

  restrict(system: DemoSystem, command: RestrictCommand): Promise<CommandResult> {
    return this.once(system, 'restrict', command, async (tx) => {
      const keys = normaliseKeyLists(command.subjectKeys);
      const lift = command.action === 'lift';
      let count = 0;
      for (const spec of tablesFor(system, command.categories)) {
        count += await this.repo.restrictMatching(tx, spec, keys, { lift, until: command.until });
      }
      return changed(count);
    });
  }

  rectify(system: DemoSystem, command: RectifyCommand, publish: PublishRecords): Promise<CommandResult> {
    return this.once(system, 'rectify', command, async (tx) => {
      const plan = planRectification(command.changes);
      if (!plan.ok) return { outcome: 'failed', affectedRecords: 0, error: plan.error };
      const keys = normaliseKeyLists(command.subjectKeys);
      const updated: RecordInput[] = [];
      let held = 0;
      for (const spec of tablesFor(system, command.categories)) {
        const columns = columnsFor(spec, plan.fields);
        if (Object.keys(columns).length === 0) {
          // Nothing this table holds is being corrected; only tell found from not found.
          held += (await this.repo.findMatching(spec, keys, tx)).length;
          continue;
        }
        for (const row of await this.repo.rectifyMatching(tx, spec, keys, columns)) {
          held++;
          const record = toRecordInput(spec, row);
          if (record) updated.push(record);
        }
      }
      // The rows' new keys, so the identity graph and the index follow (same ordering
      // argument as for erase).
      if (updated.length > 0) await publish('updated', updated);
      if (held === 0) return NOTHING_HELD;
      return { outcome: 'done', affectedRecords: updated.length };
    });
  }

  suppress(system: DemoSystem, command: SuppressCommand): Promise<CommandResult> {
    return this.once(system, 'suppress', command, async (tx) => {
      const keys = normaliseKeyLists(command.subjectKeys);
      let count = 0;
      for (const spec of tablesFor(system, command.categories)) {
        count += await this.repo.suppressMatching(tx, spec, keys, command.purposes);
      }
      return changed(count);
    });
  }

  /** Runs a mutating command's work once per commandId, in one transaction with its record. */
  /**
   * An Art. 19 notice to a recipient system: the demo recipient holds none of the demo's
   * tables, so it records what it was told (never the subject's keys or the changes) and
   * acknowledges; a reminder has the same commandId and gets the same answer.
   */
  notify(system: DemoSystem, command: NotifyCommand): Promise<CommandResult> {
    return this.once(system, 'notify', command, async (tx) => {
      await this.repo.recordNotice(tx, system.registration.systemId, command);
      return { outcome: 'done', affectedRecords: 0 };
    });
  }

  private once(
    system: DemoSystem,
    kind: CommandKind,
    command: Command,
    work: (tx: EntityManager) => Promise<CommandResult>,
  ): Promise<CommandResult> {
    return this.repo.transaction(async (tx) => {
      await this.repo.lockCommand(tx, command.commandId);
      const before = await this.repo.findEffect(tx, command.commandId);
      if (before) {
        await this.repo.countRedelivery(tx, command.commandId);
        return before;
      }
      const result = await work(tx);
      await this.repo.saveEffect(tx, command.commandId, system.registration.systemId, kind, result);
      return result;
    });
  }
}

/** The primary keys of this table among record refs (`<recordType>/<pk>`). */
export function pksOf(spec: TableSpec, recordRefs: readonly string[]): string[] {
  const prefix = `${spec.recordType}/`;
  return recordRefs.filter((r) => r.startsWith(prefix)).map((r) => r.slice(prefix.length));
}

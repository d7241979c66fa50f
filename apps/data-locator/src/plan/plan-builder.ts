/**
 * Pure logic of a plan: every system and category holding live data of the subject,
 * grouped by system, with what the inventory knows of each system. What a request does
 * to each item is decided downstream (erasure-executor); this only says where data is.
 */
import {
  normaliseKey,
  type Capability,
  type LinkedSubjectKeys,
  type PlanItem,
  type SystemRole,
} from '@datarights/contracts';
import type { DatedRecord } from '../pdata-index/pdata-index.repository';

export interface Holding {
  systemId: string;
  category: string;
  records: number;
}

export interface KnownSystem {
  systemId: string;
  role: SystemRole;
  controller?: string | null;
  capabilities: Capability[];
}

export interface PlanItems {
  items: PlanItem[];
  /** Systems seen in the index that never registered (their items are escalated). */
  unregistered: string[];
}

export function groupPlanItems(holdings: Holding[], systems: KnownSystem[]): PlanItems {
  const known = new Map(systems.map((s) => [s.systemId, s]));
  const bySystem = new Map<string, { categories: Set<string>; records: number }>();
  for (const h of holdings) {
    if (h.records <= 0) continue;
    const g = bySystem.get(h.systemId) ?? { categories: new Set<string>(), records: 0 };
    g.categories.add(h.category);
    g.records += h.records;
    bySystem.set(h.systemId, g);
  }
  const items: PlanItem[] = [];
  const unregistered: string[] = [];
  for (const systemId of [...bySystem.keys()].sort()) {
    const g = bySystem.get(systemId)!;
    const s = known.get(systemId);
    if (!s) unregistered.push(systemId);
    items.push({
      systemId,
      // A system that never registered: no role, controller or capabilities on file. Taken
      // as controller with no capability, so that the executor escalates it to the DPO
      // rather than send commands nobody said it understands.
      role: s?.role ?? 'controller',
      ...(s?.controller ? { controller: s.controller } : {}),
      categories: [...g.categories].sort(),
      capabilities: s ? [...s.capabilities] : [],
      records: g.records,
    });
  }
  return { items, unregistered };
}

/**
 * Puts each record's retention dates into its plan item (issue 14: a hold runs from each
 * record's own start, Art. 17(3)(b)). A category is listed whole or not at all: only when
 * every live record of it carries dates, and while the plan's budget (`max` records) lasts,
 * smallest categories first. A category left out keeps the executor's fallback (counted
 * from the request: later than the real start, so never too early).
 */
export function withRecordDates(
  items: PlanItem[],
  holdings: readonly Holding[],
  records: readonly DatedRecord[],
  max: number,
): PlanItem[] {
  const groups = new Map<string, DatedRecord[]>();
  for (const r of records) {
    const id = `${r.systemId}\u0000${r.category}`;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  const live = new Map(holdings.map((h) => [`${h.systemId}\u0000${h.category}`, h.records]));
  const whole = [...groups.entries()]
    .filter(([id, rs]) => live.get(id) === rs.length)
    .sort(([a, x], [b, y]) => x.length - y.length || a.localeCompare(b));
  const listed = new Map<string, DatedRecord[]>();
  let budget = max;
  for (const [, rs] of whole) {
    if (rs.length > budget) break;
    budget -= rs.length;
    listed.set(rs[0].systemId, [...(listed.get(rs[0].systemId) ?? []), ...rs]);
  }
  return items.map((item) => {
    const rs = listed.get(item.systemId);
    if (!rs) return item;
    return {
      ...item,
      recordDates: rs.map((r) => ({
        recordRef: r.recordRef,
        category: r.category,
        occurredAt: r.occurredAt,
        retentionDates: r.retentionDates,
      })),
    };
  });
}

/** Normalised, de-duplicated keys of every kind: the index stores them normalised. */
export function normalisedKeys(keys: LinkedSubjectKeys): { email: string[]; customerId: string[]; phone: string[] } {
  const norm = (kind: 'email' | 'customerId' | 'phone', values: string[] | undefined) => [
    ...new Set((values ?? []).map((v) => normaliseKey(kind, v)).filter((v) => v.length > 0)),
  ];
  return {
    email: norm('email', keys.email),
    customerId: norm('customerId', keys.customerId),
    phone: norm('phone', keys.phone),
  };
}

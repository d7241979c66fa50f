/**
 * What an erasure request (Art. 17) means for each system of the plan, per the policy:
 * which actions to send and which holds to record. Pure: no I/O, unit-tested.
 *
 * A retained category whose records come with their retention dates (the plan's
 * `recordDates`) is decided per record (libs/policy record-retention.ts, issue 14): a
 * record whose every period is over is erased now, by name; the others are held each to
 * its own end (one hold per end date, naming its records), or, when a period's start has
 * not happened yet (the contract still runs), held with no end until the system reports
 * it. A category without dates keeps the request date as the start: later than the real
 * start, so the hold never ends too early.
 */
import { retentionDatesByAnchor, type PlanItem, type PlanRecord } from '@datarights/contracts';
import {
  addDuration,
  erasureDecision,
  periodEnd,
  recordRetention,
  type Policy,
  type RetentionRule,
} from '@datarights/policy';
import { bySystem, forwardToController, type ExecutionPlan, type PlannedHold } from '../actions/planned-action';

const cannotErase = (systemId: string) =>
  `system ${systemId} cannot erase (no 'erase' capability): erase by hand, then close the action`;

/** The held records of one category, one hold per end (or per start still pending). */
function recordHolds(
  item: PlanItem,
  category: string,
  rules: readonly Readonly<RetentionRule>[],
  records: readonly PlanRecord[],
  requestedAt: Date,
  now: Date,
  zone: string | undefined,
): { erase: string[]; holds: PlannedHold[] } {
  const erase: string[] = [];
  const holds = new Map<string, PlannedHold>();
  const canErase = item.capabilities.includes('erase');
  for (const record of records) {
    const r = recordRetention(rules, retentionDatesByAnchor(record.retentionDates), now, requestedAt, zone);
    if (r.action === 'erase') {
      erase.push(record.recordRef);
      continue;
    }
    const rule = r.action === 'hold' ? r.by.rule : r.waitingFor.rule;
    // Waiting for its start: it cannot end before a full period from now.
    const until = r.action === 'hold' ? r.until : periodEnd(now, rule.period, zone);
    const key = r.action === 'hold' ? `until ${until.toISOString()}` : `pending ${rule.from}`;
    const hold = holds.get(key) ?? {
      systemId: item.systemId,
      category,
      ground: rule.ground,
      legalText: rule.legalText,
      period: rule.period,
      from: rule.from,
      until,
      canErase,
      recordRefs: [],
      ...(r.action === 'hold-until-start' ? { startPending: rule.from } : {}),
    };
    hold.recordRefs!.push(record.recordRef);
    holds.set(key, hold);
  }
  return { erase, holds: [...holds.values()] };
}

export function planErasure(
  policy: Pick<Policy, 'categories'>,
  items: readonly PlanItem[],
  requestedAt: Date,
  now: Date = requestedAt,
  zone?: string,
): ExecutionPlan {
  const plan: ExecutionPlan = { actions: [], holds: [] };
  for (const item of bySystem(items)) {
    const categories = [...new Set(item.categories)];
    if (categories.length === 0) continue;
    if (item.role === 'processor') {
      plan.actions.push(forwardToController(item, categories));
      continue;
    }
    const toErase: string[] = [];
    const held: PlannedHold[] = [];
    const eraseNow = new Map<string, string[]>();
    for (const category of categories) {
      const decision = erasureDecision(policy, category);
      if (decision.action === 'erase') {
        toErase.push(category);
        continue;
      }
      const records = (item.recordDates ?? []).filter((r) => r.category === category);
      if (records.length > 0) {
        const per = recordHolds(item, category, decision.retentions, records, requestedAt, now, zone);
        if (per.erase.length > 0) eraseNow.set(category, per.erase);
        held.push(...per.holds);
        continue;
      }
      const r = decision.retention;
      // No dates from the system: the period runs from the request date, later than the
      // record's own start, so the hold never ends too early. With several obligations on
      // one category, the longest applies (erasureDecision).
      held.push({
        systemId: item.systemId,
        category,
        ground: r.ground,
        legalText: r.legalText,
        period: r.period,
        from: r.from,
        until: addDuration(requestedAt, r.period),
        canErase: item.capabilities.includes('erase'),
      });
    }
    const canErase = item.capabilities.includes('erase');
    if (toErase.length > 0) {
      plan.actions.push(
        canErase
          ? { dispatch: true, kind: 'erase', systemId: item.systemId, categories: toErase, params: {} }
          : {
              dispatch: false,
              kind: 'erase',
              systemId: item.systemId,
              categories: toErase,
              reason: cannotErase(item.systemId),
            },
      );
    }
    // Records of retained categories whose every period is over: erased now, by name
    // (Art. 17(1); Art. 5(1)(e): nothing is kept past its period).
    if (eraseNow.size > 0) {
      const recordRefs = [...eraseNow.values()].flat();
      const cats = [...eraseNow.keys()];
      plan.actions.push(
        canErase
          ? { dispatch: true, kind: 'erase', systemId: item.systemId, categories: cats, params: { recordRefs } }
          : {
              dispatch: false,
              kind: 'erase',
              systemId: item.systemId,
              categories: cats,
              reason: `${recordRefs.length} records' retention period is over: ${cannotErase(item.systemId)}`,
              params: { recordRefs },
            },
      );
    }
    plan.holds.push(...held);
    // docs/gdpr-rules.md: "While a period runs, data kept for it is restricted" (Art. 18(2): only
    // stored). A restrict command carries one `until` for its categories: each category is
    // restricted to the latest end of its holds (each record is erased at its own end
    // anyway), with no end while a start is pending (the system lifts it on the erase).
    if (held.length > 0 && item.capabilities.includes('restrict')) {
      const untilOf = new Map<string, string | undefined>();
      for (const h of held) {
        const prev = untilOf.has(h.category) ? untilOf.get(h.category) : '';
        const mine = h.startPending ? undefined : h.until.toISOString();
        untilOf.set(h.category, prev === undefined || mine === undefined ? undefined : mine > prev ? mine : prev);
      }
      const byUntil = new Map<string, string[]>();
      for (const [category, until] of untilOf)
        byUntil.set(until ?? '', [...(byUntil.get(until ?? '') ?? []), category]);
      for (const [until, cats] of byUntil) {
        plan.actions.push({
          dispatch: true,
          kind: 'restrict',
          systemId: item.systemId,
          categories: cats,
          params: { ground: 'legal-hold', ...(until ? { until } : {}), action: 'place' },
        });
      }
    }
  }
  return plan;
}

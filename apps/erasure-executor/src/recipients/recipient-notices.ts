/**
 * GDPR Art. 19, the rules: which recipients hear of an action, and what happens when one
 * does not answer. Pure (no database, no Kafka), unit-tested.
 *
 * "The controller shall communicate any rectification or erasure of personal data or
 * restriction of processing carried out in accordance with Article 16, Article 17(1) and
 * Article 18 to each recipient to whom the personal data have been disclosed, unless this
 * proves impossible or involves disproportionate effort."
 */
import type { CommandOutcome, NoticeAction, Recipient } from '@datarights/contracts';
import { addDuration, type RecipientNoticesPolicy } from '@datarights/policy';

/** The part of a completed action the rules look at. */
export interface CompletedAction {
  kind: string;
  systemId: string;
  categories: string[];
  params: Record<string, unknown>;
  outcome: CommandOutcome | 'forwarded' | null;
  affectedRecords: number | null;
}

export interface PlannedNotice {
  recipient: Pick<Recipient, 'name' | 'kind' | 'country' | 'systemId'>;
  action: NoticeAction;
  /** The categories the recipient received from the system that the action touched. */
  categories: string[];
  /** Rectification: the changes; restriction: the ground. */
  params: { changes?: Record<string, string>; ground?: string };
}

/** Restriction grounds of Art. 18(1). A hold (`legal-hold`, data kept under Art. 17(3)) is not an Art. 18 restriction. */
const ART18_GROUNDS = ['accuracy-contested', 'unlawful-processing', 'legal-claims', 'objection-pending'];

/** What the action did, in Art. 19's terms; undefined when Art. 19 does not ask to tell anyone. */
export function noticeActionOf(a: Pick<CompletedAction, 'kind' | 'params'>): NoticeAction | undefined {
  if (a.kind === 'erase') return 'erasure';
  if (a.kind === 'rectify') return 'rectification';
  if (a.kind === 'restrict') {
    const p = a.params as { ground?: string; action?: string };
    // Lifting is not listed in Art. 19; holds are Art. 17(3), not Art. 18.
    if (p.action === 'lift' || !ART18_GROUNDS.includes(p.ground ?? '')) return undefined;
    return 'restriction';
  }
  return undefined;
}

/**
 * The notices a completed action calls for: one per recipient of the system that received
 * one of the action's categories (a recipient listing no category receives them all). None
 * when the system found nothing (`not-found`, or no record touched): nothing of the
 * subject's was disclosed from there.
 */
export function noticesFor(a: CompletedAction, recipients: readonly Recipient[]): PlannedNotice[] {
  const action = noticeActionOf(a);
  if (!action) return [];
  if ((a.outcome !== 'done' && a.outcome !== 'partial') || (a.affectedRecords ?? 0) === 0) return [];
  const params =
    action === 'rectification'
      ? { changes: (a.params as { changes?: Record<string, string> }).changes ?? {} }
      : action === 'restriction'
        ? { ground: (a.params as { ground: string }).ground }
        : {};
  const seen = new Set<string>();
  const out: PlannedNotice[] = [];
  for (const r of recipients) {
    const categories =
      r.categories.length === 0 ? [...a.categories] : a.categories.filter((c) => r.categories.includes(c));
    if (categories.length === 0 || seen.has(r.name)) continue;
    seen.add(r.name);
    out.push({
      recipient: { name: r.name, kind: r.kind, country: r.country, ...(r.systemId ? { systemId: r.systemId } : {}) },
      action,
      categories: categories.sort(),
      params,
    });
  }
  return out;
}

/** Why a recipient cannot be told through the system (Art. 19: "unless this proves impossible"). */
export const NO_CHANNEL_REASON =
  'the inventory gives this recipient no command topic (no systemId): it cannot be told through the system; the DPO tells it by other means and records its acknowledgement';

/** When the notice (or a reminder) sent at `at` must have been acknowledged. */
export function acknowledgeBy(policy: RecipientNoticesPolicy, at: Date): Date {
  return addDuration(at, policy.acknowledgeWithin);
}

export type NoticeStep = { step: 'remind'; reminder: number; respondBy: Date } | { step: 'give-up'; reason: string };

/** No acknowledgement by `respondBy`: another reminder, or recorded as unacknowledged after the last. */
export function nextNoticeStep(remindersSent: number, policy: RecipientNoticesPolicy, now: Date): NoticeStep {
  if (remindersSent < policy.reminders)
    return { step: 'remind', reminder: remindersSent + 1, respondBy: acknowledgeBy(policy, now) };
  const times = remindersSent === 1 ? '1 reminder' : `${remindersSent} reminders`;
  return {
    step: 'give-up',
    reason: `no acknowledgement after the notice and ${times}, each allowed ${policy.acknowledgeWithin}`,
  };
}

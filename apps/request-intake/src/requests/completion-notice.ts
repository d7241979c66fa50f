/**
 * The notice that ends a request (GDPR Art. 12(1): concise, intelligible; Art. 12(3): the
 * action taken; Art. 17(3) with 13(2)(a): what is kept, on which ground, until when).
 * Sent to an address already on file and verified, never to one that only the request gave
 * (identity: "a one-time code sent to the contact already on file").
 */
import type { HoldRecorded, SystemOutcome } from '@datarights/contracts';
import { anchorInWords, dateInWords, durationInWords, inLocale, ruleFor, type Policy } from '@datarights/policy';
import { remedies } from '../requests/decision-notice';

export interface NoticeRecipient {
  channel: 'email' | 'post';
  to: string;
}

/** Where no verified address exists: the mail gateway writes to the postal address on file. */
export const SUBJECT_ON_FILE = 'subject-on-file';

const norm = (email: string) => email.trim().toLowerCase();

/** The request's own address if identity verified it, else the first verified one, else post. */
export function completionRecipient(
  requestEmail: string | null,
  verifiedEmails: readonly string[] | null,
): NoticeRecipient {
  const verified = (verifiedEmails ?? []).filter((e) => e.length > 0);
  if (requestEmail && verified.some((e) => norm(e) === norm(requestEmail)))
    return { channel: 'email', to: requestEmail };
  if (verified.length > 0) return { channel: 'email', to: verified[0] };
  return { channel: 'post', to: SUBJECT_ON_FILE };
}

/**
 * "No data held" (Art. 12(4) spirit: the subject is told what was, or was not, done). The
 * requester wrote from this address, so answering it discloses nothing about anyone else.
 */
export function noDataHeldRecipient(requestEmail: string | null): NoticeRecipient {
  return requestEmail ? { channel: 'email', to: requestEmail } : { channel: 'post', to: SUBJECT_ON_FILE };
}

export interface ErasedEntry {
  systemId: string;
  categories: string[];
}

export interface RetainedEntry {
  systemId: string;
  category: string;
  ground: string;
  legalText: string;
  /**
   * Until when, in words in the notice's language: a date ("jusqu'au 31 décembre 2033"), or, while
   * the period's start has not happened, the period and its start ("5 ans à compter de la
   * fin du contrat, qui n'a pas encore eu lieu"): the earliest end would mislead.
   */
  until: string;
  /** Why it is kept, in plain words in the subject's language (the policy's whyNot.erasure; Art. 12(1), 12(4)). */
  reason?: string;
}

/** What explains a partial refusal: the policy's reasons and authority, in the notice's language. */
export interface Explanation {
  policy: Pick<Policy, 'categories' | 'authority'>;
  locale: string;
}

type HoldLike = Pick<HoldRecorded, 'systemId' | 'category' | 'ground' | 'legalText' | 'until' | 'startPending'> & {
  holdId: string;
};

/** A hold's end as the subject reads it (Art. 12(1), 13(2)(a)): see RetainedEntry.until. */
export function holdEndInWords(h: HoldLike, explain?: Explanation): string {
  const locale = explain?.locale ?? 'fr';
  const en = locale.startsWith('en');
  if (!h.startPending) return en ? `until ${dateInWords(h.until, locale)}` : `jusqu'au ${dateInWords(h.until, locale)}`;
  const from = anchorInWords(h.startPending, locale);
  const rule = explain && ruleFor(explain.policy, h.category)?.rule.retentions?.find((r) => r.from === h.startPending);
  if (!rule?.period)
    return en
      ? `until ${from}, which has not happened yet, then for its legal period`
      : `jusqu'à ${from}, qui n'a pas encore eu lieu, puis pendant sa durée légale`;
  const period = durationInWords(rule.period, locale);
  return en
    ? `${period} from ${from}, which has not happened yet`
    : `${period} à compter de ${from}, qui n'a pas encore eu lieu`;
}

/** Erased: categories of systems that did it (done, partial), minus what a hold keeps. Retained: every hold, once. */
export function completionVariables(
  requestId: string,
  systems: readonly SystemOutcome[],
  holds: readonly HoldLike[],
  explain?: Explanation,
): {
  requestId: string;
  outcome: 'completed';
  erased: ErasedEntry[];
  retained: RetainedEntry[];
  complaint?: { authority: string; url: string };
  judicialRemedy?: boolean;
} {
  const uniqueHolds = [...new Map(holds.map((h) => [h.holdId, h])).values()];
  const held = new Set(uniqueHolds.map((h) => `${h.systemId}\u0000${h.category}`));
  const bySystem = new Map<string, Set<string>>();
  for (const s of systems) {
    if (s.outcome !== 'done' && s.outcome !== 'partial') continue;
    const cats = bySystem.get(s.systemId) ?? new Set<string>();
    for (const c of s.categories) if (!held.has(`${s.systemId}\u0000${c}`)) cats.add(c);
    bySystem.set(s.systemId, cats);
  }
  const erased = [...bySystem.entries()]
    .filter(([, cats]) => cats.size > 0)
    .map(([systemId, cats]) => ({ systemId, categories: [...cats].sort() }))
    .sort((a, b) => a.systemId.localeCompare(b.systemId));
  const retained: RetainedEntry[] = uniqueHolds
    .map((h) => {
      const reason = explain && inLocale(ruleFor(explain.policy, h.category)?.rule.whyNot?.erasure, explain.locale);
      return {
        systemId: h.systemId,
        category: h.category,
        ground: h.ground,
        legalText: h.legalText,
        until: holdEndInWords(h, explain),
        ...(reason ? { reason } : {}),
      };
    })
    .sort((a, b) => a.systemId.localeCompare(b.systemId) || a.category.localeCompare(b.category));
  // Art. 12(4): data kept under a hold is a request not acted on in part: the subject is told
  // the reasons and their right to complain to the CNIL and to a judicial remedy (Art. 77, 79).
  const partial = explain && retained.length > 0 ? remedies(explain.policy.authority) : {};
  return { requestId, outcome: 'completed', erased, retained, ...partial };
}

/** The `notificationRequested` payload for the mail gateway (template `request-completed`). */
export function completionNotification(
  notificationId: string,
  requestId: string,
  recipient: NoticeRecipient,
  locale: string,
  variables: Record<string, unknown>,
): {
  notificationId: string;
  requestId: string;
  channel: 'email' | 'post';
  to: string;
  template: string;
  locale: string;
  variables: Record<string, unknown>;
} {
  return {
    notificationId,
    requestId,
    channel: recipient.channel,
    to: recipient.to,
    template: 'request-completed',
    locale,
    variables,
  };
}

/**
 * The notices of the DPO's decisions on a request, for the mail gateway
 * (`dsr.notification.requested.v1`):
 * - `deadline-extended`: the extension and its reasons, within the first month (Art. 12(3));
 * - `request-refused`: no action taken, why, and the right to complain to the supervisory
 *   authority and to a judicial remedy (Art. 12(4), 77, 79);
 * - `request-rejected`: manifestly unfounded or excessive, why, and the same rights
 *   (Art. 12(5), 12(4)).
 * Sent to the requester: an address identity verified, else the request's own (they
 * wrote from it: answering it discloses nothing about anyone else), else by post. Pure.
 */
import type { AuthorityPolicy } from '@datarights/policy';
import { completionRecipient, type NoticeRecipient } from './completion-notice';

/** As the completion notice's recipient, except that the request's own address comes before the post. */
export function requesterRecipient(
  requestEmail: string | null,
  verifiedEmails: readonly string[] | null,
): NoticeRecipient {
  const recipient = completionRecipient(requestEmail, verifiedEmails);
  return recipient.channel === 'post' && requestEmail ? { channel: 'email', to: requestEmail } : recipient;
}

export interface Notice {
  notificationId: string;
  requestId: string;
  channel: 'email' | 'post';
  to: string;
  template: string;
  locale: string;
  variables: Record<string, unknown>;
}

export function notice(
  notificationId: string,
  requestId: string,
  recipient: NoticeRecipient,
  locale: string,
  template: string,
  variables: Record<string, unknown>,
): Notice {
  return { notificationId, requestId, channel: recipient.channel, to: recipient.to, template, locale, variables };
}

/** The rights every "no action" answer must state (Art. 12(4)). */
export function remedies(authority: Pick<AuthorityPolicy, 'name' | 'complaintUrl'>) {
  return { complaint: { authority: authority.name, url: authority.complaintUrl }, judicialRemedy: true };
}

export function extensionVariables(
  requestId: string,
  months: number,
  reasons: string,
  previousDueAt: Date,
  dueAt: Date,
) {
  return { requestId, months, reasons, previousDueAt: previousDueAt.toISOString(), dueAt: dueAt.toISOString() };
}

export function refusalVariables(
  requestId: string,
  requestType: string,
  reasons: string,
  authority: Pick<AuthorityPolicy, 'name' | 'complaintUrl'>,
) {
  return { requestId, requestType, outcome: 'refused', reasons, ...remedies(authority) };
}

export function rejectionVariables(
  requestId: string,
  requestType: string,
  ground: string,
  justification: string,
  authority: Pick<AuthorityPolicy, 'name' | 'complaintUrl'>,
) {
  return { requestId, requestType, outcome: 'rejected', ground, reasons: justification, ...remedies(authority) };
}

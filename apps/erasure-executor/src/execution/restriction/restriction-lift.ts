/**
 * Lifting a restriction (GDPR Art. 18(3): "A data subject who has obtained restriction of
 * processing ... shall be informed by the controller before the restriction of processing
 * is lifted"). The only path to a lift command: the notice to the subject is published
 * first (`notificationRequested`, then `restrictionLiftNotified`), and the lift commands
 * after it, in the same transaction and outbox order; a second request changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { PermanentError } from '@datarights/messaging';
import type { LinkedSubjectKeys, NotificationRequested, RestrictionLiftRequested } from '@datarights/contracts';
import { isPseudonym } from '@datarights/pseudonym';
import type { ActionEntity } from '../entities/action.entity';

/** Where to tell the subject: an e-mail on file, else a phone (never a hash). */
export function subjectContact(keys: LinkedSubjectKeys): { channel: 'email' | 'sms'; to: string } | undefined {
  const email = keys.email?.find((v) => !isPseudonym(v));
  if (email) return { channel: 'email', to: email };
  const phone = keys.phone?.find((v) => !isPseudonym(v));
  return phone ? { channel: 'sms', to: phone } : undefined;
}

/** The restrictions placed by the request, per system, that were not escalated (those are lifted by hand). */
export function placedRestrictions(
  actions: readonly ActionEntity[],
): { systemId: string; categories: string[]; ground: string }[] {
  return actions
    .filter(
      (a) =>
        a.kind === 'restrict' &&
        (a.params as { action?: string }).action !== 'lift' &&
        ['sent', 'retry-pending', 'completed'].includes(a.status),
    )
    .map((a) => ({ systemId: a.systemId, categories: a.categories, ground: (a.params as { ground: string }).ground }));
}

export function liftNotice(
  req: RestrictionLiftRequested,
  notificationId: string,
  contact: { channel: 'email' | 'sms'; to: string },
  locale: string,
  systemIds: string[],
): NotificationRequested {
  if (systemIds.length === 0) throw new PermanentError(`request ${req.requestId}: no restriction in place to lift`);
  return {
    notificationId,
    requestId: req.requestId,
    channel: contact.channel,
    to: contact.to,
    template: 'restriction-lifting',
    locale,
    variables: { requestId: req.requestId, systems: systemIds },
  };
}

export const newNotificationId = (): string => randomUUID();

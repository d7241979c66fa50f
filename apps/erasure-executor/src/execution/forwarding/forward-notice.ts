/**
 * Forwarding a request to the controller of a processor system (Art. 28(3)(e): the
 * processor assists the controller in answering data-subject requests; the controller
 * decides). The executor sends no command to such a system: it asks the mail gateway to
 * write to the controller's registered contact (template `processor-forward`) with what
 * the controller needs to act, and the action waits for the DPO to record the controller's
 * acknowledgement. Pure.
 */
import type { LinkedSubjectKeys, NotificationRequested, RequestType } from '@datarights/contracts';

export interface ForwardInput {
  notificationId: string;
  commandId: string;
  requestId: string;
  requestType: RequestType;
  systemId: string;
  controller: string | null;
  contact: string;
  categories: string[];
  subjectKeys: LinkedSubjectKeys;
  locale: string;
}

export function forwardNotice(f: ForwardInput): NotificationRequested {
  return {
    notificationId: f.notificationId,
    requestId: f.requestId,
    channel: 'email',
    to: f.contact,
    template: 'processor-forward',
    locale: f.locale,
    variables: {
      // The reference the controller quotes back, and the DPO records the acknowledgement under.
      reference: f.commandId,
      requestId: f.requestId,
      requestType: f.requestType,
      systemId: f.systemId,
      controller: f.controller,
      categories: [...f.categories],
      // The subject's identifiers are personal data, sent on purpose: the controller must
      // find the subject's records in the data it hosts with us in order to act. They go to
      // the controller's registered contact only, through the mail gateway; the audit keeps
      // none of it (it keeps the notification's ids and template).
      subjectKeys: { ...f.subjectKeys },
    },
  };
}

/** Why a forward could not be sent: escalated to the DPO, who forwards by hand, then closes the action. */
export function noContactReason(systemId: string, controller: string | null): string {
  return `processor system ${systemId}: the request must be forwarded to the controller ${controller ?? '(controller not registered)'}, who registered no controllerContact: forward it by hand, then close the action`;
}

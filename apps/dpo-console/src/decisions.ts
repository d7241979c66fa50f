/**
 * Every decision the API lets the DPO take on a request, as data: its form fields, their
 * limits (the same as the API's DTOs), the API route and the body. One route posts them
 * all; the page shows each where the request's state allows it, and the API stays the
 * judge (its refusals are shown with the form).
 */
import { DateTime } from 'luxon';
import type { Messages } from './messages';

/**
 * A browser's date-time field ("2026-12-04T09:12", no zone) read as the controller's local
 * time (Europe/Paris, the policy's deadlines.timeZone), as an ISO instant with its offset.
 */
export function parisTime(local: string, zone = 'Europe/Paris'): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return undefined;
  const t = DateTime.fromISO(local, { zone });
  return t.isValid ? (t.toISO({ suppressMilliseconds: true }) ?? undefined) : undefined;
}

export interface FieldSpec {
  name: string;
  label: (m: Messages) => string;
  kind: 'textarea' | 'select' | 'radio' | 'datetime';
  max?: number;
  optional?: boolean;
  options?: (m: Messages) => { value: string; label: string }[];
}

export interface DecisionSpec {
  key: string;
  title: (m: Messages) => string;
  /** What the target is: an action's commandId or a recipient notice's id. */
  target?: 'action' | 'notice';
  fields: FieldSpec[];
  path: (id: string, target?: string) => string;
  body: (f: Record<string, string>) => Record<string, unknown> | undefined;
}

const text = (name: string, label: FieldSpec['label'], max: number): FieldSpec => ({
  name,
  label,
  kind: 'textarea',
  max,
});

export const DECISIONS: DecisionSpec[] = [
  {
    key: 'attest',
    title: (m) => m.decisions.attest,
    fields: [text('note', (m) => m.decisions.attestNote, 2000)],
    path: (id) => `/v1/requests/${id}/verification`,
    body: (f) => ({ method: 'dpo-attested', note: f.note }),
  },
  {
    key: 'subject',
    title: (m) => m.decisions.chooseSubject,
    fields: [{ name: 'choice', label: (m) => m.decisions.chooseSubject, kind: 'radio' }],
    path: (id) => `/v1/requests/${id}/subject-decision`,
    body: (f) =>
      f.choice === 'no-data-held' ? { decision: 'no-data-held' } : { decision: 'subject', subjectRef: f.choice },
  },
  {
    key: 'extend',
    title: (m) => m.decisions.extend,
    fields: [
      {
        name: 'months',
        label: (m) => m.decisions.months,
        kind: 'select',
        options: () => [
          { value: '1', label: '1' },
          { value: '2', label: '2' },
        ],
      },
      text('reason', (m) => m.decisions.reasonSubject, 2000),
    ],
    path: (id) => `/v1/requests/${id}/extension`,
    body: (f) => ({ months: Number(f.months), reason: f.reason }),
  },
  {
    key: 'info-request',
    title: (m) => m.decisions.infoRequest,
    fields: [text('reason', (m) => m.decisions.infoAsked, 2000)],
    path: (id) => `/v1/requests/${id}/information-request`,
    body: (f) => ({ reason: f.reason }),
  },
  {
    key: 'info-received',
    title: (m) => m.decisions.infoReceived,
    fields: [{ name: 'receivedAt', label: (m) => m.decisions.infoReceivedAt, kind: 'datetime', optional: true }],
    path: (id) => `/v1/requests/${id}/information-request/received`,
    body: (f) => (f.receivedAt ? { receivedAt: parisTime(f.receivedAt) } : {}),
  },
  {
    // Art. 15(4): a package holding other people's data leaves once the DPO releases it.
    key: 'release',
    title: (m) => m.decisions.release,
    fields: [],
    path: (id) => `/v1/requests/${id}/package-release`,
    body: () => ({}),
  },
  {
    key: 'refuse',
    title: (m) => m.decisions.refuse,
    fields: [text('reasons', (m) => m.decisions.reasons, 4000)],
    path: (id) => `/v1/requests/${id}/refusal`,
    body: (f) => ({ reasons: f.reasons }),
  },
  {
    key: 'reject',
    title: (m) => m.decisions.reject,
    fields: [
      {
        name: 'ground',
        label: (m) => m.decisions.rejectGround,
        kind: 'select',
        options: (m) => ['manifestly-unfounded', 'excessive'].map((g) => ({ value: g, label: m.decisions.grounds[g] })),
      },
      text('justification', (m) => m.decisions.justification, 4000),
    ],
    path: (id) => `/v1/requests/${id}/rejection`,
    body: (f) => ({ ground: f.ground, justification: f.justification }),
  },
  {
    key: 'close',
    title: (m) => m.decisions.closeAction,
    target: 'action',
    fields: [text('reason', (m) => m.request.reason, 2000)],
    path: (id, cid) => `/v1/requests/${id}/actions/${cid}/close`,
    body: (f) => ({ reason: f.reason }),
  },
  {
    key: 'objection',
    title: (m) => m.decisions.objection,
    target: 'action',
    fields: [
      {
        name: 'decision',
        label: (m) => m.decisions.objection,
        kind: 'select',
        options: (m) => [
          { value: 'upheld', label: m.decisions.upheld },
          { value: 'overridden', label: m.decisions.overridden },
        ],
      },
      text('grounds', (m) => m.decisions.grounds2, 4000),
    ],
    path: (id, cid) => `/v1/requests/${id}/actions/${cid}/objection-decision`,
    body: (f) => ({ decision: f.decision, grounds: f.grounds }),
  },
  {
    key: 'acknowledge',
    title: (m) => m.decisions.acknowledge,
    target: 'action',
    fields: [text('note', (m) => m.decisions.ackNote, 2000)],
    path: (id, cid) => `/v1/requests/${id}/actions/${cid}/acknowledgement`,
    body: (f) => ({ note: f.note }),
  },
  {
    key: 'lift',
    title: (m) => m.decisions.liftRestriction,
    fields: [text('reason', (m) => m.request.reason, 2000)],
    path: (id) => `/v1/requests/${id}/restriction/lift`,
    body: (f) => ({ reason: f.reason }),
  },
  {
    key: 'recipient-ack',
    title: (m) => m.decisions.recipientAck,
    target: 'notice',
    fields: [text('note', (m) => m.decisions.ackNote, 2000)],
    path: (id, nid) => `/v1/requests/${id}/recipients/${nid}/acknowledgement`,
    body: (f) => ({ note: f.note }),
  },
  {
    key: 'subject-notice',
    title: (m) => m.decisions.subjectNotice,
    fields: [],
    path: (id) => `/v1/requests/${id}/recipients/subject-notice`,
    body: () => ({}),
  },
];

export function decisionOf(key: string): DecisionSpec | undefined {
  return DECISIONS.find((d) => d.key === key);
}

/** The form's own checks (required, at most N characters, one of the options), in the DPO's language. */
export function validateDecision(d: DecisionSpec, f: Record<string, string>, m: Messages): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of d.fields) {
    const v = (f[field.name] ?? '').trim();
    if (!v) {
      if (!field.optional) errors[field.name] = m.decisions.required;
    } else if (field.kind === 'datetime' && !parisTime(v)) errors[field.name] = m.decisions.badDate;
    else if (field.max && v.length > field.max) errors[field.name] = m.decisions.tooLong(field.max);
    else if (field.options && !field.options(m).some((o) => o.value === v)) errors[field.name] = m.decisions.required;
  }
  return errors;
}

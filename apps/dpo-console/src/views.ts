/**
 * The console's pages (server-rendered; every value escaped by `html`).
 * Long on purpose: every page of the console, each a small template function over the same
 * escaping helpers; split, a reader would jump between files to see one screen's markup.
 */
import { CHANNELS, REQUEST_TYPES, RESTRICTION_GROUNDS } from '@datarights/contracts';
import { anchorInWords } from '@datarights/policy';
import { html, type Html, type Lang } from '@datarights/web-kit';
import { DECISIONS, parisTime, type DecisionSpec } from './decisions';
import { csrfField, dueBadge, fmtDate, layout, type Frame } from './layout';
import { MESSAGES, type Messages } from './messages';

/* eslint-disable @typescript-eslint/no-explicit-any -- API answers, documented in docs/openapi */
export type Json = any;

/** request-intake's statuses (its OpenAPI enum; decisions.spec checks they stay the same). */
export const STATUSES = [
  'received',
  'awaiting-subject-decision',
  'awaiting-verification',
  'verified',
  'in-progress',
  'needs-attention',
  'completed',
  'closed',
] as const;
export const OPEN_STATUSES = STATUSES.filter((s) => s !== 'completed' && s !== 'closed');

export function signInPage(f: Frame, o: { devLogin: boolean; oidc: boolean; error?: string }): string {
  const m = MESSAGES[f.lang];
  return layout(
    f,
    m.signIn.title,
    html`<h1>${m.signIn.title}</h1>
      ${o.error ? html`<div class="error-summary" role="alert"><p>${o.error}</p></div>` : ''}
      ${o.oidc ? html`<p><a class="button" href="/login/oidc">${m.signIn.oidc}</a></p>` : ''}
      ${
        o.devLogin
          ? html`<form class="stack" method="post" action="/login">
              ${csrfField(f.csrf ?? '')}
              <div>
                <label for="token">${m.signIn.devToken}</label>
                <span class="hint" id="token-hint">${m.signIn.devTokenHint}</span>
                <input type="password" id="token" name="token" autocomplete="off" aria-describedby="token-hint" />
              </div>
              <div><button type="submit">${m.signIn.submit}</button></div>
            </form>`
          : ''
      }`,
  );
}

export interface DashboardData {
  openByStatus: { status: string; total: number }[];
  dueThisWeek: number;
  overdue: number;
  medianDays?: number;
  closedSample: number;
}

export function dashboardPage(f: Frame, d: DashboardData): string {
  const m = MESSAGES[f.lang];
  return layout(
    f,
    m.dashboard.title,
    html`<h1>${m.dashboard.title}</h1>
      <div class="cards">
        <a class="card" href="/requests?overdue=true"
          ><span class="n" id="overdue-count">${d.overdue}</span>${m.dashboard.overdue}</a
        >
        <div class="card"><span class="n" id="due-week-count">${d.dueThisWeek}</span>${m.dashboard.dueThisWeek}</div>
        <div class="card">
          <span class="n">${d.medianDays === undefined ? m.dashboard.none : m.dashboard.days(d.medianDays)}</span
          >${m.dashboard.median}
          <span class="hint">${m.dashboard.medianOf(d.closedSample)}</span>
        </div>
      </div>
      <h2>${m.dashboard.openByStatus}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${m.queue.status}</th>
            <th scope="col">#</th>
          </tr>
        </thead>
        <tbody>
          ${d.openByStatus.map(
            (s) =>
              html`<tr>
                <td><a href="/requests?status=${s.status}">${m.statuses[s.status]}</a></td>
                <td>${s.total}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}

export interface QueueFilters {
  status: string;
  type: string;
  channel: string;
  dueBefore: string;
  overdue: string;
}

function select(name: string, label: string, value: string, options: { value: string; label: string }[]): Html {
  return html`<div>
    <label for="f-${name}">${label}</label>
    <select id="f-${name}" name="${name}">
      ${options.map((o) => html`<option value="${o.value}" ${o.value === value ? 'selected' : ''}>${o.label}</option>`)}
    </select>
  </div>`;
}

export function queuePage(
  f: Frame,
  q: QueueFilters,
  items: Json[],
  total: number,
  truncated: number | undefined,
): string {
  const m = MESSAGES[f.lang];
  return layout(
    f,
    m.queue.title,
    html`<h1>${m.queue.title}</h1>
      <form class="inline" method="get" action="/requests" aria-label="${m.queue.filters}">
        ${select('status', m.queue.status, q.status, [
          { value: 'open', label: m.queue.open },
          { value: 'all', label: m.queue.all },
          ...STATUSES.map((s) => ({ value: s, label: m.statuses[s] })),
        ])}
        ${select('type', m.queue.type, q.type, [
          { value: '', label: m.queue.all },
          ...REQUEST_TYPES.map((t) => ({ value: t, label: m.types[t] })),
        ])}
        ${select('channel', m.queue.channel, q.channel, [
          { value: '', label: m.queue.all },
          ...CHANNELS.map((c) => ({ value: c, label: m.channels[c] })),
        ])}
        <div>
          <label for="f-dueBefore">${m.queue.dueBefore}</label>
          <input type="date" id="f-dueBefore" name="dueBefore" value="${q.dueBefore}" />
        </div>
        ${q.overdue ? html`<input type="hidden" name="overdue" value="${q.overdue}" />` : ''}
        <div><button type="submit">${m.queue.apply}</button> <a href="/requests">${m.queue.reset}</a></div>
      </form>
      <p class="muted">${m.queue.sorted} ${m.queue.count(items.length, total)}</p>
      ${truncated ? html`<p class="notice">${m.queue.truncated(truncated)}</p>` : ''}
      ${
        items.length === 0
          ? html`<p>${m.queue.empty}</p>`
          : html`<table id="queue">
              <thead>
                <tr>
                  <th scope="col">${m.queue.due}</th>
                  <th scope="col">${m.queue.type}</th>
                  <th scope="col">${m.queue.status}</th>
                  <th scope="col">${m.queue.channel}</th>
                  <th scope="col">${m.queue.received}</th>
                  <th scope="col">${m.queue.id}</th>
                </tr>
              </thead>
              <tbody>
                ${items.map(
                  (r) =>
                    html`<tr class="${r.overdue ? 'overdue' : r.dueSoon ? 'due-soon' : ''}">
                      <td>${fmtDate(r.dueAt, f.lang, false)} ${dueBadge(f.lang, r)}</td>
                      <td>${m.types[r.type] ?? r.type}</td>
                      <td>${m.statuses[r.status] ?? r.status}</td>
                      <td>${r.channel ? (m.channels[r.channel] ?? r.channel) : ''}</td>
                      <td>${fmtDate(r.receivedAt, f.lang)}</td>
                      <td><a class="mono" href="/requests/${r.id}">${r.id.slice(0, 8)}</a></td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`,
  );
}

export interface DecisionState {
  key: string;
  target?: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  apiErrors: string[];
}

function decisionForm(
  f: Frame,
  m: Messages,
  d: DecisionSpec,
  requestId: string,
  o: { target?: string; label?: string; radio?: { value: string; label: string }[]; state?: DecisionState },
): Html {
  const st = o.state && o.state.key === d.key && (o.state.target ?? '') === (o.target ?? '') ? o.state : undefined;
  const id = `d-${d.key}${o.target ? `-${o.target.slice(0, 8)}` : ''}`;
  return html`<details class="decision" id="${id}" ${st ? 'open' : ''}>
    <summary>${d.title(m)}${o.label ? html` — ${o.label}` : ''}</summary>
    <form class="stack" method="post" action="/requests/${requestId}/decisions/${d.key}" novalidate>
      ${csrfField(f.csrf ?? '')} ${o.target ? html`<input type="hidden" name="target" value="${o.target}" />` : ''}
      ${
        st && (Object.keys(st.errors).length || st.apiErrors.length)
          ? html`<div class="error-summary" role="alert">
              ${st.apiErrors.length ? html`<p>${m.decisions.failed}</p>` : ''}
              <ul>
                ${[...Object.values(st.errors), ...st.apiErrors].map((e) => html`<li>${e}</li>`)}
              </ul>
            </div>`
          : ''
      }
      ${d.fields.map((field) => {
        const fid = `${id}-${field.name}`;
        const err = st?.errors[field.name];
        const val = st?.values[field.name] ?? '';
        const aria = err ? html`aria-invalid="true" aria-describedby="${fid}-err"` : '';
        const errEl = err ? html`<span class="field-error" id="${fid}-err">${err}</span>` : '';
        if (field.kind === 'radio')
          return html`<fieldset>
            <legend>${field.label(m)}</legend>
            ${errEl}
            ${(o.radio ?? []).map(
              (r, i) =>
                html`<div class="choice">
                  <input
                    type="radio"
                    id="${fid}-${i}"
                    name="${field.name}"
                    value="${r.value}"
                    ${val === r.value ? 'checked' : ''}
                  />
                  <label for="${fid}-${i}">${r.label}</label>
                </div>`,
            )}
          </fieldset>`;
        if (field.kind === 'datetime')
          return html`<div>
            <label for="${fid}">${field.label(m)}</label>${errEl}
            <input type="datetime-local" id="${fid}" name="${field.name}" value="${val}" ${aria} />
          </div>`;
        if (field.kind === 'select')
          return html`<div>
            <label for="${fid}">${field.label(m)}</label>${errEl}
            <select id="${fid}" name="${field.name}" ${aria}>
              ${field.options!(m).map(
                (opt) =>
                  html`<option value="${opt.value}" ${val === opt.value ? 'selected' : ''}>${opt.label}</option>`,
              )}
            </select>
          </div>`;
        return html`<div>
          <label for="${fid}">${field.label(m)}</label>${errEl}
          <textarea id="${fid}" name="${field.name}" maxlength="${field.max ?? 4000}" ${aria}>${val}</textarea>
        </div>`;
      })}
      <div><button type="submit">${m.decisions.submit}</button></div>
    </form>
  </details>`;
}

const CLOSED = ['completed', 'closed'];

export function requestPage(f: Frame, r: Json, o: { done?: string; state?: DecisionState } = {}): string {
  const m = MESSAGES[f.lang];
  const open = !CLOSED.includes(r.status);
  const d = (key: string) => DECISIONS.find((x) => x.key === key)!;
  const forms: Html[] = [];
  const state = o.state;
  if (open && ['received', 'awaiting-verification'].includes(r.status))
    forms.push(decisionForm(f, m, d('attest'), r.id, { state }));
  if (r.status === 'awaiting-subject-decision')
    forms.push(
      decisionForm(f, m, d('subject'), r.id, {
        state,
        radio: [
          ...(r.candidates ?? []).map((c: Json) => ({
            value: c.subjectRef,
            label: `${c.hints.join(', ')} (${c.records})`,
          })),
          { value: 'no-data-held', label: m.decisions.noDataHeld },
        ],
      }),
    );
  for (const a of r.systems ?? []) {
    if (!a.commandId) continue;
    if (a.status === 'escalated')
      forms.push(decisionForm(f, m, d('close'), r.id, { state, target: a.commandId, label: a.systemId }));
    if (a.status === 'awaiting-acknowledgement')
      forms.push(decisionForm(f, m, d('acknowledge'), r.id, { state, target: a.commandId, label: a.systemId }));
    if (r.type === 'objection' && a.outcome === 'pending' && a.status !== 'awaiting-acknowledgement')
      forms.push(decisionForm(f, m, d('objection'), r.id, { state, target: a.commandId, label: a.systemId }));
  }
  for (const n of r.recipients ?? [])
    if (n.status !== 'acknowledged')
      forms.push(decisionForm(f, m, d('recipient-ack'), r.id, { state, target: n.noticeId, label: n.name }));
  if ((r.recipients ?? []).length) forms.push(decisionForm(f, m, d('subject-notice'), r.id, { state }));
  if (open && !r.informationAwaited && r.status !== 'awaiting-verification')
    forms.push(decisionForm(f, m, d('info-request'), r.id, { state }));
  if (open && r.informationAwaited) forms.push(decisionForm(f, m, d('info-received'), r.id, { state }));
  const releaseWaiting = !!r.packageRelease && !r.packageRelease.releasedAt;
  if (releaseWaiting) forms.push(decisionForm(f, m, d('release'), r.id, { state }));
  if (open && !r.extension) forms.push(decisionForm(f, m, d('extend'), r.id, { state }));
  if (open)
    forms.push(decisionForm(f, m, d('refuse'), r.id, { state }), decisionForm(f, m, d('reject'), r.id, { state }));
  if (r.type === 'restriction' && r.status === 'completed') forms.push(decisionForm(f, m, d('lift'), r.id, { state }));

  const subject = r.subject ?? {};
  const hasPackage =
    ['access', 'portability'].includes(r.type) && r.status === 'completed' && r.outcome === 'completed';
  return layout(
    f,
    `${m.request.title} ${r.id.slice(0, 8)}`,
    html`<h1>${m.types[r.type] ?? r.type} — <span class="mono">${r.id}</span></h1>
      ${o.done ? html`<div class="notice ok" role="status">${m.decisions.done}</div>` : ''}
      <div class="actions-bar">
        <a class="button secondary" href="/requests/${r.id}">${m.request.refresh}</a>
        <a class="button secondary" href="/requests/${r.id}/evidence" id="evidence-link">${m.request.evidence}</a>
        ${hasPackage ? html`<a class="button secondary" href="/requests/${r.id}/package">${m.request.package}</a>` : ''}
      </div>
      ${releaseWaiting ? html`<div class="notice warn" role="status" id="package-waiting">${m.request.packageWaiting}</div>` : ''}
      <h2>${m.request.facts}</h2>
      <dl class="facts">
        <dt>${m.queue.status}</dt>
        <dd><strong id="request-status">${m.statuses[r.status] ?? r.status}</strong> ${dueBadge(f.lang, r)}</dd>
        <dt>${m.queue.channel}</dt>
        <dd>${m.channels[r.channel] ?? r.channel}</dd>
        <dt>${m.request.receivedAt}</dt>
        <dd>${fmtDate(r.receivedAt, f.lang)}</dd>
        <dt>${m.request.dueAt}</dt>
        <dd>${fmtDate(r.dueAt, f.lang)}</dd>
        ${
          r.closedAt
            ? html`<dt>${m.request.closedAt}</dt>
                <dd>${fmtDate(r.closedAt, f.lang)}</dd>`
            : ''
        }
        ${
          r.outcome
            ? html`<dt>${m.request.outcome}</dt>
                <dd id="request-outcome">${r.outcome}</dd>`
            : ''
        }
        ${
          r.packageRelease?.releasedAt
            ? html`<dt>${m.request.packageReleased}</dt>
                <dd>${fmtDate(r.packageRelease.releasedAt, f.lang)} — ${r.packageRelease.releasedBy ?? ''}</dd>`
            : ''
        }
        <dt>${m.request.subject}</dt>
        <dd>${[subject.name, subject.email, subject.customerId, subject.phone].filter(Boolean).join(' · ')}</dd>
        ${
          r.representative
            ? html`<dt>${m.request.representative}</dt>
                <dd>${[r.representative.name, r.representative.mandateReference].filter(Boolean).join(' · ')}</dd>`
            : ''
        }
        ${
          r.note
            ? html`<dt>${m.request.note}</dt>
                <dd>${r.note}</dd>`
            : ''
        }
        ${
          r.extension
            ? html`<dt>${m.request.extension}</dt>
                <dd>
                  +${r.extension.months} — ${r.extension.reason ?? ''} (${fmtDate(r.extension.originalDueAt, f.lang)})
                </dd>`
            : ''
        }
        ${
          r.decision
            ? html`<dt>${m.request.decision}</dt>
                <dd>${r.decision.outcome} ${r.decision.ground ?? ''} — ${r.decision.reasons ?? ''}</dd>`
            : ''
        }
        <dt>${m.request.verification}</dt>
        <dd>
          ${r.verification?.method ?? '—'} ${fmtDate(r.verification?.verifiedAt, f.lang)}
          ${r.verification?.note ? html`— ${r.verification.note}` : ''}
        </dd>
      </dl>
      ${
        (r.attention ?? []).length
          ? html`<h2>${m.request.attention}</h2>
              <ul>
                ${r.attention.map((a: string) => html`<li>${a}</li>`)}
              </ul>`
          : ''
      }
      ${
        forms.length
          ? html`<h2>${m.decisions.heading}</h2>
              ${forms}`
          : ''
      }
      ${systemsTable(m, f.lang, r)} ${holdsTable(m, f.lang, r)} ${recipientsTable(m, f.lang, r)}
      ${timelineTable(m, f.lang, r.timeline ?? [])}`,
  );
}

function systemsTable(m: Messages, _lang: Lang, r: Json): Html {
  return html`<h2>${m.request.systems}</h2>
    ${
      (r.systems ?? []).length === 0
        ? html`<p>${m.request.none}</p>`
        : html`<table id="systems">
            <thead>
              <tr>
                <th scope="col">${m.request.system}</th>
                <th scope="col">${m.request.kind}</th>
                <th scope="col">${m.request.categories}</th>
                <th scope="col">${m.request.state}</th>
                <th scope="col">${m.request.result}</th>
                <th scope="col">${m.request.records}</th>
                <th scope="col">${m.request.attempts}</th>
                <th scope="col">${m.request.reason}</th>
              </tr>
            </thead>
            <tbody>
              ${r.systems.map(
                (a: Json) =>
                  html`<tr>
                    <td>${a.systemId}</td>
                    <td>${a.kind ?? ''}</td>
                    <td>${(a.categories ?? []).join(', ')}</td>
                    <td>${a.status}</td>
                    <td>${a.outcome}</td>
                    <td>${a.affectedRecords ?? ''}</td>
                    <td>${a.attempts}</td>
                    <td>${a.reason ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}

function holdsTable(m: Messages, lang: Lang, r: Json): Html {
  return html`<h2>${m.request.holds}</h2>
    ${
      (r.holds ?? []).length === 0
        ? html`<p>${m.request.none}</p>`
        : html`<table id="holds">
            <thead>
              <tr>
                <th scope="col">${m.request.system}</th>
                <th scope="col">${m.request.categories}</th>
                <th scope="col">${m.request.ground}</th>
                <th scope="col">${m.request.legalText}</th>
                <th scope="col">${m.request.until}</th>
              </tr>
            </thead>
            <tbody>
              ${r.holds.map(
                (h: Json) =>
                  html`<tr>
                    <td>${h.systemId}</td>
                    <td>${h.category}</td>
                    <td>${h.ground}</td>
                    <td>${h.legalText}</td>
                    <td>
                      ${
                        h.startPending
                          ? m.request.startPending(anchorInWords(h.startPending, lang), fmtDate(h.until, lang, false))
                          : fmtDate(h.until, lang, false)
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}

function recipientsTable(m: Messages, lang: Lang, r: Json): Html {
  return html`<h2>${m.request.recipients}</h2>
    ${
      (r.recipients ?? []).length === 0
        ? html`<p>${m.request.none}</p>`
        : html`<table id="recipients">
            <thead>
              <tr>
                <th scope="col">${m.request.recipient}</th>
                <th scope="col">${m.request.country}</th>
                <th scope="col">${m.request.kind}</th>
                <th scope="col">${m.request.categories}</th>
                <th scope="col">${m.request.ack}</th>
                <th scope="col">${m.request.reminders}</th>
              </tr>
            </thead>
            <tbody>
              ${r.recipients.map(
                (n: Json) =>
                  html`<tr>
                    <td>${n.name} <span class="muted">(${n.fromSystemId})</span></td>
                    <td>${n.country}</td>
                    <td>${n.action}</td>
                    <td>${(n.categories ?? []).join(', ')}</td>
                    <td>
                      ${n.status} ${n.acknowledgedBy ? html`— ${n.acknowledgedBy}` : ''}
                      ${n.reason ? html`— ${n.reason}` : ''}
                      ${n.respondBy ? html`<span class="muted">(${fmtDate(n.respondBy, lang)})</span>` : ''}
                    </td>
                    <td>${n.reminders}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}

export function timelineTable(m: Messages, lang: Lang, timeline: Json[]): Html {
  return html`<h2>${m.request.timeline}</h2>
    <table id="timeline">
      <thead>
        <tr>
          <th scope="col">${m.request.at}</th>
          <th scope="col">${m.request.event}</th>
          <th scope="col">${m.request.summary}</th>
        </tr>
      </thead>
      <tbody>
        ${timeline.map(
          (t) =>
            html`<tr>
              <td>${fmtDate(t.at, lang)}</td>
              <td class="mono">${t.event}</td>
              <td>${t.summary}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function filePage(
  f: Frame,
  o: { values?: Record<string, string>; errors?: string[]; idempotencyKey: string },
): string {
  const m = MESSAGES[f.lang];
  const v = o.values ?? {};
  const input = (name: string, label: string, type = 'text') =>
    html`<div>
      <label for="file-${name}">${label}</label
      ><input type="${type}" id="file-${name}" name="${name}" value="${v[name] ?? ''}" />
    </div>`;
  return layout(
    f,
    m.file.title,
    html`<h1>${m.file.title}</h1>
      ${
        o.errors?.length
          ? html`<div class="error-summary" role="alert">
              <h2>${m.file.errorsHeading}</h2>
              <ul>
                ${o.errors.map((e) => html`<li>${e}</li>`)}
              </ul>
            </div>`
          : ''
      }
      <form class="stack" method="post" action="/requests/new" novalidate>
        ${csrfField(f.csrf ?? '')}
        <input type="hidden" name="idempotencyKey" value="${o.idempotencyKey}" />
        <div>
          <label for="file-type">${m.file.type}</label>
          <select id="file-type" name="type">
            <option value=""></option>
            ${REQUEST_TYPES.map((t) => html`<option value="${t}" ${v.type === t ? 'selected' : ''}>${m.types[t]}</option>`)}
          </select>
        </div>
        <div>
          <label for="file-channel">${m.file.channel}</label>
          <select id="file-channel" name="channel">
            ${CHANNELS.map(
              (c) =>
                html`<option value="${c}" ${(v.channel ?? 'email') === c ? 'selected' : ''}>${m.channels[c]}</option>`,
            )}
          </select>
        </div>
        <div>
          <label for="file-receivedAt">${m.file.receivedAt}</label>
          <span class="hint" id="file-receivedAt-hint">${m.file.receivedHint}</span>
          <input
            type="datetime-local"
            id="file-receivedAt"
            name="receivedAt"
            value="${v.receivedAt ?? ''}"
            aria-describedby="file-receivedAt-hint"
          />
        </div>
        ${input('receiptEvidence', m.file.receiptEvidence)}
        <fieldset>
          <legend>${m.request.subject}</legend>
          ${input('email', m.file.email, 'email')} ${input('customerId', m.file.customerId)}
          ${input('phone', m.file.phone, 'tel')} ${input('name', m.file.name)}
        </fieldset>
        <div>
          <label for="file-changes">${m.file.changes}</label>
          <textarea id="file-changes" name="changes">${v.changes ?? ''}</textarea>
        </div>
        ${input('purposes', m.file.purposes)}
        <div>
          <label for="file-ground">${m.file.ground}</label>
          <select id="file-ground" name="ground">
            <option value=""></option>
            ${RESTRICTION_GROUNDS.map((g) => html`<option value="${g}" ${v.ground === g ? 'selected' : ''}>${g}</option>`)}
          </select>
        </div>
        <fieldset>
          <legend>${m.request.representative}</legend>
          ${input('mandateReference', m.file.mandate)} ${input('representativeName', m.file.repName)}
        </fieldset>
        <div>
          <label for="file-note">${m.file.note}</label>
          <textarea id="file-note" name="note" maxlength="2000">${v.note ?? ''}</textarea>
        </div>
        <div><button type="submit">${m.file.submit}</button></div>
      </form>`,
  );
}

/** The form → POST /v1/requests body; the API's validation stays the reference (its messages are shown). */
export function filingBody(
  v: Record<string, string>,
  m: Messages,
): { body?: Record<string, unknown>; errors: string[] } {
  const s = (k: string) => (v[k] ?? '').trim();
  const errors: string[] = [];
  if (!s('type')) errors.push(m.file.typeRequired);
  if (!s('channel')) errors.push(m.file.channelRequired);
  const subject = Object.fromEntries(
    ['email', 'customerId', 'phone', 'name'].filter((k) => s(k)).map((k) => [k, s(k)]),
  ) as Record<string, string>;
  if (!subject.email && !subject.customerId && !subject.phone) errors.push(m.file.identifierRequired);
  if (errors.length) return { errors };
  const body: Record<string, unknown> = { type: s('type'), channel: s('channel'), subject };
  if (s('changes'))
    body.changes = Object.fromEntries(
      s('changes')
        .split('\n')
        .map((l) => l.split('='))
        .filter((p) => p.length >= 2)
        .map(([k, ...rest]) => [k.trim(), rest.join('=').trim()]),
    );
  if (s('purposes'))
    body.purposes = s('purposes')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  if (s('ground')) body.ground = s('ground');
  if (s('mandateReference'))
    body.representative = {
      mandateReference: s('mandateReference'),
      ...(s('representativeName') ? { name: s('representativeName') } : {}),
    };
  if (s('note')) body.note = s('note');
  if (s('receivedAt') || s('receiptEvidence')) {
    const at = parisTime(s('receivedAt'));
    if (!at || !s('receiptEvidence')) return { errors: [at ? m.file.receivedTogether : m.decisions.badDate] };
    body.receivedAt = at;
    body.receiptEvidence = s('receiptEvidence');
  }
  return { body, errors };
}

/**
 * The privacy centre's pages: plain HTML forms (they work without JavaScript), labelled, keyboard-first.
 * Long on purpose: every page of the privacy centre, each a small template function over
 * the same escaping helpers.
 */
import { REQUEST_TYPES, RESTRICTION_GROUNDS, type RequestType } from '@datarights/contracts';
import { html, type Html, type Lang } from '@datarights/web-kit';
import {
  CHANGE_ROWS,
  marketingPurposes,
  purposeField,
  requirementsOf,
  type FieldErrors,
  type FormFields,
} from './filing-form';
import type { Policy } from '@datarights/policy';
import { MESSAGES, type Messages } from './messages';

export function layout(lang: Lang, title: string, body: Html): string {
  const m = MESSAGES[lang];
  const other: Lang = lang === 'fr' ? 'en' : 'fr';
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — ${m.title}</title>
        <link rel="stylesheet" href="/static/style.css" />
        <script src="/static/form.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${m.skip}</a>
        <header class="top">
          <a class="brand" href="/">${m.title}</a>
          <div class="right"><a href="?lang=${other}" lang="${other}" hreflang="${other}">${m.langSwitch}</a></div>
        </header>
        <main id="main" tabindex="-1">${body}</main>
      </body>
    </html>`.value;
}

function field(
  name: string,
  label: string,
  o: { type?: string; value?: string; hint?: string; error?: string; autocomplete?: string; required?: boolean } = {},
): Html {
  const described = [o.hint ? `${name}-hint` : '', o.error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return html`<div>
    <label for="${name}">${label}</label>
    ${o.hint ? html`<span class="hint" id="${name}-hint">${o.hint}</span>` : ''}
    ${o.error ? html`<span class="field-error" id="${name}-error">${o.error}</span>` : ''}
    <input
      type="${o.type ?? 'text'}"
      id="${name}"
      name="${name}"
      value="${o.value ?? ''}"
      ${o.autocomplete ? html`autocomplete="${o.autocomplete}"` : ''}
      ${o.required ? html`aria-required="true"` : ''}
      ${described ? html`aria-describedby="${described}"` : ''}
      ${o.error ? html`aria-invalid="true"` : ''}
    />
  </div>`;
}

export function errorSummary(heading: string, errors: FieldErrors, anchors: Record<string, string> = {}): Html {
  const entries = Object.entries(errors);
  if (!entries.length) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="errors">
    <h2>${heading}</h2>
    <ul>
      ${entries.map(([k, msg]) => html`<li><a href="#${anchors[k] ?? k}">${msg}</a></li>`)}
    </ul>
  </div>`;
}

export function filingPage(
  lang: Lang,
  policy: Pick<Policy, 'verification'> & Partial<Pick<Policy, 'directMarketing'>>,
  f: FormFields = {},
  errors: FieldErrors = {},
  apiErrors: string[] = [],
): string {
  const m = MESSAGES[lang];
  const type = f.type as RequestType | undefined;
  const anchors: Record<string, string> = {
    type: `type-${REQUEST_TYPES[0]}`,
    identifiers: 'email',
    changes: 'changeField0',
    purposes: purposeField(marketingPurposes(policy)[0] ?? 'prospection'),
    ...Object.fromEntries([...Array(CHANGE_ROWS).keys()].map((i) => [`change${i}`, `changeField${i}`])),
  };
  const needsCustomer = (t: RequestType) => requirementsOf(policy, t).customerNumber;
  const shown = (t: RequestType) => (type === undefined || type === t ? '' : 'hidden');
  const body = html`
    <h1>${m.fileHeading}</h1>
    <p>${m.intro}</p>
    ${errorSummary(m.errorsHeading, errors, anchors)}
    ${
      apiErrors.length
        ? html`<div class="error-summary" role="alert" id="errors">
            <h2>${m.errorsHeading}</h2>
            <p>${m.errors.api}</p>
            <ul>
              ${apiErrors.map((e) => html`<li>${e}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <form class="stack" method="post" action="/requests" novalidate>
      <fieldset ${errors.type ? html`aria-describedby="type-error"` : ''}>
        <legend>${m.type}</legend>
        ${errors.type ? html`<span class="field-error" id="type-error">${errors.type}</span>` : ''}
        ${REQUEST_TYPES.map(
          (t) =>
            html`<div class="choice">
              <input
                type="radio"
                name="type"
                id="type-${t}"
                value="${t}"
                ${type === t ? 'checked' : ''}
                data-needs-customer="${needsCustomer(t) ? 'true' : 'false'}"
              />
              <label for="type-${t}">${m.types[t]}</label>
            </div>`,
        )}
      </fieldset>
      <fieldset>
        <legend>${m.identifiers}</legend>
        <p class="hint" id="identifiers-hint">${m.identifiersHint}</p>
        ${errors.identifiers ? html`<span class="field-error" id="identifiers-error">${errors.identifiers}</span>` : ''}
        ${field('email', m.email, { type: 'email', value: f.email, error: errors.email, autocomplete: 'email' })}
        ${field('customerId', m.customerId, {
          value: f.customerId,
          hint: `${m.customerIdHint}${type && needsCustomer(type) ? ` ${m.customerIdRequired}` : ''}`,
          error: errors.customerId,
          required: type !== undefined && needsCustomer(type),
        })}
        ${field('phone', m.phone, {
          type: 'tel',
          value: f.phone,
          hint: m.phoneHint,
          error: errors.phone,
          autocomplete: 'tel',
        })}
        ${field('name', m.name, { value: f.name, error: errors.name, autocomplete: 'name' })}
      </fieldset>
      <fieldset data-for="rectification" ${shown('rectification')}>
        <legend>${m.changes}</legend>
        <p class="hint">${m.changesHint}</p>
        ${errors.changes ? html`<span class="field-error">${errors.changes}</span>` : ''}
        ${[...Array(CHANGE_ROWS).keys()].map(
          (i) =>
            html`<div class="inline-pair">
              ${errors[`change${i}`] ? html`<span class="field-error">${errors[`change${i}`]}</span>` : ''}
              ${field(`changeField${i}`, `${m.changeField} ${i + 1}`, { value: f[`changeField${i}`] })}
              ${field(`changeValue${i}`, `${m.changeValue} ${i + 1}`, { value: f[`changeValue${i}`] })}
            </div>`,
        )}
      </fieldset>
      <fieldset data-for="objection" ${shown('objection')}>
        <legend>${m.purposes}</legend>
        ${errors.purposes ? html`<span class="field-error">${errors.purposes}</span>` : ''}
        ${marketingPurposes(policy).map(
          (p) =>
            html`<div class="choice">
              <input
                type="checkbox"
                id="${purposeField(p)}"
                name="${purposeField(p)}"
                value="1"
                ${f[purposeField(p)] ? 'checked' : ''}
              />
              <label for="${purposeField(p)}">${m.purposeLabel(p)}</label>
            </div>`,
        )}
        ${field('otherPurposes', m.otherPurposes, {
          value: f.otherPurposes,
          hint: m.otherPurposesHint,
          error: errors.otherPurposes,
        })}
      </fieldset>
      <fieldset data-for="restriction" ${shown('restriction')}>
        <legend>${m.ground}</legend>
        ${errors.ground ? html`<span class="field-error" id="ground-error">${errors.ground}</span>` : ''}
        <label for="ground">${m.ground}</label>
        <select id="ground" name="ground" ${errors.ground ? html`aria-invalid="true"` : ''}>
          <option value=""></option>
          ${RESTRICTION_GROUNDS.map(
            (g) => html`<option value="${g}" ${f.ground === g ? 'selected' : ''}>${m.grounds[g]}</option>`,
          )}
        </select>
      </fieldset>
      <p class="hint">${m.howVerified.code}</p>
      <div><button type="submit">${m.submit}</button></div>
    </form>
  `;
  return layout(lang, m.fileHeading, body);
}

export interface SubjectStatus {
  id: string;
  type: RequestType;
  status: string;
  receivedAt: string;
  dueAt: string;
  closedAt?: string | null;
  outcome?: string;
}

export function formatDate(iso: string | null | undefined, lang: Lang, withTime = false): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Paris',
  }).format(new Date(iso));
}

export function statusPage(
  lang: Lang,
  s: SubjectStatus,
  o: { flash?: string; codeError?: string; codeValue?: string } = {},
): string {
  const m: Messages = MESSAGES[lang];
  const closed = s.status === 'completed' || s.status === 'closed';
  const awaitingCode = s.status === 'awaiting-verification' || s.status === 'received';
  const body = html`
    <h1>${m.statusHeading} : ${m.typeShort[s.type]}</h1>
    ${o.flash ? html`<div class="notice ok" role="status">${o.flash}</div>` : ''}
    <dl class="facts">
      <dt>${m.reference}</dt>
      <dd class="mono">${s.id}</dd>
      <dt>${m.statusLabel}</dt>
      <dd><strong id="status">${m.statuses[s.status] ?? s.status}</strong></dd>
      <dt>${m.receivedAt}</dt>
      <dd>${formatDate(s.receivedAt, lang, true)}</dd>
      ${
        closed
          ? html`<dt>${m.closedAt}</dt>
              <dd>${formatDate(s.closedAt, lang, true)}</dd>`
          : html`<dt>${m.dueAt}</dt>
              <dd>${formatDate(s.dueAt, lang)}</dd>`
      }
    </dl>
    ${s.outcome ? html`<p class="notice" id="outcome">${m.outcomes[s.outcome] ?? s.outcome}</p>` : ''}
    <p class="muted">${m.keepReference}</p>
    ${
      awaitingCode
        ? html`<h2 id="code-heading">${m.codeHeading}</h2>
            <p>${m.codeIntro}</p>
            <form class="stack" method="post" action="/requests/${s.id}/code" novalidate aria-labelledby="code-heading">
              ${o.codeError ? html`<div class="error-summary" role="alert"><p id="code-error">${o.codeError}</p></div>` : ''}
              <div>
                <label for="code">${m.code}</label>
                <input
                  type="text"
                  id="code"
                  name="code"
                  inputmode="numeric"
                  autocomplete="one-time-code"
                  maxlength="6"
                  value="${o.codeValue ?? ''}"
                  ${o.codeError ? html`aria-invalid="true" aria-describedby="code-error"` : ''}
                />
              </div>
              <div><button type="submit">${m.codeSubmit}</button></div>
            </form>
            <form method="post" action="/requests/${s.id}/code/resend">
              <button type="submit" class="secondary">${m.resend}</button>
            </form>`
        : ''
    }
    <p class="actions-bar">
      ${closed ? '' : html`<a class="button secondary" href="/requests/${s.id}">${m.refresh}</a>`}
      <a href="/">${m.newRequest}</a>
    </p>
  `;
  return layout(lang, m.statusHeading, body);
}

export function messagePage(lang: Lang, text: string, status = ''): string {
  return layout(
    lang,
    MESSAGES[lang].title,
    html`<h1>${MESSAGES[lang].title}</h1>
      <p>${text} ${status}</p>`,
  );
}

/** Shows only the fields of the chosen type (all are shown, with their legends, without JavaScript). */
export const FORM_SCRIPT = `
document.addEventListener('DOMContentLoaded', function () {
  var radios = document.querySelectorAll('input[name=type]');
  function update() {
    var chosen = document.querySelector('input[name=type]:checked');
    document.querySelectorAll('fieldset[data-for]').forEach(function (fs) {
      fs.hidden = !chosen || fs.getAttribute('data-for') !== chosen.value;
    });
    var cid = document.getElementById('customerId');
    if (cid) cid.setAttribute('aria-required', chosen && chosen.getAttribute('data-needs-customer') === 'true' ? 'true' : 'false');
  }
  radios.forEach(function (r) { r.addEventListener('change', update); });
  if (radios.length) update();
  var errors = document.getElementById('errors');
  if (errors) errors.focus();
});
`;

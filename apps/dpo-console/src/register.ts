/**
 * The register of processing activities (GDPR Art. 30(1)): the systems as data-locator
 * knows them (purposes, categories, legal basis, recipients, transfers), with each
 * category's retention from the policy file (the law as configuration), as a page and as CSV.
 */
import { csvDocument } from '@datarights/csv';
import { erasureDecision, type Policy } from '@datarights/policy';
import { html } from '@datarights/web-kit';
import { csrfField, fmtDate, layout, type Frame } from './layout';
import { MESSAGES, type Messages } from './messages';
import type { Json } from './views';

export function retentionOf(policy: Pick<Policy, 'categories'>, category: string, m: Messages): string {
  const d = erasureDecision(policy, category);
  if (d.action === 'erase') return `${category}: ${m.register.erase}${d.limit ? ` (${JSON.stringify(d.limit)})` : ''}`;
  const r = d.retention;
  return `${category}: ${r.period} (${r.from}) — ${r.ground}, ${r.legalText}`;
}

export interface RegisterRow {
  name: string;
  owner: string;
  role: string;
  purposes: string;
  legalBasis: string;
  categories: string;
  retention: string;
  recipients: string;
  transfers: string;
  location: string;
}

export function registerRows(systems: Json[], policy: Pick<Policy, 'categories'>, m: Messages): RegisterRow[] {
  return systems.map((s) => ({
    name: `${s.name} (${s.systemId})`,
    owner: s.owner ?? '',
    role: s.role === 'processor' && s.controller ? `${s.role} — ${s.controller}` : (s.role ?? ''),
    purposes: (s.purposes ?? []).join('; '),
    legalBasis: s.legalBasis ?? '',
    categories: (s.categories ?? []).join('; '),
    retention: (s.categories ?? []).map((c: string) => retentionOf(policy, c, m)).join('; '),
    recipients: (s.recipients ?? [])
      .map((r: Json) => `${r.name} (${r.kind}, ${r.country}: ${(r.categories ?? []).join(', ')})`)
      .join('; '),
    transfers: (s.transfers ?? []).map((t: Json) => `${t.recipient ?? ''} ${t.country} — ${t.mechanism}`).join('; '),
    location: s.location ?? '',
  }));
}

const COLUMNS: (keyof RegisterRow)[] = [
  'name',
  'owner',
  'role',
  'purposes',
  'legalBasis',
  'categories',
  'retention',
  'recipients',
  'transfers',
  'location',
];

/**
 * RFC 4180 CSV with a BOM (so spreadsheets read UTF-8); cells written by @datarights/csv,
 * which neutralises a cell a spreadsheet would run as a formula (OWASP CSV injection: system
 * names, owners and recipients are typed by people).
 */
export function registerCsv(rows: RegisterRow[], m: Messages): string {
  return `\uFEFF${csvDocument([COLUMNS.map((c) => m.register[c]), ...rows.map((r) => COLUMNS.map((c) => r[c]))])}`;
}

/** What a waiting registration changes, as the DPO reads it: "controller contact: none → dpo@customer.example". */
export function changeText(c: Json, m: Messages): string {
  const field = (m.register.field as Record<string, string>)[c.field as string] ?? String(c.field);
  return `${field}: ${c.from ?? m.register.none} → ${c.to}`;
}

/**
 * The registrations waiting for the DPO (GDPR Art. 28, 30, 5(1)(f), 32), each with what it
 * changes and an Approve / Reject form (CSRF token; a rejection needs a reason).
 */
function pendingSection(f: Frame, pending: Json[], error?: { registrationId: string; messages: string[] }) {
  const m = MESSAGES[f.lang];
  return html`<section id="pending-registrations">
    <h2>${m.register.pendingTitle}</h2>
    <p>${m.register.pendingIntro}</p>
    ${
      pending.length === 0
        ? html`<p>${m.register.noPending}</p>`
        : pending.map(
            (p) =>
              html`<article class="pending-registration" id="registration-${p.registrationId}">
                <h3>${p.name} (${p.systemId})</h3>
                <p>${m.register.receivedAt} ${fmtDate(p.receivedAt, f.lang)}</p>
                <p>${m.register.changes}:</p>
                <ul>
                  ${(p.changes ?? []).map((c: Json) => html`<li>${changeText(c, m)}</li>`)}
                </ul>
                ${
                  error && error.registrationId === p.registrationId
                    ? html`<div class="error-summary" role="alert">
                        <ul>
                          ${error.messages.map((e) => html`<li>${e}</li>`)}
                        </ul>
                      </div>`
                    : ''
                }
                <form method="post" action="/register/${p.systemId}/registrations/${p.registrationId}/approval">
                  ${csrfField(f.csrf ?? '')}
                  <button type="submit">${m.register.approve}</button>
                </form>
                <form method="post" action="/register/${p.systemId}/registrations/${p.registrationId}/rejection">
                  ${csrfField(f.csrf ?? '')}
                  <label for="reason-${p.registrationId}">${m.register.reason}</label>
                  <textarea id="reason-${p.registrationId}" name="reason" maxlength="2000" required></textarea>
                  <button type="submit" class="secondary">${m.register.reject}</button>
                </form>
              </article>`,
          )
    }
  </section>`;
}

export function registerPage(
  f: Frame,
  rows: RegisterRow[],
  pending: Json[] = [],
  notice?: { done?: boolean; error?: { registrationId: string; messages: string[] } },
): string {
  const m = MESSAGES[f.lang];
  return layout(
    f,
    m.register.title,
    html`<h1>${m.register.title}</h1>
      ${notice?.done ? html`<div class="notice ok" role="status">${m.register.decided}</div>` : ''}
      ${pendingSection(f, pending, notice?.error)}
      <p class="actions-bar"><a class="button secondary" href="/register.csv" download>${m.register.csv}</a></p>
      <table id="register">
        <thead>
          <tr>
            ${COLUMNS.map((c) => html`<th scope="col">${m.register[c]}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                ${COLUMNS.map((c) => html`<td>${r[c]}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}

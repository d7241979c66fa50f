/**
 * The register of processing activities (GDPR Art. 30(1)): the systems as data-locator
 * knows them (purposes, categories, legal basis, recipients, transfers), with each
 * category's retention from the policy file (the law as configuration), as a page and as CSV.
 */
import { erasureDecision, type Policy } from '@datarights/policy';
import { html } from '@datarights/web-kit';
import { layout, type Frame } from './layout';
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

/** RFC 4180 CSV; a cell starting with = + - @ is prefixed with ' so a spreadsheet never runs it. */
export function registerCsv(rows: RegisterRow[], m: Messages): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [COLUMNS.map((c) => cell(m.register[c])), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])))];
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

export function registerPage(f: Frame, rows: RegisterRow[]): string {
  const m = MESSAGES[f.lang];
  return layout(
    f,
    m.register.title,
    html`<h1>${m.register.title}</h1>
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

/**
 * Filing a list at once (`POST /v1/requests/bulk`): the DPO pastes a CSV or NDJSON list
 * and reads the API's result line by line. The list is sent as is — every check is the
 * API's, the same as for a single filing; the page only says what came back.
 */
import { html } from '@datarights/web-kit';
import { csrfField, layout, type Frame } from './layout';
import { MESSAGES } from './messages';

export const BULK_FORMATS = { csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;
export type BulkFormatName = keyof typeof BULK_FORMATS;

export interface BulkResult {
  filed: number;
  duplicate: number;
  invalid: number;
  lines: Array<{ line: number; status: string; requestId?: string; errors?: string[] }>;
}

/** The form's values as the API takes them, or what is missing. */
export function bulkRequest(
  values: Record<string, string>,
): { format: BulkFormatName; list: string } | { missing: 'list' } {
  const format: BulkFormatName = values.format === 'ndjson' ? 'ndjson' : 'csv';
  const list = values.list ?? '';
  return list.trim() === '' ? { missing: 'list' } : { format, list };
}

export function bulkPage(
  f: Frame,
  o: { values?: Record<string, string>; errors?: string[]; result?: BulkResult; idempotencyKey: string },
): string {
  const m = MESSAGES[f.lang].bulk;
  const v = o.values ?? {};
  const format = v.format === 'ndjson' ? 'ndjson' : 'csv';
  return layout(
    f,
    m.title,
    html`<h1>${m.title}</h1>
      <p>${m.intro}</p>
      ${
        o.errors?.length
          ? html`<div class="error-summary" role="alert">
              <h2>${m.errorsHeading}</h2>
              <ul>
                ${o.errors.map((e) => html`<li><a href="#bulk-list">${e}</a></li>`)}
              </ul>
            </div>`
          : ''
      }
      ${o.result ? resultTable(f, o.result) : ''}
      <form class="stack" method="post" action="/requests/bulk" novalidate>
        ${csrfField(f.csrf ?? '')}
        <input type="hidden" name="idempotencyKey" value="${o.idempotencyKey}" />
        <div>
          <label for="bulk-format">${m.format}</label>
          <select id="bulk-format" name="format">
            <option value="csv" ${format === 'csv' ? 'selected' : ''}>${m.csv}</option>
            <option value="ndjson" ${format === 'ndjson' ? 'selected' : ''}>${m.ndjson}</option>
          </select>
        </div>
        <div>
          <label for="bulk-list">${m.list}</label>
          <span class="hint" id="bulk-list-hint">${m.listHint}</span>
          <textarea
            id="bulk-list"
            name="list"
            rows="12"
            class="mono"
            aria-describedby="bulk-list-hint"
            ${o.errors?.length ? html`aria-invalid="true"` : ''}
          >
${v.list ?? ''}</textarea>
        </div>
        <button type="submit">${m.submit}</button>
      </form>`,
  );
}

function resultTable(f: Frame, r: BulkResult) {
  const m = MESSAGES[f.lang].bulk;
  return html`<section aria-labelledby="bulk-result">
    <h2 id="bulk-result">${m.resultHeading}</h2>
    <p role="status">${m.summary(r.filed, r.duplicate, r.invalid)}</p>
    <table id="bulk-lines">
      <thead>
        <tr>
          <th scope="col">${m.line}</th>
          <th scope="col">${m.status}</th>
          <th scope="col">${m.request}</th>
          <th scope="col">${m.errors}</th>
        </tr>
      </thead>
      <tbody>
        ${r.lines.map(
          (l) =>
            html`<tr class="${l.status === 'invalid' ? 'overdue' : ''}">
              <td>${String(l.line)}</td>
              <td>${m.statuses[l.status] ?? l.status}</td>
              <td>
                ${l.requestId ? html`<a class="mono" href="/requests/${l.requestId}">${l.requestId.slice(0, 8)}</a>` : ''}
              </td>
              <td>${(l.errors ?? []).join(' ; ')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/**
 * A request's evidence file for a supervisory authority: the request's facts, outcome per
 * system, holds, recipients, timeline, then its audit-log entries with their hashes and the
 * verification of the whole chain — one page with a print stylesheet, which the browser
 * saves as PDF ("save as PDF"; no PDF library to keep up to date, and what the inspector
 * reads is exactly what the DPO sees).
 */
import { html, type Lang } from '@datarights/web-kit';
import { fmtDate, layout, type Frame } from './layout';
import { MESSAGES } from './messages';
import { timelineTable, type Json } from './views';

export function evidencePage(f: Frame, r: Json, audit: Json, chain: Json, now: Date): string {
  const m = MESSAGES[f.lang];
  const lang: Lang = f.lang;
  const broken = chain.firstBroken;
  return layout(
    f,
    `${m.evidence.title} ${r.id}`,
    html`<h1>${m.evidence.title} — ${m.types[r.type] ?? r.type}</h1>
      <p class="actions-bar no-print">
        <button type="button" data-print>${m.evidence.print}</button>
        <a class="button secondary" href="/requests/${r.id}">${m.request.title}</a>
      </p>
      <dl class="facts">
        <dt>${m.queue.id}</dt>
        <dd class="mono">${r.id}</dd>
        <dt>${m.evidence.generated}</dt>
        <dd>${fmtDate(now.toISOString(), lang)}</dd>
        <dt>${m.queue.status}</dt>
        <dd>${m.statuses[r.status] ?? r.status} ${r.outcome ? `(${r.outcome})` : ''}</dd>
        <dt>${m.queue.channel}</dt>
        <dd>${m.channels[r.channel] ?? r.channel}</dd>
        <dt>${m.request.receivedAt}</dt>
        <dd>${fmtDate(r.receivedAt, lang)}</dd>
        <dt>${m.request.dueAt}</dt>
        <dd>${fmtDate(r.dueAt, lang)}</dd>
        <dt>${m.request.closedAt}</dt>
        <dd>${fmtDate(r.closedAt, lang)}</dd>
        <dt>${m.request.verification}</dt>
        <dd>${r.verification?.method ?? '—'} ${fmtDate(r.verification?.verifiedAt, lang)}</dd>
      </dl>
      <h2>${m.evidence.chain}</h2>
      <p id="chain-verification" class="notice ${chain.valid ? 'ok' : ''}">
        ${chain.valid ? m.evidence.valid(chain.entries) : m.evidence.broken(broken?.seq, broken?.reason ?? '')}
      </p>
      <h2>${m.request.systems}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${m.request.system}</th>
            <th scope="col">${m.request.kind}</th>
            <th scope="col">${m.request.categories}</th>
            <th scope="col">${m.request.result}</th>
            <th scope="col">${m.request.records}</th>
          </tr>
        </thead>
        <tbody>
          ${(r.systems ?? []).map(
            (a: Json) =>
              html`<tr>
                <td>${a.systemId}</td>
                <td>${a.kind ?? ''}</td>
                <td>${(a.categories ?? []).join(', ')}</td>
                <td>${a.outcome}</td>
                <td>${a.affectedRecords ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>${m.request.holds}</h2>
      <ul>
        ${(r.holds ?? []).map(
          (h: Json) =>
            html`<li>
              ${h.systemId} / ${h.category}: ${h.ground}, ${h.legalText} — ${m.request.until}
              ${fmtDate(h.until, lang, false)}
            </li>`,
        )}
      </ul>
      <h2>${m.request.recipients}</h2>
      <ul>
        ${(r.recipients ?? []).map((n: Json) => html`<li>${n.name} (${n.country}) — ${n.action}: ${n.status}</li>`)}
      </ul>
      ${timelineTable(m, lang, r.timeline ?? [])}
      <h2>${m.evidence.entries}</h2>
      <p class="muted">${m.evidence.noPersonalData}</p>
      <table id="audit-entries">
        <thead>
          <tr>
            <th scope="col">${m.evidence.seq}</th>
            <th scope="col">${m.request.at}</th>
            <th scope="col">${m.evidence.type}</th>
            <th scope="col">${m.evidence.source}</th>
            <th scope="col">${m.evidence.hash}</th>
          </tr>
        </thead>
        <tbody>
          ${(audit.entries ?? []).map(
            (e: Json) =>
              html`<tr>
                <td>${e.seq}</td>
                <td>${fmtDate(e.occurredAt, lang)}</td>
                <td class="mono">${e.type}</td>
                <td>${e.source}</td>
                <td class="mono">${e.hash}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}

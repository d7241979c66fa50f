/** The console's page frame and small shared pieces. */
import { html, type Html, type Lang } from '@datarights/web-kit';
import { MESSAGES } from './messages';

export interface Frame {
  lang: Lang;
  csrf?: string;
  signedIn: boolean;
  path: string;
}

export function layout(f: Frame, title: string, body: Html): string {
  const m = MESSAGES[f.lang];
  const other: Lang = f.lang === 'fr' ? 'en' : 'fr';
  const link = (href: string, label: string) =>
    html`<li><a href="${href}" ${f.path === href ? html`aria-current="page"` : ''}>${label}</a></li>`;
  return html`<!doctype html>
    <html lang="${f.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — ${m.app}</title>
        <link rel="stylesheet" href="/static/style.css" />
        <script src="/static/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${m.skip}</a>
        <header class="top">
          <a class="brand" href="/">${m.app}</a>
          ${
            f.signedIn
              ? html`<nav aria-label="${m.app}">
                  <ul>
                    ${link('/', m.nav.dashboard)} ${link('/requests', m.nav.queue)} ${link('/requests/new', m.nav.file)}
                    ${link('/requests/bulk', m.nav.bulk)} ${link('/register', m.nav.register)}
                  </ul>
                </nav>`
              : ''
          }
          <div class="right">
            <a href="?lang=${other}" lang="${other}" hreflang="${other}">${m.langSwitch}</a>
            ${
              f.signedIn
                ? html`<form method="post" action="/logout">
                    <input type="hidden" name="_csrf" value="${f.csrf}" /><button type="submit">${m.signOut}</button>
                  </form>`
                : ''
            }
          </div>
        </header>
        <main id="main" tabindex="-1">${body}</main>
      </body>
    </html>`.value;
}

export function fmtDate(iso: string | null | undefined, lang: Lang, time = true): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    ...(time ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Paris',
  }).format(new Date(iso));
}

export function dueBadge(lang: Lang, r: { overdue?: boolean; dueSoon?: boolean }): Html {
  const m = MESSAGES[lang];
  if (r.overdue) return html`<span class="badge overdue">${m.overdue}</span>`;
  if (r.dueSoon) return html`<span class="badge due-soon">${m.dueSoon}</span>`;
  return html``;
}

export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}" />`;
}

/** Prints the page (the browser's "save as PDF"): a file, since inline script is not allowed. */
export const CONSOLE_SCRIPT = `
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-print]').forEach(function (b) { b.addEventListener('click', function () { window.print(); }); });
  var errors = document.querySelector('.error-summary');
  if (errors) { errors.setAttribute('tabindex', '-1'); errors.focus(); }
});
`;

/**
 * The demo mailbox as a small HTML page. Everything shown comes from Kafka events (any
 * producer could put markup in a variable): every value is escaped.
 */
import type { MailMessage, SmtpMessage } from './mail.repository';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function variablesList(variables: Record<string, unknown>): string {
  const entries = Object.entries(variables ?? {});
  if (entries.length === 0) return '<em>none</em>';
  return `<dl>${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function deliveredSection(delivered: SmtpMessage[]): string {
  if (delivered.length === 0) return '<p><em>No e-mail delivered yet.</em></p>';
  return delivered
    .map(
      (m) => `
  <article>
    <p><small>${escapeHtml(m.receivedAt.toISOString())} — to ${escapeHtml(m.to.join(', '))} — ${escapeHtml(m.template ?? '')} — request ${escapeHtml(m.requestId ?? '')}</small></p>
    <h3>${escapeHtml(m.subject ?? '(no subject)')}</h3>
    <pre>${escapeHtml(m.text)}</pre>
  </article>`,
    )
    .join('');
}

export function renderMailPage(messages: MailMessage[], delivered: SmtpMessage[] = []): string {
  const rows = messages
    .map(
      (m) => `
      <tr>
        <td>${escapeHtml(m.receivedAt.toISOString())}</td>
        <td>${escapeHtml(m.channel)}</td>
        <td>${escapeHtml(m.to)}</td>
        <td><strong>${escapeHtml(m.template)}</strong><br><small>${escapeHtml(m.locale)}</small></td>
        <td>${variablesList(m.variables)}</td>
        <td><code>${escapeHtml(m.requestId)}</code></td>
      </tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="5">
  <title>Demo mailbox — datarights</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
    table { border-collapse: collapse; width: 100%; }
    th, td { border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }
    th { background: #f4f4f4; }
    dl { margin: 0; display: grid; grid-template-columns: max-content auto; gap: 0 .75rem; }
    dt { font-weight: 600; } dd { margin: 0; font-family: monospace; }
  </style>
</head>
<body>
  <h1>Demo mailbox</h1>
  <p>What the services asked the company's mail gateway to send (<code>dsr.notifications.v1</code>), newest first.
     The mail gateway sends them as e-mail; in development, to the SMTP sink below. JSON: <a href="/mail/messages">/mail/messages</a>.</p>
  ${
    messages.length === 0
      ? '<p><em>No messages yet.</em></p>'
      : `<table>
    <thead><tr><th>received</th><th>channel</th><th>to</th><th>template</th><th>variables</th><th>request</th></tr></thead>
    <tbody>${rows}
    </tbody>
  </table>`
  }
  <h2>Delivered over SMTP</h2>
  <p>What the mail gateway sent for those notices, as the development SMTP sink received it
     (JSON: <a href="/mail/smtp">/mail/smtp</a>).</p>
  ${deliveredSection(delivered)}
</body>
</html>
`;
}

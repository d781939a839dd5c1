import type { StoredMessage } from './mailbox';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page a newcomer opens at http://localhost:8025: every email the platform sent, newest first. */
export function renderInbox(messages: StoredMessage[]): string {
  const rows = messages.map((m) => {
    const files = m.attachments
      .map((a) => `<a href="/api/messages/${m.id}/attachments/${a.index}">${escapeHtml(a.filename ?? `attachment ${a.index}`)}</a> (${Math.ceil(a.size / 1024)} KB)`)
      .join('<br>');
    return `<tr>
  <td>${escapeHtml(m.date)}</td>
  <td>${escapeHtml(m.to.join(', '))}</td>
  <td><details><summary>${escapeHtml(m.subject || '(no subject)')}</summary><pre>${escapeHtml(m.text)}</pre></details></td>
  <td>${files}</td>
  <td><a href="/api/messages/${m.id}">json</a></td>
</tr>`;
  });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Mail sink</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}pre{white-space:pre-wrap}</style>
</head><body>
<h1>Mail sink</h1>
<p>Every email the platform sent on this machine (local development: nothing leaves it). Newest first; reload to refresh.
JSON at <a href="/api/messages">/api/messages</a>.</p>
${messages.length === 0 ? '<p><em>No mail yet.</em> Book and pay for a ticket to get one.</p>' : `<table><thead><tr><th>Date</th><th>To</th><th>Subject</th><th>Attachments</th><th></th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`}
</body></html>`;
}

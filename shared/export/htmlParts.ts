/** Building blocks of the HTML postmortem: escaping, paragraphs, lists, tables, badges. */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export const esc = escapeHtml;

export function paragraphs(text: string, empty: string): string {
  const t = text.trim();
  if (!t) return `<p class="empty">${esc(empty)}</p>`;
  return t.split(/(?:\r?\n){2,}/).map((p) => `<p>${esc(p).replace(/\r?\n/g, '<br>')}</p>`).join('\n');
}

export function list(items: readonly string[], empty: string): string {
  const kept = items.map((s) => s.trim()).filter(Boolean);
  if (kept.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<ul>\n${kept.map((s) => `<li><span class="text">${esc(s)}</span></li>`).join('\n')}\n</ul>`;
}

export type Head = string | readonly [label: string, cls: string];

export function table(cls: string, head: readonly Head[], rows: string[][], rowClass?: (i: number) => string): string {
  const th = (h: Head) => (typeof h === 'string' ? `<th scope="col">${esc(h)}</th>` : `<th scope="col" class="${h[1]}">${esc(h[0])}</th>`);
  return [
    `<table class="${cls}">`,
    `<thead><tr>${head.map(th).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r, i) => {
      const c = rowClass?.(i);
      return `${c ? `<tr class="${c}">` : '<tr>'}${r.join('')}</tr>`;
    }),
    '</tbody>',
    '</table>',
  ].join('\n');
}

export const td = (html: string, cls = '') => (cls ? `<td class="${cls}">${html}</td>` : `<td>${html}</td>`);
export const badge = (text: string, cls: string) => `<span class="badge ${cls}">${esc(text)}</span>`;
/** A link people can follow from the page (only http(s) reach here: the op schema refuses other schemes). */
export const link = (url: string, label: string) => (/^https?:\/\//i.test(url) ? `<a href="${esc(url)}" rel="noreferrer noopener">${esc(label)}</a>` : esc(url));

/**
 * The postmortem as one self-contained, printable HTML page: inline CSS, no scripts, no external
 * requests (a CSP meta tag forbids them too), every piece of recorded text escaped.
 */
import { dateTime, utcWall } from './clock.ts';
import type { IncidentState } from './deps.ts';
import type { ExportOptions } from './options.ts';
import { HTML_CSS } from './htmlStyle.ts';
import { firstLine } from './markdown.ts';
import {
  buildReport, KIND_LABEL, localClock, ROLE_LABEL, STATUS_LABEL, timesNote, utc, type Report, type ReportEntry, type TaskRow,
} from './report.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const esc = escapeHtml;

function paragraphs(text: string, empty: string): string {
  const t = text.trim();
  if (!t) return `<p class="empty">${esc(empty)}</p>`;
  return t.split(/(?:\r?\n){2,}/).map((p) => `<p>${esc(p).replace(/\r?\n/g, '<br>')}</p>`).join('\n');
}

function list(items: readonly string[], empty: string): string {
  const kept = items.map((s) => s.trim()).filter(Boolean);
  if (kept.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<ul>\n${kept.map((s) => `<li>${esc(s)}</li>`).join('\n')}\n</ul>`;
}

type Head = string | readonly [label: string, cls: string];

function table(cls: string, head: readonly Head[], rows: string[][], rowClass?: (i: number) => string): string {
  const th = (h: Head) => (typeof h === 'string' ? `<th>${esc(h)}</th>` : `<th class="${h[1]}">${esc(h[0])}</th>`);
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

const td = (html: string, cls = '') => (cls ? `<td class="${cls}">${html}</td>` : `<td>${html}</td>`);
const badge = (text: string, cls: string) => `<span class="badge ${cls}">${esc(text)}</span>`;

function entryMarks(r: ReportEntry): string {
  return (r.edited ? ` ${badge('edited', 'edited')}` : '') + (r.unsynced ? ` ${badge('unsynced', 'unsynced')}` : '');
}

function timelineRow(rep: Report, r: ReportEntry): string[] {
  const e = r.entry;
  const pin = e.pinned ? `${badge('Pinned', 'pinned')} ` : '';
  return [
    td(esc(utcWall(e.occurredAt).clock), 'time'),
    ...(rep.zone ? [td(esc(localClock(e.occurredAt, rep.zone)), 'time local')] : []),
    td(esc(r.author), 'who'),
    td(esc(KIND_LABEL[e.kind]), 'kind'),
    td(`${pin}<span class="text">${esc(e.text)}</span>${entryMarks(r)}`, 'entry'),
  ];
}

/** Pinned entries stand out, system entries (joins, roles, help) are quieter, as on screen. */
function rowClass(r: ReportEntry): string {
  const c: string[] = [];
  if (r.entry.pinned) c.push('pinned');
  if (r.entry.kind === 'status') c.push('status');
  else if (r.entry.kind === 'system' || r.entry.kind === 'role' || r.entry.kind === 'help') c.push('sys');
  if (r.unsynced) c.push('unsynced-row');
  return c.join(' ');
}

function taskTable(rows: readonly TaskRow[], first: string): string {
  return table('tasks', [first, 'Owner', 'Status', 'Due (UTC)'], rows.map((t) => [
    td(`${esc(t.task.title)}${t.unsynced ? ` ${badge('unsynced', 'unsynced')}` : ''}`),
    td(esc(t.assignee)), td(esc(t.status)), td(`${esc(t.due)}${t.overdue ? ` ${badge('overdue', 'overdue')}` : ''}`),
  ]));
}

function facts(rep: Report): string {
  const s = rep.state;
  const local = (at: number) => (rep.zone ? ` <span class="local">(${esc(dateTime(at, rep.zone))} ${esc(rep.zone)})</span>` : '');
  const commander = rep.roles.find((r) => r.role === 'commander')?.name ?? 'Not assigned';
  const rows: [string, string][] = [
    ['Severity', `<span class="sev sev-${esc(s.severity.toLowerCase())}">${esc(s.severity)}</span>`],
    ['Status', esc(STATUS_LABEL[s.status])],
    ['Detected', `${esc(utc(s.startedAt))}${local(s.startedAt)}`],
    ['Resolved', s.resolvedAt === null ? 'not yet' : `${esc(utc(s.resolvedAt))}${local(s.resolvedAt)}`],
    ['Duration', esc(rep.duration)],
    ['Incident commander', esc(commander)],
    ['Incident id', `<code>${esc(s.id)}</code>`],
  ];
  return `<dl class="facts">\n${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('\n')}\n</dl>`;
}

/** Renders the postmortem page; pure and deterministic (exportedAt comes from the options). */
export function formatHtml(state: IncidentState, options: ExportOptions): string {
  const rep = buildReport(state, options);
  const s = rep.state;
  const pm = s.postmortem;
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Postmortem: ${esc(s.title)}</title>`,
    `<style>${HTML_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    '<p class="eyebrow">Blameless postmortem</p>',
    `<h1>${esc(s.title)}</h1>`,
    facts(rep),
    `<p class="note">${esc(timesNote(rep))}</p>`,
    '<p class="note">This postmortem describes what happened, what we learned and what we will change, not who is to blame.</p>',
  ];
  if (rep.marks.count > 0) {
    out.push(`<p class="warning"><strong>Includes ${rep.marks.count} local change${rep.marks.count === 1 ? '' : 's'} not yet confirmed by the server</strong>, marked ${badge('unsynced', 'unsynced')}.</p>`);
  }
  out.push('</header>');
  out.push('<section id="summary"><h2>Summary</h2>', paragraphs(s.summary, 'No summary written.'), '</section>');
  out.push('<section id="impact"><h2>Impact</h2>', paragraphs(s.impact, 'Impact not described.'), '</section>');
  out.push('<section id="people"><h2>Roles and participants</h2>');
  out.push(table('roles', ['Role', 'Who', 'Time zone'], rep.roles.map((r) => [td(esc(ROLE_LABEL[r.role])), td(esc(r.name)), td(esc(r.timeZone ?? '—'))])));
  out.push(table('people', ['Participant', 'Incident role', 'Time zone', 'Skills', 'Joined'], rep.participants.map((p) => [
    td(esc(p.member.name)), td(esc(p.roles.map((r) => ROLE_LABEL[r]).join(', ') || '—')),
    td(`${esc(p.member.timeZone)} <span class="muted">(${esc(p.offset)})</span>`), td(esc(p.member.skills.join(', ') || '—')), td(esc(utc(p.member.joinedAt))),
  ])));
  out.push('</section>');

  out.push('<section id="timeline"><h2>Timeline</h2>');
  if (rep.filtersNote) out.push(`<p class="note">${esc(rep.filtersNote)}</p>`);
  if (rep.keyMoments.length > 0) {
    out.push('<h3>Key moments</h3>', '<ul class="key">');
    for (const r of rep.keyMoments) out.push(`<li><span class="time">${esc(utc(r.entry.occurredAt))}</span> ${esc(firstLine(r.entry.text))}${entryMarks(r)}</li>`);
    out.push('</ul>');
  }
  if (rep.days.length === 0) out.push('<p class="empty">No timeline entries match this export.</p>');
  const head: Head[] = [['Time (UTC)', 'time'], ...(rep.zone ? [[rep.zone, 'time local'] as const] : []), ['Who', 'who'], ['Kind', 'kind'], 'Entry'];
  for (const day of rep.days) {
    out.push(`<h3 class="day">${esc(day.label)}</h3>`);
    out.push(table('timeline', head, day.entries.map((r) => timelineRow(rep, r)), (i) => rowClass(day.entries[i]!)));
  }
  out.push('</section>');

  out.push('<section id="went-well"><h2>What went well</h2>', list(pm.whatWentWell, 'Not written yet.'), '</section>');
  out.push('<section id="went-wrong"><h2>What went wrong</h2>', list(pm.whatWentWrong, 'Not written yet.'), '</section>');
  out.push('<section id="root-cause"><h2>Root cause and contributing factors</h2>', paragraphs(pm.rootCause, 'Not written yet.'), '</section>');
  out.push('<section id="lessons"><h2>Lessons</h2>', list(pm.lessons, 'Not written yet.'), '</section>');
  out.push('<section id="actions"><h2>Action items</h2>');
  out.push(rep.actionItems.length === 0 ? '<p class="empty">No follow-up tasks were recorded.</p>' : taskTable(rep.actionItems, 'Action'));
  if (rep.incidentTasks.length > 0) out.push('<h3>Work done during the incident</h3>', taskTable(rep.incidentTasks, 'Task'));
  out.push('</section>');

  out.push('<section id="help"><h2>Help requests</h2>');
  out.push(rep.help.length === 0 ? '<p class="empty">No one was asked for help.</p>' : table('help',
    [['Asked (UTC)', 'asked'], 'Request', ['Asked of', 'of'], ['Acknowledged', 'ack'], ['Outcome', 'outcome']],
    rep.help.map((h) => [
      td(`${esc(utc(h.help.askedAt))}<br><span class="muted">${esc(h.askedBy)}, urgency ${esc(h.help.urgency)}</span>`),
      td(`<span class="text">${esc(h.help.text)}</span>${h.unsynced ? ` ${badge('unsynced', 'unsynced')}` : ''}`),
      td(esc(h.askedOf)),
      td(h.ackBy ? `${esc(h.ackBy)}<br><span class="muted">after ${esc(h.timeToAck)}</span>` : esc(h.timeToAck)),
      td(esc(h.outcome)),
    ])));
  out.push('</section>');

  if (rep.edited.length > 0) {
    out.push('<section id="edits" class="appendix"><h2>Appendix: earlier versions of edited entries</h2>');
    for (const r of rep.edited) {
      out.push(`<h3>Entry of ${esc(utc(r.entry.occurredAt))} by ${esc(r.author)}</h3>`, '<ol class="versions">');
      for (const h of r.entry.history) out.push(`<li><span class="time">${esc(utc(h.at))}</span>, ${esc(rep.name(h.by))}: ${esc(h.text)}</li>`);
      out.push(`<li><span class="time">${esc(utc(r.entry.editedAt ?? r.entry.loggedAt))}</span>, ${esc(rep.name(r.entry.editedBy))} (current): ${esc(r.entry.text)}</li>`, '</ol>');
    }
    out.push('</section>');
  }
  if (options.includeDeleted) {
    out.push('<section id="deleted" class="appendix"><h2>Appendix: deleted entries</h2>');
    out.push(rep.deleted.length === 0 ? '<p class="empty">No entries were deleted.</p>' : table('deleted', ['Time (UTC)', 'Who', 'Kind', 'Entry', 'Deleted'], rep.deleted.map((r) => [
      td(esc(utc(r.entry.occurredAt)), 'time'), td(esc(r.author)), td(esc(KIND_LABEL[r.entry.kind])), td(`<span class="text">${esc(r.entry.text)}</span>${entryMarks(r)}`),
      td(r.entry.deletedAt === null ? '—' : `${esc(utc(r.entry.deletedAt))} by ${esc(rep.name(r.entry.deletedBy))}`),
    ])));
    out.push('</section>');
  }
  out.push(`<footer>Exported from War Room on ${esc(utc(rep.exportedAt))}, from the incident log up to change #${s.headSeq}.</footer>`);
  out.push('</main>', '</body>', '</html>', '');
  return out.join('\n');
}

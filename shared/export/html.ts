/**
 * The postmortem as one self-contained, printable HTML page: inline CSS, no scripts, no external
 * requests (a CSP meta tag forbids them too), every piece of recorded text escaped.
 */
import { utcWall } from './clock.ts';
import type { IncidentState } from './deps.ts';
import { badge, esc, paragraphs, table, td, type Head } from './htmlParts.ts';
import { actionsHtml, analysisHtml, appendicesHtml, helpHtml, impactHtml, keyTimesHtml, peopleHtml, tasksHtml, updatesHtml } from './htmlSections.ts';
import { HTML_CSS } from './htmlStyle.ts';
import { firstLine } from './markdownParts.ts';
import type { ExportOptions } from './options.ts';
import {
  bothZones, buildReport, delayNote, KIND_LABEL, localCells, MOMENT_LABEL, STATUS_LABEL, timesNote, utc, type Report, type ReportEntry,
} from './report.ts';

export { escapeHtml } from './htmlParts.ts';

export function entryMarks(r: ReportEntry): string {
  return (r.edited ? ` ${badge('edited', 'edited')}` : '') + (r.unsynced ? ` ${badge('unsynced', 'unsynced')}` : '')
    + (r.delayMs !== null ? ` ${badge(`backdated: ${delayNote(r)}`, 'backdated')}` : '');
}

/** What monitoring sent with an alert row, beyond its one-line text. */
function alertHtml(r: ReportEntry): string {
  const a = r.entry.alert;
  if (!a) return '';
  const labels = a.labels.map((l) => `${l.name}=${l.value}`).join(', ');
  const parts = [`${a.source}, ${a.status}${labels ? ` (${labels})` : ''}`, ...(a.description.trim() ? [a.description] : [])];
  return `<br><span class="muted text">${esc(parts.join(' — '))}</span>`;
}

function timelineTable(rep: Report, rows: readonly ReportEntry[]): string {
  const head: Head[] = [['Time (UTC)', 'time'], ...(rep.zone ? [[rep.zone, 'time local'] as const] : []), ['Who', 'who'], ['Kind', 'kind'], 'Entry'];
  const local = localCells(rep, rows.map((r) => r.entry.occurredAt));
  return table('timeline', head, rows.map((r, i) => {
    const e = r.entry;
    const pin = e.pinned ? `${badge('Pinned', 'pinned')} ` : '';
    const kind = e.moment && e.moment !== 'status' ? `${KIND_LABEL[e.kind]} (${MOMENT_LABEL[e.moment].toLowerCase()})` : KIND_LABEL[e.kind];
    return [
      td(esc(utcWall(e.occurredAt).clock), 'time'),
      ...(rep.zone ? [td(esc(local[i]!), 'time local')] : []),
      td(esc(r.author), 'who'), td(esc(kind), 'kind'),
      td(`${pin}<span class="text">${esc(e.text)}</span>${entryMarks(r)}${alertHtml(r)}`, 'entry'),
    ];
  }), (i) => rowClass(rows[i]!));
}

/** Pinned entries stand out, system entries (joins, roles, help) are quieter, as on screen. */
function rowClass(r: ReportEntry): string {
  const c: string[] = [];
  if (r.entry.pinned) c.push('pinned');
  if (r.entry.kind === 'status') c.push('status');
  else if (r.system) c.push('sys');
  if (r.unsynced) c.push('unsynced-row');
  return c.join(' ');
}

function facts(rep: Report): string {
  const s = rep.state;
  const commander = rep.roles.find((r) => r.role === 'commander')?.name ?? 'Not assigned';
  const rows: [string, string][] = [
    ['Severity', `<span class="sev sev-${esc(s.severity.toLowerCase())}">${esc(s.severity)}</span>`],
    ['Status', esc(STATUS_LABEL[s.status])],
    ['Incident commander', esc(commander)],
    ['Affected services', esc(s.services.join(', ') || 'not recorded')],
    ['Incident id', `<code>${esc(s.id)}</code>`],
  ];
  return `<dl class="facts">\n${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('\n')}\n</dl>`;
}

function timelineHtml(rep: Report): string[] {
  const out = ['<section id="timeline"><h2>Timeline</h2>'];
  if (rep.filtersNote) out.push(`<p class="note">${esc(rep.filtersNote)}</p>`);
  if (rep.keyMoments.length > 0) {
    out.push('<h3>Key moments</h3>', '<ul class="key">');
    for (const r of rep.keyMoments) {
      const what = r.entry.moment ? `<strong>${esc(MOMENT_LABEL[r.entry.moment])}</strong> — ` : '';
      out.push(`<li><span class="time">${esc(bothZones(rep, r.entry.occurredAt))}</span> ${esc(r.author)}: ${what}${esc(firstLine(r.entry.text))}${entryMarks(r)}</li>`);
    }
    out.push('</ul>');
  }
  if (rep.days.length === 0) out.push('<p class="empty">No timeline entries match this export.</p>');
  for (const day of rep.days) {
    const main = day.entries.filter((r) => !r.system);
    const sys = day.entries.filter((r) => r.system);
    out.push(`<h3 class="day">${esc(day.label)}</h3>`);
    if (main.length > 0) out.push(timelineTable(rep, main));
    if (sys.length > 0) {
      out.push('<details class="system">', `<summary>${sys.length} system row${sys.length === 1 ? '' : 's'} on this day (joins, role and help bookkeeping)</summary>`);
      out.push(timelineTable(rep, sys), '</details>');
    }
  }
  out.push('</section>');
  return out;
}

/** Renders the postmortem page; pure and deterministic (exportedAt comes from the options). */
export function formatHtml(state: IncidentState, options: ExportOptions): string {
  const rep = buildReport(state, options);
  const s = rep.state;
  const summary = s.postmortem.summary.trim() ? s.postmortem.summary : s.summary;
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(pageTitle(s.title))}</title>`,
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
  out.push('<section id="summary"><h2>Summary</h2>', paragraphs(summary, 'No summary written.'), '</section>');
  out.push(...keyTimesHtml(rep), ...impactHtml(rep), ...analysisHtml(rep), ...actionsHtml(rep), ...peopleHtml(rep), ...updatesHtml(rep));
  out.push(...timelineHtml(rep), ...helpHtml(rep), ...tasksHtml(rep), ...appendicesHtml(rep, options));
  out.push(`<footer>Exported from War Room on ${esc(utc(rep.exportedAt))}, from the incident log up to change #${s.headSeq}.</footer>`);
  out.push('</main>', '</body>', '</html>', '');
  return out.join('\n');
}


/** Browsers and validators expect a short <title>; the full title is the page's h1. */
function pageTitle(title: string): string {
  const t = `Postmortem: ${title.replace(/\s+/g, ' ').trim()}`;
  return t.length <= 70 ? t : `${t.slice(0, 69).trimEnd()}…`;
}

/** The postmortem as Markdown (GitHub-flavoured tables), blameless template. */
import { dateTime, utcWall } from './clock.ts';
import type { IncidentState } from './deps.ts';
import type { ExportOptions } from './options.ts';
import {
  buildReport, KIND_LABEL, localClock, ROLE_LABEL, STATUS_LABEL, timesNote, utc, type Report, type ReportEntry, type TaskRow,
} from './report.ts';

/** Backslash-escapes what Markdown would read as markup or raw HTML, so people's text stays text. */
export function mdText(text: string): string {
  return text
    .replace(/[\\`*[\]<>|~]/g, '\\$&')
    // An underscore inside a word never starts emphasis, so "America/Los_Angeles" stays readable.
    .replace(/_/g, (m, i: number, s: string) => (/[\p{L}\p{N}]/u.test(s[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(s[i + 1] ?? '') ? m : '\\_'))
    // Only "# " (or "##… ") at the start of a line makes a heading; "#storage" stays as typed.
    .replace(/^(\s*)#(?=#{0,5}(?:\s|$))/gm, '$1\\#');
}

/** One table cell: markup escaped, line breaks kept as <br>. */
function cell(text: string): string {
  return mdText(text).replace(/\r\n|\r|\n/g, '<br>');
}

/** A block of prose: markup escaped, paragraphs kept. */
function prose(text: string, empty: string): string {
  const t = text.trim();
  if (!t) return `_${empty}_`;
  return t.split(/\r\n|\r|\n/).map((line) => mdText(line).trimEnd()).join('  \n').replace(/ {2}\n {2}\n/g, '\n\n');
}

function list(items: readonly string[], empty: string): string[] {
  const kept = items.map((s) => s.trim()).filter(Boolean);
  if (kept.length === 0) return [`_${empty}_`];
  return kept.map((s) => `- ${cell(s)}`);
}

/** Key moments are a skim list: the first line of a long entry is enough (the timeline has the rest). */
export function firstLine(text: string): string {
  const i = text.search(/\r|\n/);
  return i < 0 ? text : `${text.slice(0, i).trimEnd()} …`;
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function marks(r: ReportEntry): string {
  const m: string[] = [];
  if (r.edited) m.push(' _(edited)_');
  if (r.unsynced) m.push(' _(unsynced)_');
  return m.join('');
}

function entryText(r: ReportEntry): string {
  return `${r.entry.pinned ? '**[pinned]** ' : ''}${cell(r.entry.text)}${marks(r)}`;
}

function timelineRows(rep: Report, rows: readonly ReportEntry[]): string[][] {
  return rows.map((r) => [
    utcWall(r.entry.occurredAt).clock,
    ...(rep.zone ? [localClock(r.entry.occurredAt, rep.zone)] : []),
    cell(r.author), KIND_LABEL[r.entry.kind], entryText(r),
  ]);
}

function taskRows(rows: readonly TaskRow[]): string[][] {
  return rows.map((t) => [
    `${cell(t.task.title)}${t.unsynced ? ' _(unsynced)_' : ''}`, cell(t.assignee), t.status,
    `${t.due}${t.overdue ? ' **(overdue)**' : ''}`,
  ]);
}

function header(rep: Report): string[] {
  const s = rep.state;
  const commander = rep.roles.find((r) => r.role === 'commander');
  const out = [
    `# Postmortem: ${mdText(s.title)}`, '',
    '> Blameless postmortem: it describes what happened, what we learned and what we will change, not who is to blame.', '',
    `- **Severity:** ${s.severity}`,
    `- **Status:** ${STATUS_LABEL[s.status]}`,
    `- **Detected:** ${utc(s.startedAt)}${rep.zone ? ` (${dateTime(s.startedAt, rep.zone)} ${rep.zone})` : ''}`,
    `- **Resolved:** ${s.resolvedAt === null ? 'not yet' : `${utc(s.resolvedAt)}${rep.zone ? ` (${dateTime(s.resolvedAt, rep.zone)} ${rep.zone})` : ''}`}`,
    `- **Duration:** ${rep.duration}`,
    `- **Incident commander:** ${cell(commander?.name ?? 'Not assigned')}`,
    `- **Incident id:** \`${s.id}\``,
    '',
    timesNote(rep),
  ];
  if (rep.marks.count > 0) {
    out.push('', `> **Includes ${rep.marks.count} local change${rep.marks.count === 1 ? '' : 's'} not yet confirmed by the server**, marked _(unsynced)_.`);
  }
  return out;
}

/** Renders the postmortem; pure and deterministic (exportedAt comes from the options). */
export function formatMarkdown(state: IncidentState, options: ExportOptions): string {
  const rep = buildReport(state, options);
  const s = rep.state;
  const pm = s.postmortem;
  const out: string[] = header(rep);
  out.push('', '## Summary', '', prose(s.summary, 'No summary written.'));
  out.push('', '## Impact', '', prose(s.impact, 'Impact not described.'));
  out.push('', '## Roles and participants', '');
  out.push(...table(['Role', 'Who', 'Time zone'], rep.roles.map((r) => [ROLE_LABEL[r.role], cell(r.name), r.timeZone ?? '—'])));
  out.push('');
  out.push(...table(['Participant', 'Incident role', 'Time zone', 'Skills', 'Joined'], rep.participants.map((p) => [
    cell(p.member.name), p.roles.map((r) => ROLE_LABEL[r]).join(', ') || '—', `${p.member.timeZone} (${p.offset})`,
    cell(p.member.skills.join(', ')) || '—', utc(p.member.joinedAt),
  ])));

  out.push('', '## Timeline', '');
  if (rep.filtersNote) out.push(`_${rep.filtersNote}_`, '');
  if (rep.keyMoments.length > 0) {
    out.push('### Key moments', '');
    for (const r of rep.keyMoments) out.push(`- **${utc(r.entry.occurredAt)}**: ${cell(firstLine(r.entry.text))}${marks(r)}`);
    out.push('');
  }
  const head = ['Time (UTC)', ...(rep.zone ? [rep.zone] : []), 'Who', 'Kind', 'Entry'];
  if (rep.days.length === 0) out.push('_No timeline entries match this export._', '');
  for (const day of rep.days) {
    out.push(`### ${day.label}`, '', ...table(head, timelineRows(rep, day.entries)), '');
  }

  out.push('## What went well', '', ...list(pm.whatWentWell, 'Not written yet.'));
  out.push('', '## What went wrong', '', ...list(pm.whatWentWrong, 'Not written yet.'));
  out.push('', '## Root cause and contributing factors', '', prose(pm.rootCause, 'Not written yet.'));
  out.push('', '## Lessons', '', ...list(pm.lessons, 'Not written yet.'));

  out.push('', '## Action items', '');
  if (rep.actionItems.length === 0) out.push('_No follow-up tasks were recorded._');
  else out.push(...table(['Action', 'Owner', 'Status', 'Due (UTC)'], taskRows(rep.actionItems)));
  if (rep.incidentTasks.length > 0) {
    out.push('', '### Work done during the incident', '', ...table(['Task', 'Owner', 'Status', 'Due (UTC)'], taskRows(rep.incidentTasks)));
  }

  out.push('', '## Help requests', '');
  if (rep.help.length === 0) out.push('_No one was asked for help._');
  else {
    out.push(...table(['Asked (UTC)', 'By', 'Asked of', 'Urgency', 'Request', 'Acknowledged by', 'Time to acknowledge', 'Outcome'], rep.help.map((h) => [
      utc(h.help.askedAt), cell(h.askedBy), cell(h.askedOf), h.help.urgency, `${cell(h.help.text)}${h.unsynced ? ' _(unsynced)_' : ''}`,
      h.ackBy ? cell(h.ackBy) : '—', h.timeToAck, cell(h.outcome),
    ])));
  }

  if (rep.edited.length > 0) {
    out.push('', '## Appendix: earlier versions of edited entries', '');
    for (const r of rep.edited) {
      out.push(`- Entry of ${utc(r.entry.occurredAt)} by ${cell(r.author)}:`);
      for (const h of r.entry.history) out.push(`  - ${utc(h.at)}, ${cell(rep.name(h.by))}: "${cell(h.text)}"`);
      out.push(`  - ${utc(r.entry.editedAt ?? r.entry.loggedAt)}, ${cell(rep.name(r.entry.editedBy))} (current): "${cell(r.entry.text)}"`);
    }
  }
  if (options.includeDeleted) {
    out.push('', '## Appendix: deleted entries', '');
    if (rep.deleted.length === 0) out.push('_No entries were deleted._');
    else {
      out.push(...table(['Time (UTC)', 'Who', 'Kind', 'Entry', 'Deleted'], rep.deleted.map((r) => [
        utc(r.entry.occurredAt), cell(r.author), KIND_LABEL[r.entry.kind], `${cell(r.entry.text)}${marks(r)}`,
        r.entry.deletedAt === null ? '—' : `${utc(r.entry.deletedAt)} by ${cell(rep.name(r.entry.deletedBy))}`,
      ])));
    }
  }
  out.push('', '---', '', `_Exported from War Room on ${utc(rep.exportedAt)}, from the incident log up to change #${s.headSeq}._`, '');
  return out.join('\n');
}

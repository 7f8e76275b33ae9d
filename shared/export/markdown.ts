/**
 * The postmortem as Markdown (CommonMark + GFM tables), blameless template. People's text goes
 * through shared/export/mdEscape.ts; text that may span lines is in lists, never in table cells,
 * so nothing needs inline HTML and markdownlint passes.
 */
import { utcWall } from './clock.ts';
import type { IncidentState } from './deps.ts';
import { mdLine } from './mdEscape.ts';
import { block, cell, firstLine, item, list, marks, prose, table } from './markdownParts.ts';
import { appendices, actionSection, helpSection, taskSection, updatesSection } from './markdownSections.ts';
import type { ExportOptions } from './options.ts';
import {
  bothZones, buildReport, delayNote, KIND_LABEL, localCells, MOMENT_LABEL, ROLE_LABEL, STATUS_LABEL, timesNote, utc,
  type Report, type ReportEntry,
} from './report.ts';

export { firstLine } from './markdownParts.ts';
/** Kept for callers that escape one line of text. */
export const mdText = mdLine;

function header(rep: Report): string[] {
  const s = rep.state;
  const commander = rep.roles.find((r) => r.role === 'commander');
  const out = [
    `# Postmortem: ${cell(s.title)}`, '',
    '> Blameless postmortem: it describes what happened, what we learned and what we will change, not who is to blame.', '',
    `- **Severity:** ${s.severity}`,
    `- **Status:** ${STATUS_LABEL[s.status]}`,
    `- **Incident commander:** ${cell(commander?.name ?? 'Not assigned')}`,
    `- **Affected services:** ${s.services.length ? cell(s.services.join(', ')) : 'not recorded'}`,
    `- **Incident id:** \`${s.id}\``,
    '',
    timesNote(rep),
  ];
  if (rep.marks.count > 0) {
    out.push('', `> **Includes ${rep.marks.count} local change${rep.marks.count === 1 ? '' : 's'} not yet confirmed by the server**, marked _(unsynced)_.`);
  }
  return out;
}

function keyTimesSection(rep: Report): string[] {
  const head = ['Moment', 'UTC', ...(rep.zone ? [rep.zone] : []), 'Note'];
  const shown = rep.keyTimes.filter((k) => k.at !== null).map((k) => k.at!);
  const local = localCells(rep, shown);
  let i = 0;
  const rows = rep.keyTimes.map((k) => [
    k.label, k.at === null ? '—' : utc(k.at), ...(rep.zone ? [k.at === null ? '—' : local[i++]!] : []), cell(k.note),
  ]);
  const out = ['## Key timestamps', '', ...table(head, rows), '', '## Response metrics', ''];
  out.push(...table(['Metric', 'Value', 'Measured'], rep.metrics.map((m) => [m.label, cell(m.value ?? 'not recorded'), cell(m.note)])));
  return out;
}

function impactSection(rep: Report): string[] {
  const s = rep.state;
  const pm = s.postmortem;
  const n = (v: number | null) => (v === null ? 'not recorded' : v.toLocaleString('en-US'));
  const impactMetric = rep.metrics.find((m) => m.label === 'Duration of impact');
  return [
    '## Impact', '', prose(s.impact, 'Impact not described.'), '',
    `- **Customers affected:** ${n(pm.customersAffected)}`,
    `- **Requests failed:** ${n(pm.requestsFailed)}`,
    `- **Orders lost:** ${n(pm.ordersLost)}`,
    `- **Duration of impact:** ${cell(impactMetric?.value ?? 'not recorded')}`,
    '', '### Customer impact', '', prose(s.customerImpact, 'Not described.'),
  ];
}

function analysisSection(rep: Report): string[] {
  const pm = rep.state.postmortem;
  return [
    '## Trigger', '', prose(pm.trigger, 'Not written yet.'), '',
    '## Root cause', '', prose(pm.rootCause, 'Not written yet.'), '',
    '## Contributing factors', '', ...list(pm.contributingFactors, 'None recorded.'), '',
    '## Detection', '', prose(pm.detection, 'Not written yet.'), '',
    '## What went well', '', ...list(pm.whatWentWell, 'Not written yet.'), '',
    '## What went wrong', '', ...list(pm.whatWentWrong, 'Not written yet.'), '',
    '## Where we got lucky', '', ...list(pm.whereWeGotLucky, 'Not written yet.'), '',
    '## Lessons', '', ...list(pm.lessons, 'Not written yet.'),
  ];
}

function peopleSection(rep: Report): string[] {
  const out = ['## Roles and participants', '', '### Role history', ''];
  if (rep.roleHistory.length === 0) out.push('_No roles were assigned._');
  else {
    out.push(...table(['Role', 'Who', 'From (UTC)', 'To (UTC)', 'Held'], rep.roleHistory.map((r) => [
      ROLE_LABEL[r.role], cell(r.name), utc(r.from), r.to === null ? 'still holds it' : utc(r.to), r.held,
    ])));
  }
  out.push('', '### Participants', '');
  out.push(...table(['Participant', 'Incident role now', 'Time zone', 'Skills', 'Joined'], rep.participants.map((p) => [
    cell(p.member.name), p.roles.map((r) => ROLE_LABEL[r]).join(', ') || '—', `${cell(p.member.timeZone)} (${p.offset})`,
    cell(p.member.skills.join(', ')) || '—', utc(p.member.joinedAt),
  ])));
  return out;
}

/** What monitoring sent with an alert row, beyond its one-line text. */
function alertDetails(r: ReportEntry): string[] {
  const a = r.entry.alert;
  if (!a) return [];
  const labels = a.labels.map((l) => `${l.name}=${l.value}`).join(', ');
  return [
    `**Alert:** ${a.source}, ${a.status}${labels ? ` (${cell(labels)})` : ''}${a.endsAt !== null ? `, ended ${utc(a.endsAt)}` : ''}`,
    ...(a.description.trim() ? [`**Description:** ${cell(a.description)}`] : []),
  ];
}

export function entryItems(rep: Report, rows: readonly ReportEntry[]): string[] {
  const local = localCells(rep, rows.map((r) => r.entry.occurredAt));
  const out: string[] = [];
  rows.forEach((r, i) => {
    const when = [`**${utcWall(r.entry.occurredAt).clock} UTC**`, ...(rep.zone ? [local[i]!] : [])].join(' · ');
    const kind = r.entry.moment && r.entry.moment !== 'status' ? `${KIND_LABEL[r.entry.kind]} (${MOMENT_LABEL[r.entry.moment].toLowerCase()})` : KIND_LABEL[r.entry.kind];
    const details = [...(r.delayMs === null ? [] : [`**Backdated:** ${delayNote(r)}`]), ...alertDetails(r)];
    out.push(...item(`${when} · ${cell(r.author)} · ${kind}${marks(r)}:`, r.entry.text, details));
  });
  return out;
}

function timelineSection(rep: Report): string[] {
  const out = ['## Timeline', ''];
  if (rep.filtersNote) out.push(`_${rep.filtersNote}_`, '');
  if (rep.keyMoments.length > 0) {
    out.push('### Key moments', '');
    for (const r of rep.keyMoments) {
      const what = r.entry.moment ? `${MOMENT_LABEL[r.entry.moment]} — ` : '';
      out.push(`- **${bothZones(rep, r.entry.occurredAt)}** · ${cell(r.author)}: ${what}${cell(firstLine(r.entry.text))}${marks(r)}`);
    }
    out.push('');
  }
  if (rep.days.length === 0) out.push('_No timeline entries match this export._', '');
  const systemDays: string[] = [];
  for (const day of rep.days) {
    const main = day.entries.filter((r) => !r.system);
    const sys = day.entries.filter((r) => r.system);
    out.push(`### ${day.label}`, '');
    if (main.length > 0) out.push(...entryItems(rep, main), '');
    if (sys.length > 0) {
      out.push(`_${sys.length} system row${sys.length === 1 ? '' : 's'} (joins, role and help bookkeeping) on this day are listed under “Timeline: system rows”._`, '');
      systemDays.push(`### System rows, ${day.label}`, '', ...entryItems(rep, sys), '');
    }
  }
  if (systemDays.length > 0) out.push('## Timeline: system rows', '', ...systemDays);
  return out;
}

/** Renders the postmortem; pure and deterministic (exportedAt comes from the options). */
export function formatMarkdown(state: IncidentState, options: ExportOptions): string {
  const rep = buildReport(state, options);
  const s = rep.state;
  const summary = s.postmortem.summary.trim() ? s.postmortem.summary : s.summary;
  const out: string[] = [
    ...header(rep), '',
    '## Summary', '', prose(summary, 'No summary written.'), '',
    ...keyTimesSection(rep), '',
    ...impactSection(rep), '',
    ...analysisSection(rep), '',
    ...actionSection(rep), '',
    ...peopleSection(rep), '',
    ...updatesSection(rep), '',
    ...timelineSection(rep), '',
    ...helpSection(rep), '',
    ...taskSection(rep), '',
    ...appendices(rep, options), '',
    '---', '', `_Exported from War Room on ${utc(rep.exportedAt)}, from the incident log up to change #${s.headSeq}._`,
  ];
  return `${block(out).join('\n')}\n`;
}

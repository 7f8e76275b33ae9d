/** The HTML postmortem's sections other than the header and the timeline. */
import { formatDuration } from './deps.ts';
import { badge, esc, link, list, paragraphs, table, td } from './htmlParts.ts';
import type { ExportOptions } from './options.ts';
import { KIND_LABEL, localCells, ROLE_LABEL, utc, type ActionRow, type Report, type TaskRow } from './report.ts';

const section = (id: string, title: string, body: string[]) => [`<section id="${id}"><h2>${esc(title)}</h2>`, ...body, '</section>'];

export function keyTimesHtml(rep: Report): string[] {
  const local = localCells(rep, rep.keyTimes.filter((k) => k.at !== null).map((k) => k.at!));
  let i = 0;
  const times = table('facts-table key-times', ['Moment', 'UTC', ...(rep.zone ? [rep.zone] : []), 'Note'], rep.keyTimes.map((k) => [
    td(esc(k.label)), td(k.at === null ? '—' : esc(utc(k.at)), 'time'), ...(rep.zone ? [td(k.at === null ? '—' : esc(local[i++]!), 'time local')] : []),
    td(esc(k.note)),
  ]));
  const metrics = table('facts-table metrics', ['Metric', 'Value', 'Measured'], rep.metrics.map((m) => [
    td(esc(m.label)), td(esc(m.value ?? 'not recorded')), td(esc(m.note), 'muted'),
  ]));
  return [...section('key-times', 'Key timestamps', [times]), ...section('metrics', 'Response metrics', [metrics])];
}

export function impactHtml(rep: Report): string[] {
  const s = rep.state;
  const pm = s.postmortem;
  const n = (v: number | null) => (v === null ? 'not recorded' : v.toLocaleString('en-US'));
  const impact = rep.metrics.find((m) => m.label === 'Duration of impact')?.value ?? 'not recorded';
  return section('impact', 'Impact', [
    paragraphs(s.impact, 'Impact not described.'),
    '<dl class="facts">',
    `<dt>Customers affected</dt><dd>${esc(n(pm.customersAffected))}</dd>`,
    `<dt>Requests failed</dt><dd>${esc(n(pm.requestsFailed))}</dd>`,
    `<dt>Orders lost</dt><dd>${esc(n(pm.ordersLost))}</dd>`,
    `<dt>Duration of impact</dt><dd>${esc(impact)}</dd>`,
    '</dl>',
    '<h3>Customer impact</h3>', paragraphs(s.customerImpact, 'Not described.'),
  ]);
}

export function analysisHtml(rep: Report): string[] {
  const pm = rep.state.postmortem;
  return [
    ...section('trigger', 'Trigger', [paragraphs(pm.trigger, 'Not written yet.')]),
    ...section('root-cause', 'Root cause', [paragraphs(pm.rootCause, 'Not written yet.')]),
    ...section('contributing', 'Contributing factors', [list(pm.contributingFactors, 'None recorded.')]),
    ...section('detection', 'Detection', [paragraphs(pm.detection, 'Not written yet.')]),
    ...section('went-well', 'What went well', [list(pm.whatWentWell, 'Not written yet.')]),
    ...section('went-wrong', 'What went wrong', [list(pm.whatWentWrong, 'Not written yet.')]),
    ...section('lucky', 'Where we got lucky', [list(pm.whereWeGotLucky, 'Not written yet.')]),
    ...section('lessons', 'Lessons', [list(pm.lessons, 'Not written yet.')]),
  ];
}

function actionLi(a: ActionRow): string {
  const i = a.item;
  const meta = [
    `Owner: ${esc(a.owner)}`, `Due: ${esc(a.due)}${a.overdue ? ` ${badge('overdue', 'overdue')}` : ''}`, `Status: ${i.status === 'done' ? 'Done' : 'Open'}`,
    `Ticket: ${i.ticketUrl ? link(i.ticketUrl, i.ticketUrl) : 'none'}`,
  ];
  return [
    `<li><strong>${esc(i.priority)}</strong> <span class="muted">${esc(i.type)}</span> <span class="text">${esc(i.title)}</span>${a.unsynced ? ` ${badge('unsynced', 'unsynced')}` : ''}`,
    `<ul class="meta">${meta.map((m) => `<li>${m}</li>`).join('')}</ul>`,
    i.description.trim() ? paragraphs(i.description, '') : '',
    '</li>',
  ].filter(Boolean).join('\n');
}

function taskTable(rows: readonly TaskRow[], first: string): string {
  return table('tasks', [first, 'Owner', 'Status', 'Due (UTC)'], rows.map((t) => [
    td(`<span class="text">${esc(t.task.title)}</span>${t.unsynced ? ` ${badge('unsynced', 'unsynced')}` : ''}${t.task.description.trim() ? `<br><span class="text muted">${esc(t.task.description)}</span>` : ''}`),
    td(esc(t.assignee)), td(esc(t.status)), td(`${esc(t.due)}${t.overdue ? ` ${badge('overdue', 'overdue')}` : ''}`),
  ]));
}

export function actionsHtml(rep: Report): string[] {
  const body = [rep.actions.length === 0 ? '<p class="empty">No action items were recorded in the postmortem.</p>' : `<ul class="actions">\n${rep.actions.map(actionLi).join('\n')}\n</ul>`];
  if (rep.actionItems.length > 0) body.push('<h3>Follow-up tasks from the board</h3>', taskTable(rep.actionItems, 'Task'));
  return section('actions', 'Action items', body);
}

export function tasksHtml(rep: Report): string[] {
  return rep.incidentTasks.length === 0 ? [] : section('tasks', 'Work done during the incident', [taskTable(rep.incidentTasks, 'Task')]);
}

export function peopleHtml(rep: Report): string[] {
  const history = rep.roleHistory.length === 0 ? '<p class="empty">No roles were assigned.</p>' : table('roles', ['Role', 'Who', 'From (UTC)', 'To (UTC)', 'Held'], rep.roleHistory.map((r) => [
    td(esc(ROLE_LABEL[r.role])), td(esc(r.name)), td(esc(utc(r.from)), 'time'), td(r.to === null ? 'still holds it' : esc(utc(r.to)), 'time'), td(esc(r.held)),
  ]));
  const people = table('people', ['Participant', 'Incident role now', 'Time zone', 'Skills', 'Joined'], rep.participants.map((p) => [
    td(esc(p.member.name)), td(esc(p.roles.map((r) => ROLE_LABEL[r]).join(', ') || '—')),
    td(`${esc(p.member.timeZone)} <span class="muted">(${esc(p.offset)})</span>`), td(esc(p.member.skills.join(', ') || '—')), td(esc(utc(p.member.joinedAt))),
  ]));
  return section('people', 'Roles and participants', ['<h3>Role history</h3>', history, '<h3>Participants</h3>', people]);
}

export function updatesHtml(rep: Report): string[] {
  const u = rep.updates;
  const late = u.late.length;
  const intro = `<p>Cadence: one update every ${u.cadenceMin} minutes while the incident is open (the cadence set at export; gaps count open time only, from the declaration). ${late === 0 ? 'Every gap kept to it.' : `<strong>${late} gap${late === 1 ? '' : 's'} went over it.</strong>`}</p>`;
  if (u.gaps.length === 0) return section('updates', 'Stakeholder updates', [intro, '<p class="empty">No updates were posted.</p>']);
  const rows = u.gaps.map((g) => [
    td(esc(utc(g.to)), 'time'),
    td(g.entry ? esc(rep.name(g.entry.authorId)) : '—'),
    td(`${esc(formatDuration(g.openMs))}${g.late ? ` ${badge(`over by ${formatDuration(g.openMs - u.cadenceMin * 60_000)}`, 'late')}` : ''}`),
    td(g.entry ? `<span class="text">${esc(g.entry.text)}</span>` : `<span class="empty">No update since ${esc(utc(g.from))}${rep.state.resolvedAt === null ? ' (still open at export)' : ' (until resolved)'}</span>`),
  ]);
  return section('updates', 'Stakeholder updates', [intro, table('updates', ['Posted (UTC)', 'By', 'Gap', 'Update'], rows, (i) => (u.gaps[i]!.late ? 'late' : ''))]);
}

export function helpHtml(rep: Report): string[] {
  return section('help', 'Help requests', [rep.help.length === 0 ? '<p class="empty">No one was asked for help.</p>' : table('help',
    [['Asked (UTC)', 'asked'], 'Request', ['Asked of', 'of'], ['Acknowledged', 'ack'], ['Outcome', 'outcome']],
    rep.help.map((h) => [
      td(`${esc(utc(h.help.askedAt))}<br><span class="muted">${esc(h.askedBy)}, urgency ${esc(h.help.urgency)}</span>`),
      td(`<span class="text">${esc(h.help.text)}</span>${h.unsynced ? ` ${badge('unsynced', 'unsynced')}` : ''}`),
      td(esc(h.askedOf)),
      td(h.ackBy ? `${esc(h.ackBy)}<br><span class="muted">after ${esc(h.timeToAck)}</span>` : esc(h.timeToAck)),
      td(esc(h.outcome)),
    ]))]);
}

export function appendicesHtml(rep: Report, options: ExportOptions): string[] {
  const out: string[] = [];
  if (options.includeEditHistory) {
    out.push('<section id="edits" class="appendix"><h2>Appendix: earlier versions of edited entries</h2>');
    if (rep.edited.length === 0) out.push('<p class="empty">No entries were edited.</p>');
    for (const r of rep.edited) {
      out.push(`<h3>Entry of ${esc(utc(r.entry.occurredAt))} by ${esc(r.author)}${r.entry.deletedAt === null ? '' : ' (deleted)'}</h3>`, '<ol class="versions">');
      for (const h of r.entry.history) out.push(`<li><span class="time">${esc(utc(h.at))}</span>, ${esc(rep.name(h.by))}: <span class="text">${esc(h.text)}</span></li>`);
      const last = r.entry.deletedAt === null ? 'current' : 'last, then deleted';
      out.push(`<li><span class="time">${esc(utc(r.entry.editedAt ?? r.entry.loggedAt))}</span>, ${esc(rep.name(r.entry.editedBy))} (${last}): <span class="text">${esc(r.entry.text)}</span></li>`, '</ol>');
    }
    out.push('</section>');
  }
  if (options.includeDeleted) {
    out.push('<section id="deleted" class="appendix"><h2>Appendix: deleted entries</h2>');
    out.push(rep.deleted.length === 0 ? '<p class="empty">No entries were deleted.</p>' : table('deleted', ['Time (UTC)', 'Who', 'Kind', 'Entry', 'Deleted'], rep.deleted.map((r) => [
      td(esc(utc(r.entry.occurredAt)), 'time'), td(esc(r.author)), td(esc(KIND_LABEL[r.entry.kind])), td(`<span class="text">${esc(r.entry.text)}</span>${r.edited ? ` ${badge('edited', 'edited')}` : ''}`),
      td(r.entry.deletedAt === null ? '—' : `${esc(utc(r.entry.deletedAt))} by ${esc(rep.name(r.entry.deletedBy))}`),
    ])));
    if (rep.deletedActions.length > 0) {
      out.push('<h3>Deleted action items</h3>', table('deleted', ['Action', 'Priority', 'Type', 'Deleted'], rep.deletedActions.map((a) => [
        td(`<span class="text">${esc(a.item.title)}</span>`), td(esc(a.item.priority)), td(esc(a.item.type)), td(esc(utc(a.item.deletedAt!))),
      ])));
    }
    out.push('</section>');
  }
  return out;
}

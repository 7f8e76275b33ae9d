/** The Markdown postmortem's follow-up sections: action items, updates, help, tasks, the audit appendix. */
import { formatDuration } from './deps.ts';
import { mdUrl } from './mdEscape.ts';
import { cell, item, marks } from './markdownParts.ts';
import type { ExportOptions } from './options.ts';
import { KIND_LABEL, utc, type ActionRow, type Report, type TaskRow } from './report.ts';

function actionItem(a: ActionRow): string[] {
  const i = a.item;
  const details = [
    `**Owner:** ${cell(a.owner)}`,
    `**Due:** ${a.due}${a.overdue ? ' **(overdue)**' : ''}`,
    `**Status:** ${i.status === 'done' ? 'Done' : 'Open'}`,
    `**Ticket:** ${i.ticketUrl ? `[ticket](${mdUrl(i.ticketUrl)})` : 'none'}`,
  ];
  const lead = `**${i.priority}** · ${i.type} · ${cell(i.title)}${a.unsynced ? ' _(unsynced)_' : ''}${i.description.trim() ? ':' : ''}`;
  return item(lead, i.description, details);
}

export function actionSection(rep: Report): string[] {
  const out = ['## Action items', ''];
  if (rep.actions.length === 0) out.push('_No action items were recorded in the postmortem._');
  else for (const a of rep.actions) out.push(...actionItem(a), '');
  if (rep.actionItems.length > 0) {
    out.push('', '### Follow-up tasks from the board', '');
    for (const t of rep.actionItems) out.push(...taskItem(t), '');
  }
  return out;
}

function taskItem(t: TaskRow): string[] {
  const lead = `${cell(t.task.title)}${t.unsynced ? ' _(unsynced)_' : ''} · ${cell(t.assignee)} · ${t.status} · due ${t.due}${t.overdue ? ' **(overdue)**' : ''}${t.task.description.trim() ? ':' : ''}`;
  return item(lead, t.task.description);
}

export function taskSection(rep: Report): string[] {
  if (rep.incidentTasks.length === 0) return [];
  const out = ['## Work done during the incident', ''];
  for (const t of rep.incidentTasks) out.push(...taskItem(t), '');
  return out;
}

export function updatesSection(rep: Report): string[] {
  const u = rep.updates;
  const out = ['## Stakeholder updates', ''];
  const late = u.late.length;
  out.push(`Cadence: one update every ${u.cadenceMin} minutes while the incident is open (the cadence set at export; gaps count open time only, from the declaration). ${late === 0 ? 'Every gap kept to it.' : `${late} gap${late === 1 ? '' : 's'} went over it.`}`, '');
  if (u.gaps.length === 0) out.push('_No updates were posted._');
  for (const g of u.gaps) {
    const gap = `${formatDuration(g.openMs)}${g.late ? ` **(over the ${u.cadenceMin}-minute cadence by ${formatDuration(g.openMs - u.cadenceMin * 60_000)})**` : ''}`;
    if (g.entry === null) {
      out.push(`- **${utc(g.to)}** · _no update since ${utc(g.from)}_ · gap ${gap}${rep.state.resolvedAt === null ? ' (still open at export)' : ' (until resolved)'}`, '');
    } else {
      out.push(...item(`**${utc(g.entry.occurredAt)}** · ${cell(rep.name(g.entry.authorId))} · gap ${gap}:`, g.entry.text), '');
    }
  }
  return out;
}

export function helpSection(rep: Report): string[] {
  const out = ['## Help requests', ''];
  if (rep.help.length === 0) return [...out, '_No one was asked for help._'];
  for (const h of rep.help) {
    out.push(...item(`**${utc(h.help.askedAt)}** · ${cell(h.askedBy)} asked ${cell(h.askedOf)} (${h.help.urgency})${h.unsynced ? ' _(unsynced)_' : ''}:`, h.help.text, [
      `**Acknowledged:** ${h.ackBy ? `${cell(h.ackBy)}, after ${h.timeToAck}` : h.timeToAck}`,
      `**Outcome:** ${cell(h.outcome)}`,
    ]), '');
  }
  return out;
}

export function appendices(rep: Report, options: ExportOptions): string[] {
  const out: string[] = [];
  if (options.includeEditHistory) {
    out.push('## Appendix: earlier versions of edited entries', '');
    if (rep.edited.length === 0) out.push('_No entries were edited._', '');
    for (const r of rep.edited) {
      const versions = [
        ...r.entry.history.map((h) => item(`${utc(h.at)}, ${cell(rep.name(h.by))}:`, h.text)),
        item(`${utc(r.entry.editedAt ?? r.entry.loggedAt)}, ${cell(rep.name(r.entry.editedBy))} (${r.entry.deletedAt === null ? 'current' : 'last, then deleted'}):`, r.entry.text),
      ].map((lines) => lines.map((l) => (l ? `  ${l}` : l)));
      out.push(`- Entry of ${utc(r.entry.occurredAt)} by ${cell(r.author)}${r.entry.deletedAt === null ? '' : ' (deleted)'}:`, '', ...versions.flat(), '');
    }
  }
  if (options.includeDeleted) {
    out.push('## Appendix: deleted entries', '');
    if (rep.deleted.length === 0) out.push('_No entries were deleted._', '');
    for (const r of rep.deleted) {
      const by = r.entry.deletedAt === null ? '' : ` · deleted ${utc(r.entry.deletedAt)} by ${cell(rep.name(r.entry.deletedBy))}`;
      out.push(...item(`**${utc(r.entry.occurredAt)}** · ${cell(r.author)} · ${KIND_LABEL[r.entry.kind]}${marks(r)}${by}:`, r.entry.text), '');
    }
    if (rep.deletedActions.length > 0) {
      out.push('### Deleted action items', '');
      for (const a of rep.deletedActions) {
        out.push(...item(`**${a.item.priority}** · ${a.item.type} · ${cell(a.item.title)} · deleted ${utc(a.item.deletedAt!)}${a.item.description.trim() ? ':' : ''}`, a.item.description), '');
      }
    }
  }
  return out;
}


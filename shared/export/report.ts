/**
 * The postmortem as data: every text format renders this one view of the incident, so Markdown,
 * HTML and CSV always agree on what is in, what is out and what is marked.
 */
import {
  ROLES, formatDuration, formatOffset, memberName, own, type EntryKind,
  type HelpRequest, type IncidentRole, type IncidentState, type Member, type Status, type Task, type TaskColumn,
  type TimelineEntry,
} from './deps.ts';
import { dateTime, utcWall, wall } from './clock.ts';
import { checkedZone, isPendingEntry, pendingMarks, type ExportOptions, type PendingMarks } from './options.ts';

export interface ReportEntry {
  entry: TimelineEntry;
  author: string;
  edited: boolean;
  unsynced: boolean;
  /** Pinned, or a status change: what a reader skims first. */
  key: boolean;
}

export interface ReportDay {
  /** "2026-11-27" (UTC). */
  date: string;
  /** "Friday 27 November 2026". */
  label: string;
  entries: ReportEntry[];
}

export interface Participant {
  member: Member;
  roles: IncidentRole[];
  offset: string;
}

export interface HelpRow {
  help: HelpRequest;
  askedBy: string;
  askedOf: string;
  ackBy: string | null;
  /** "6m", or why there is none. */
  timeToAck: string;
  outcome: string;
  unsynced: boolean;
}

export interface TaskRow {
  task: Task;
  assignee: string;
  status: string;
  due: string;
  overdue: boolean;
  unsynced: boolean;
}

export interface Report {
  state: IncidentState;
  exportedAt: number;
  zone: string | null;
  marks: PendingMarks;
  duration: string;
  days: ReportDay[];
  /** Every visible entry, in reading order (the days flattened). */
  entries: ReportEntry[];
  keyMoments: ReportEntry[];
  /** Soft-deleted entries; empty unless includeDeleted. */
  deleted: ReportEntry[];
  /** Visible entries that were edited, for the appendix of earlier versions. */
  edited: ReportEntry[];
  roles: { role: IncidentRole; memberId: string | null; name: string; timeZone: string | null }[];
  participants: Participant[];
  actionItems: TaskRow[];
  incidentTasks: TaskRow[];
  help: HelpRow[];
  filtersNote: string | null;
  /** Display name of a member id (the id itself when unknown). */
  name: (id: string | null) => string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS: Record<string, string> = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' };

export const STATUS_LABEL: Record<Status, string> = {
  investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved',
};
export const COLUMN_LABEL: Record<TaskColumn, string> = { todo: 'To do', doing: 'In progress', blocked: 'Blocked', done: 'Done' };
export const KIND_LABEL: Record<EntryKind, string> = {
  note: 'Note', update: 'Update', decision: 'Decision', action: 'Action', status: 'Status', role: 'Role', help: 'Help', system: 'System', alert: 'Alert',
};
export const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'Incident commander', comms: 'Communications', scribe: 'Scribe', ops: 'Operations lead' };

/** "2026-11-27 13:02 UTC" */
export const utc = (at: number): string => `${dateTime(at, 'UTC')} UTC`;
/** "2026-11-27T13:02:00Z" */
export const isoUtc = (at: number): string => new Date(at).toISOString().replace(/\.000Z$/, 'Z');

function dayLabel(at: number): string {
  const d = new Date(at);
  const w = utcWall(at).weekday;
  return `${WEEKDAYS[w] ?? w} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Local wall-clock time; prefixed with the weekday when the local date is not the UTC date. */
export function localClock(at: number, zone: string): string {
  const local = wall(at, zone);
  return local.date === utcWall(at).date ? local.clock : `${local.weekday} ${local.clock}`;
}

function entryVisible(e: TimelineEntry, o: ExportOptions): boolean {
  if (o.kinds && !o.kinds.includes(e.kind)) return false;
  if (o.excludeKinds?.includes(e.kind)) return false;
  return true;
}

function describeFilters(o: ExportOptions): string | null {
  const parts: string[] = [];
  if (o.pinnedOnly) parts.push('pinned entries only');
  if (o.kinds) parts.push(`only ${o.kinds.map((k) => KIND_LABEL[k].toLowerCase()).join(', ')} entries`);
  if (o.excludeKinds?.length) parts.push(`without ${o.excludeKinds.map((k) => KIND_LABEL[k].toLowerCase()).join(', ')} entries`);
  return parts.length ? `Filtered timeline: ${parts.join('; ')}.` : null;
}

function helpRow(s: IncidentState, h: HelpRequest, marks: PendingMarks): HelpRow {
  const asked = [...h.skills.map((k) => `#${k}`), ...h.memberIds.map((id) => memberName(s, id))].join(', ');
  const widened = h.escalation === 0 ? '' : h.escalation === 1 ? '; escalated to everyone with the skills' : '; escalated to everyone';
  let timeToAck: string;
  if (h.ackAt !== null) timeToAck = formatDuration(h.ackAt - h.askedAt);
  else if (h.status === 'open') timeToAck = 'not acknowledged yet';
  else timeToAck = `never (${h.status})`;
  const outcome = h.status === 'open' || h.status === 'acknowledged' || h.closedAt === null
    ? (h.status === 'open' ? 'Open' : 'Acknowledged, still open')
    : `${h.status === 'resolved' ? 'Resolved' : 'Cancelled'} ${utc(h.closedAt)} by ${memberName(s, h.closedBy)}`;
  return {
    help: h, askedBy: memberName(s, h.askedBy), askedOf: asked + widened,
    ackBy: h.ackBy ? memberName(s, h.ackBy) : null, timeToAck, outcome, unsynced: marks.helpIds.has(h.id),
  };
}

function taskRow(s: IncidentState, t: Task, marks: PendingMarks, exportedAt: number): TaskRow {
  const overdue = t.column !== 'done' && t.dueAt !== null && t.dueAt < exportedAt;
  return {
    task: t, assignee: t.assigneeId ? memberName(s, t.assigneeId) : 'Unassigned',
    status: t.column === 'done' && t.doneAt !== null ? `Done ${utcWall(t.doneAt).date}` : COLUMN_LABEL[t.column],
    due: t.dueAt === null ? 'No date' : utcWall(t.dueAt).date, overdue, unsynced: marks.taskIds.has(t.id),
  };
}

const byTimeThenId = <T>(at: (x: T) => number, id: (x: T) => string) => (a: T, b: T) =>
  at(a) - at(b) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

/** Builds the report in one pass over the timeline (linear: exports of 10k entries stay cheap). */
export function buildReport(state: IncidentState, options: ExportOptions): Report {
  const zone = checkedZone(options.timeZone);
  const marks = pendingMarks(options);
  const entries: ReportEntry[] = [];
  const deleted: ReportEntry[] = [];
  const days: ReportDay[] = [];
  const names = new Map<string, string>();
  const nameOf = (id: string) => {
    let n = names.get(id);
    if (n === undefined) names.set(id, (n = memberName(state, id)));
    return n;
  };
  for (const e of state.timeline) {
    if (!entryVisible(e, options)) continue;
    const row: ReportEntry = {
      entry: e, author: nameOf(e.authorId), edited: e.history.length > 0,
      unsynced: isPendingEntry(marks, e.id), key: e.pinned || e.kind === 'status',
    };
    if (e.deletedAt !== null) {
      if (options.includeDeleted) deleted.push(row);
      continue;
    }
    if (options.pinnedOnly && !e.pinned) continue;
    entries.push(row);
    const date = utcWall(e.occurredAt).date;
    const last = days[days.length - 1];
    if (last && last.date === date) last.entries.push(row);
    else days.push({ date, label: dayLabel(e.occurredAt), entries: [row] });
  }
  const rolesOf = new Map<string, IncidentRole[]>();
  for (const role of ROLES) {
    const id = state.roles[role];
    if (id) rolesOf.set(id, [...(rolesOf.get(id) ?? []), role]);
  }
  const participants = Object.values(state.members)
    .sort(byTimeThenId((m) => m.joinedAt, (m) => m.name))
    .map((member) => ({ member, roles: rolesOf.get(member.id) ?? [], offset: formatOffset(state.startedAt, member.timeZone) }));
  const tasks = Object.values(state.tasks).filter((t) => t.deletedAt === null).sort(byTimeThenId((t) => t.createdAt, (t) => t.id));
  const actionItems = tasks.filter((t) => t.followUp)
    .sort(byTimeThenId((t) => t.dueAt ?? Number.MAX_SAFE_INTEGER, (t) => t.id))
    .map((t) => taskRow(state, t, marks, options.exportedAt));
  const end = state.resolvedAt ?? options.exportedAt;
  return {
    state, exportedAt: options.exportedAt, zone, marks,
    duration: `${formatDuration(end - state.startedAt)}${state.resolvedAt === null ? ' so far (not resolved)' : ''}`,
    days, entries, deleted,
    keyMoments: entries.filter((r) => r.key),
    edited: entries.filter((r) => r.edited),
    roles: ROLES.map((role) => {
      const id = state.roles[role];
      return { role, memberId: id, name: id ? nameOf(id) : 'Not assigned', timeZone: id ? own(state.members, id)?.timeZone ?? null : null };
    }),
    participants,
    actionItems,
    incidentTasks: tasks.filter((t) => !t.followUp).map((t) => taskRow(state, t, marks, options.exportedAt)),
    help: Object.values(state.help).sort(byTimeThenId((h) => h.askedAt, (h) => h.id)).map((h) => helpRow(state, h, marks)),
    filtersNote: describeFilters(options),
    name: (id) => (id === null ? 'unknown' : nameOf(id)),
  };
}

/** The line under the title: where the times come from. */
export function timesNote(r: Report): string {
  if (!r.zone) return 'All times are UTC.';
  return `Times are UTC, with local time in ${r.zone} (${formatOffset(r.state.startedAt, r.zone)} when the incident started) alongside.`;
}

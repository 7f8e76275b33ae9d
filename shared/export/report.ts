/**
 * The postmortem as data: every text format renders this one view of the incident, so Markdown,
 * HTML and CSV always agree on what is in, what is out and what is marked.
 */
import {
  EXPORT_BACKDATED_AFTER_MS, ROLES, formatDuration, formatOffset, memberName, own, type ActionItem, type EntryKind,
  type HelpRequest, type IncidentRole, type IncidentState, type Member, type Task,
  type TimelineEntry,
} from './deps.ts';
import { dateTime, utcWall } from './clock.ts';
import { keyTimes, metrics, roleHistory, updateGaps, type KeyTime, type Metric, type RoleHistoryRow, type UpdatesReport } from './facts.ts';
import { COLUMN_LABEL, dayLabel, KIND_LABEL, localClock, utc } from './labels.ts';

export { COLUMN_LABEL, isoUtc, KIND_LABEL, localClock, MOMENT_LABEL, ROLE_LABEL, STATUS_LABEL, utc } from './labels.ts';
import { checkedZone, isPendingEntry, pendingMarks, type ExportOptions, type PendingMarks } from './options.ts';
import { offsetChanges, offsetMarker, zoneSentence, zoneSpan, type ZoneSpan } from './zone.ts';

export interface ReportEntry {
  entry: TimelineEntry;
  author: string;
  edited: boolean;
  unsynced: boolean;
  /** Pinned, or a key moment (declared, hand-over, severity, status, mitigated, resolved, reopened…): what a reader skims first. */
  key: boolean;
  /** A row the reducer wrote that is not a key moment (joins, plain role changes, help bookkeeping): collapsible. */
  system: boolean;
  /** How long after the time it names the entry was logged, when that is more than the backdating threshold. */
  delayMs: number | null;
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
  /** The member's UTC offset at the start, and any it changed to during the incident. */
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

export interface ActionRow {
  item: ActionItem;
  owner: string;
  due: string;
  overdue: boolean;
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
  /** The zone's offsets over what the export shows (null without a zone). */
  zoneSpan: ZoneSpan | null;
  /** The first and last instant the export shows. */
  span: [number, number];
  marks: PendingMarks;
  duration: string;
  days: ReportDay[];
  /** Every visible entry, in reading order (the days flattened). */
  entries: ReportEntry[];
  keyMoments: ReportEntry[];
  /** Soft-deleted entries; empty unless includeDeleted. */
  deleted: ReportEntry[];
  /** Edited entries (visible, and deleted ones when includeDeleted) for the appendix; empty unless includeEditHistory. */
  edited: ReportEntry[];
  /** Entries logged long after the time they name. */
  backdated: ReportEntry[];
  keyTimes: KeyTime[];
  metrics: Metric[];
  roleHistory: RoleHistoryRow[];
  updates: UpdatesReport;
  /** The postmortem's action items (not deleted), in creation order. */
  actions: ActionRow[];
  /** Deleted action items: listed in the audit appendix with includeDeleted. */
  deletedActions: ActionRow[];
  roles: { role: IncidentRole; memberId: string | null; name: string; timeZone: string | null }[];
  participants: Participant[];
  /** Board tasks marked as follow-ups. */
  actionItems: TaskRow[];
  incidentTasks: TaskRow[];
  help: HelpRow[];
  filtersNote: string | null;
  /** Display name of a member id (the id itself when unknown). */
  name: (id: string | null) => string;
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

function actionRow(s: IncidentState, a: ActionItem, marks: PendingMarks, exportedAt: number): ActionRow {
  return {
    item: a, owner: a.ownerId ? memberName(s, a.ownerId) : 'No owner', due: a.dueAt === null ? 'no date' : utcWall(a.dueAt).date,
    overdue: a.status !== 'done' && a.dueAt !== null && a.dueAt < exportedAt, unsynced: marks.actionIds.has(a.id),
  };
}

function taskRow(s: IncidentState, t: Task, marks: PendingMarks, exportedAt: number): TaskRow {
  const overdue = t.column !== 'done' && t.dueAt !== null && t.dueAt < exportedAt;
  return {
    task: t, assignee: t.assigneeId ? memberName(s, t.assigneeId) : 'Unassigned',
    status: t.column === 'done' && t.doneAt !== null ? `Done ${utcWall(t.doneAt).date}` : COLUMN_LABEL[t.column],
    due: t.dueAt === null ? 'no date' : utcWall(t.dueAt).date, overdue, unsynced: marks.taskIds.has(t.id),
  };
}

/** "UTC+02:00", or "UTC+02:00, then UTC+01:00" when the zone changed offset during the incident. */
function offsetsDuring(zone: string, from: number, to: number): string {
  return [formatOffset(from, zone), ...offsetChanges(from, to, zone).map((c) => c.to)].join(', then ');
}

const byTimeThenId = <T>(at: (x: T) => number, id: (x: T) => string) => (a: T, b: T) =>
  at(a) - at(b) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

const SYSTEM_KINDS: readonly EntryKind[] = ['system', 'role', 'help', 'status'];

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
    const delay = e.loggedAt - e.occurredAt;
    const row: ReportEntry = {
      entry: e, author: nameOf(e.authorId), edited: e.history.length > 0,
      unsynced: isPendingEntry(marks, e.id), key: e.pinned || e.moment !== null || e.kind === 'status',
      system: SYSTEM_KINDS.includes(e.kind) && e.moment === null && !e.pinned,
      // An alert's time is when monitoring saw it start, not a person writing it down late.
      delayMs: e.kind !== 'alert' && delay > EXPORT_BACKDATED_AFTER_MS ? delay : null,
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
    .map((member) => ({ member, roles: rolesOf.get(member.id) ?? [], offset: offsetsDuring(member.timeZone, state.startedAt, state.resolvedAt ?? options.exportedAt) }));
  const tasks = Object.values(state.tasks).filter((t) => t.deletedAt === null).sort(byTimeThenId((t) => t.createdAt, (t) => t.id));
  const actionItems = tasks.filter((t) => t.followUp)
    .sort(byTimeThenId((t) => t.dueAt ?? Number.MAX_SAFE_INTEGER, (t) => t.id))
    .map((t) => taskRow(state, t, marks, options.exportedAt));
  const end = state.resolvedAt ?? options.exportedAt;
  const actions = state.postmortem.actionItems.map((a) => actionRow(state, a, marks, options.exportedAt));
  const span = shownSpan(state, options.exportedAt, [...entries, ...deleted]);
  return {
    state, exportedAt: options.exportedAt, zone, marks, span, zoneSpan: zone ? zoneSpan(zone, span[0], span[1]) : null,
    duration: `${formatDuration(end - state.startedAt)}${state.resolvedAt === null ? ' so far (not resolved)' : ''}`,
    days, entries, deleted,
    keyMoments: entries.filter((r) => r.key),
    edited: options.includeEditHistory ? [...entries, ...deleted].filter((r) => r.edited).sort((a, b) => a.entry.occurredAt - b.entry.occurredAt || a.entry.seq - b.entry.seq) : [],
    backdated: entries.filter((r) => r.delayMs !== null),
    keyTimes: keyTimes(state),
    metrics: metrics(state, options.exportedAt),
    roleHistory: roleHistory(state, options.exportedAt),
    updates: updateGaps(state, options.exportedAt),
    actions: actions.filter((a) => a.item.deletedAt === null),
    deletedActions: actions.filter((a) => a.item.deletedAt !== null),
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

/** The first and last instant the export shows: the key times, every entry, and the export itself while open. */
function shownSpan(s: IncidentState, exportedAt: number, rows: readonly ReportEntry[]): [number, number] {
  let from = Math.min(s.startedAt, s.declaredAt, s.detectedAt ?? s.declaredAt);
  let to = Math.max(s.resolvedAt ?? exportedAt, s.declaredAt);
  for (const e of rows) {
    if (e.entry.occurredAt < from) from = e.entry.occurredAt;
    if (e.entry.occurredAt > to) to = e.entry.occurredAt;
  }
  return [from, to];
}

/** The line under the title: where the times come from, and every offset change of the zone. */
export function timesNote(r: Report): string {
  if (!r.zone || !r.zoneSpan) return 'All times are UTC.';
  const [from, to] = r.span;
  return `Times are UTC, with local time in ${r.zone} alongside (${zoneSentence(r.zone, from, to, r.zoneSpan.changes)}). The local column shows the offset where it changes and wherever a local time occurs twice.`;
}

/** Local-time cells for one table, in order: the offset is added where it changes and on ambiguous rows. */
export function localCells(r: Report, times: readonly number[]): string[] {
  if (!r.zone || !r.zoneSpan) return [];
  const mark = offsetMarker(r.zoneSpan);
  return times.map((t) => {
    const m = mark(t);
    return m ? `${localClock(t, r.zone!)} (${m})` : localClock(t, r.zone!);
  });
}

/** "39h 48m": a delay is read in hours, to the minute ("1d 15h" would hide 48 minutes). */
function hoursMinutes(ms: number): string {
  const min = Math.floor(ms / 60_000);
  return min < 60 ? `${min}m` : `${Math.floor(min / 60)}h ${String(min % 60).padStart(2, '0')}m`;
}

/** "logged 39h 48m later, at 2026-10-26 16:28 UTC" */
export const delayNote = (r: ReportEntry): string => (r.delayMs === null ? '' : `logged ${hoursMinutes(r.delayMs)} later, at ${utc(r.entry.loggedAt)}`);

/** "2026-11-27 13:02 UTC (14:02 Europe/Paris)" */
export function bothZones(r: Report, at: number): string {
  return r.zone && r.zoneSpan ? `${utc(at)} (${dateTime(at, r.zone)} ${r.zoneSpan.label(at)})` : utc(at);
}

/** How many timeline rows an export with these options holds (deleted ones only with includeDeleted): for "exported N entries". */
export function exportedEntryCount(state: IncidentState, options: ExportOptions): { shown: number; deleted: number } {
  const r = buildReport(state, options);
  return { shown: r.entries.length, deleted: r.deleted.length };
}

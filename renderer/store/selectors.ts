/**
 * Selectors for components. Those returning derived arrays memoize on the input object, so a
 * component using them re-renders only when that part of the state changed.
 */
import type { HelpRequest, IncidentState, IncidentSummary, Member, Task, TaskColumn, TimelineEntry } from '../../shared/model.ts';
import { TASK_COLUMNS, own } from '../../shared/model.ts';
import { nextUpdateDueAt } from '../../shared/reducer.ts';
import { helpTargets } from './helpRules.ts';
import type { WarRoomState } from './types.ts';

function memo<K extends object, V>(fn: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) {
      v = fn(k);
      cache.set(k, v);
    }
    return v;
  };
}

const EMPTY: never[] = [];

export const selectConnection = (s: WarRoomState) => s.connection;
/** Edits made here that the server has not confirmed yet. */
export const selectUnsyncedCount = (s: WarRoomState) => s.outbox.length;
export const selectView = (s: WarRoomState) => s.view;
export const selectTimeline = (s: WarRoomState): TimelineEntry[] => s.view?.timeline ?? EMPTY;
export const selectPrefs = (s: WarRoomState) => s.prefs;
export const selectMyId = (s: WarRoomState) => s.prefs.clientId;
export const selectNotices = (s: WarRoomState) => s.notices;
export const selectCanEdit = (s: WarRoomState) => s.incidentId !== null && s.access !== 'viewer';
/** True for a timeline entry (by its seq) that is still only on this device. */
export const isPendingSeq = (s: WarRoomState, seq: number) => seq > s.headSeq;

const sortIncidents = memo((incidents: Record<string, IncidentSummary>): IncidentSummary[] =>
  Object.values(incidents).sort((a, b) =>
    Number(a.status === 'resolved') - Number(b.status === 'resolved') || a.severity.localeCompare(b.severity) || b.startedAt - a.startedAt));
/** Open incidents first, then by severity, newest first. */
export const selectIncidentList = (s: WarRoomState) => sortIncidents(s.incidents);

const tasksByColumn = memo((tasks: Record<string, Task>): Record<TaskColumn, Task[]> => {
  const out = Object.fromEntries(TASK_COLUMNS.map((c) => [c, [] as Task[]])) as Record<TaskColumn, Task[]>;
  for (const t of Object.values(tasks)) if (t.deletedAt === null) out[t.column].push(t);
  for (const c of TASK_COLUMNS) out[c].sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id));
  return out;
});
const EMPTY_COLUMNS = Object.fromEntries(TASK_COLUMNS.map((c) => [c, EMPTY as Task[]])) as Record<TaskColumn, Task[]>;
/** Live tasks per column, ordered by rank. */
export const selectTasksByColumn = (s: WarRoomState) => (s.view ? tasksByColumn(s.view.tasks) : EMPTY_COLUMNS);

const deletedTasks = memo((tasks: Record<string, Task>) => Object.values(tasks).filter((t) => t.deletedAt !== null));
export const selectDeletedTasks = (s: WarRoomState) => (s.view ? deletedTasks(s.view.tasks) : EMPTY);

const members = memo((m: Record<string, Member>) => Object.values(m).sort((a, b) => a.name.localeCompare(b.name)));
export const selectMembers = (s: WarRoomState) => (s.view ? members(s.view.members) : EMPTY);

const openHelp = memo((help: Record<string, HelpRequest>) =>
  Object.values(help).filter((h) => h.status === 'open' || h.status === 'acknowledged').sort((a, b) => a.askedAt - b.askedAt));
/** Help requests still open or acknowledged, oldest first. */
export const selectOpenHelp = (s: WarRoomState) => (s.view ? openHelp(s.view.help) : EMPTY);

/** Open help requests that currently reach me (named, my skills, or escalated to everyone). */
export function selectHelpForMe(s: WarRoomState): HelpRequest[] {
  const me = s.prefs.clientId;
  return selectOpenHelp(s).filter((h) => h.status === 'open' && helpTargets(h, me, own(s.view?.members ?? {}, me)?.skills ?? s.prefs.skills));
}

/** Next stakeholder update: when it is due and whether it already is overdue at `now`. */
export function selectUpdateDue(s: WarRoomState, now: number): { dueAt: number | null; overdue: boolean; inMs: number | null } {
  return updateDue(s.view, now);
}

export function updateDue(view: IncidentState | null, now: number): { dueAt: number | null; overdue: boolean; inMs: number | null } {
  const dueAt = view ? nextUpdateDueAt(view) : null;
  return { dueAt, overdue: dueAt !== null && now >= dueAt, inMs: dueAt === null ? null : dueAt - now };
}

/** A rank strictly between two neighbours (null = column edge), for drag and drop and keyboard moves. */
export function rankBetween(before: number | null, after: number | null): number {
  if (before === null && after === null) return 1;
  if (before === null) return (after as number) - 1;
  if (after === null) return before + 1;
  return (before + after) / 2;
}

/** Who is connected now (presence) among the members. */
export const selectOnlineIds = (s: WarRoomState) => s.presence;

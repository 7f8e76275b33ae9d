/**
 * "Since you were away": what changed since this member last looked. Entries carry the seq that
 * created them, and status, role and help changes write system entries, so the timeline alone
 * answers most of it; tasks are compared by time because they carry no seq.
 */
import type { HelpRequest, IncidentState, Task, TimelineEntry } from '../../shared/model.ts';
import { helpTargets } from './helpRules.ts';
import type { LastSeen } from './types.ts';

export interface AwaySummary {
  sinceSeq: number;
  sinceAt: number;
  /** Notes, updates, decisions and actions written by others. */
  newEntries: TimelineEntry[];
  /** Status, severity, role, cadence and join changes (system entries) made by others. */
  changes: TimelineEntry[];
  /** Open tasks assigned to me since (compared with the ones I had then). */
  tasksForMe: Task[];
  /** Open help requests that reach me, whenever they were asked. */
  helpForMe: HelpRequest[];
  total: number;
}

const USER_KINDS = new Set(['note', 'update', 'decision', 'action']);

export function myOpenTasks(state: IncidentState, me: string): Task[] {
  return Object.values(state.tasks).filter((t) => t.assigneeId === me && t.deletedAt === null && t.column !== 'done');
}

/** What to remember when this member has looked at the incident. */
export function seenMark(state: IncidentState, me: string): LastSeen {
  return { seq: state.headSeq, at: state.updatedAt, myTaskIds: myOpenTasks(state, me).map((t) => t.id) };
}

/** Null when nothing changed or this member never looked before (their first visit shows everything anyway). */
export function summarizeSince(state: IncidentState, since: LastSeen | undefined, me: { id: string; skills: readonly string[] }): AwaySummary | null {
  if (!since || since.seq >= state.headSeq) return null;
  const newEntries: TimelineEntry[] = [];
  const changes: TimelineEntry[] = [];
  for (const e of state.timeline) {
    if (e.seq <= since.seq || e.deletedAt !== null) continue;
    if (USER_KINDS.has(e.kind)) {
      if (e.authorId !== me.id) newEntries.push(e);
    } else if (e.kind !== 'help' && e.authorId !== me.id) {
      changes.push(e);
    }
  }
  const known = since.myTaskIds ? new Set(since.myTaskIds) : null;
  const tasksForMe = myOpenTasks(state, me.id).filter((t) => (known ? !known.has(t.id) : t.updatedAt > since.at));
  const helpForMe = Object.values(state.help).filter((h) => h.status === 'open' && helpTargets(h, me.id, me.skills));
  const total = newEntries.length + changes.length + tasksForMe.length + helpForMe.length;
  return total === 0 ? null : { sinceSeq: since.seq, sinceAt: since.at, newEntries, changes, tasksForMe, helpForMe, total };
}

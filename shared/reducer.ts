/**
 * The one reducer: apply(state, committedOp) → result. Pure and deterministic: every time comes
 * from the op, so the server and every client compute the same state from the same log.
 * Semantic errors come back as refusals; nothing here throws on bad input.
 */
import { DEFAULT_CADENCE_MIN, MAX_ENTRY_HISTORY } from './constants.ts';
import { assertNever, refuse, type Refusal } from './errors.ts';
import type { EntryKind, HelpRequest, IncidentState, Member, Task, TimelineEntry } from './model.ts';
import type { CommittedOp, OpOf } from './ops.ts';

export type ApplyResult = { ok: true; state: IncidentState } | Refusal;

const ok = (state: IncidentState): ApplyResult => ({ ok: true, state });

/** When the op happened, never later than the server saw it (clamps clients whose clock runs ahead). */
export const opTime = (op: CommittedOp): number => Math.min(op.clientTime, op.serverTime);

const entryKeyLess = (a: TimelineEntry, b: TimelineEntry) =>
  a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.seq < b.seq);

/**
 * Whether the fold owns the timeline array and may change it in place. apply() never does (callers
 * keep their states); replay() copies the array once and then folds in place, so replaying a log is
 * linear instead of quadratic in its length.
 */
let owned = false;
/** While owned: the ids already in the timeline, so the duplicate check is O(1). */
let ownedIds: Set<string> | null = null;

function hasEntry(timeline: readonly TimelineEntry[], id: string): boolean {
  return ownedIds ? ownedIds.has(id) : findEntryIndex(timeline, id) >= 0;
}

/** Inserts keeping (occurredAt, seq) order; usually an append. */
function insertEntry(timeline: TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  let i = timeline.length;
  while (i > 0 && entryKeyLess(entry, timeline[i - 1]!)) i--;
  const next = owned ? timeline : timeline.slice();
  ownedIds?.add(entry.id);
  if (i === next.length) next.push(entry);
  else next.splice(i, 0, entry);
  return next;
}

export function findEntryIndex(timeline: readonly TimelineEntry[], id: string): number {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.id === id) return i;
  return -1;
}

function systemEntry(op: CommittedOp, kind: EntryKind, text: string, ref: string | null = null, n = 0): TimelineEntry {
  const at = opTime(op);
  return {
    id: `sys-${op.opId}-${n}`, seq: op.seq, kind, text, authorId: op.actorId, occurredAt: at, loggedAt: at,
    pinned: false, history: [], editedAt: null, editedBy: null, deletedAt: null, deletedBy: null, ref,
  };
}

const withEntry = (s: IncidentState, e: TimelineEntry): IncidentState => ({ ...s, timeline: insertEntry(s.timeline, e) });

export function memberName(state: IncidentState, id: string | null): string {
  if (!id) return 'nobody';
  return state.members[id]?.name ?? id;
}

export function cadenceMinutes(state: IncidentState): number {
  return state.cadenceMin ?? DEFAULT_CADENCE_MIN[state.severity];
}

/** When the next stakeholder update is due, or null once resolved. */
export function nextUpdateDueAt(state: IncidentState): number | null {
  if (state.status === 'resolved') return null;
  return (state.lastUpdateAt ?? state.startedAt) + cadenceMinutes(state) * 60_000;
}

function createIncident(op: OpOf<'incident.create'> & CommittedOp): IncidentState {
  const p = op.payload;
  const at = opTime(op);
  const state: IncidentState = {
    id: op.incidentId, title: p.title, severity: p.severity, status: 'investigating',
    summary: p.summary ?? '', impact: p.impact ?? '', createdBy: op.actorId,
    startedAt: p.startedAt ?? at, resolvedAt: null,
    roles: { commander: null, comms: null, scribe: null, ops: null },
    cadenceMin: null, lastUpdateAt: null, timeline: [], tasks: {}, members: {}, help: {},
    postmortem: { rootCause: '', whatWentWell: [], whatWentWrong: [], lessons: [] },
    headSeq: op.seq, updatedAt: op.serverTime,
  };
  const declared = systemEntry(op, 'status', `Incident declared (${p.severity}): ${p.title}`);
  return withEntry(state, { ...declared, occurredAt: state.startedAt });
}

function updateEntry(s: IncidentState, id: string, op: CommittedOp, change: (e: TimelineEntry) => TimelineEntry | Refusal, allowDeleted = false): ApplyResult {
  const i = findEntryIndex(s.timeline, id);
  if (i < 0) return refuse('ENTRY_NOT_FOUND', id);
  const current = s.timeline[i]!;
  if (current.deletedAt !== null && !allowDeleted) return refuse('ENTRY_DELETED', id);
  const next = change(current);
  if ('ok' in next) return next;
  const timeline = owned ? s.timeline : s.timeline.slice();
  timeline[i] = next;
  return ok({ ...s, timeline, updatedAt: op.serverTime });
}

function updateTask(s: IncidentState, id: string, change: (t: Task) => Task | Refusal, allowDeleted = false): ApplyResult {
  const current = s.tasks[id];
  if (!current) return refuse('TASK_NOT_FOUND', id);
  if (current.deletedAt !== null && !allowDeleted) return refuse('TASK_DELETED', id);
  const next = change(current);
  if ('ok' in next) return next;
  return ok({ ...s, tasks: { ...s.tasks, [id]: next } });
}

function updateHelp(s: IncidentState, id: string, change: (h: HelpRequest) => HelpRequest | Refusal): ApplyResult {
  const current = s.help[id];
  if (!current) return refuse('HELP_NOT_FOUND', id);
  if (current.status === 'resolved' || current.status === 'cancelled') return refuse('HELP_CLOSED', id);
  const next = change(current);
  if ('ok' in next) return next;
  return ok({ ...s, help: { ...s.help, [id]: next } });
}

const missingMember = (s: IncidentState, id: string | null | undefined): Refusal | null =>
  id && !s.members[id] ? refuse('MEMBER_NOT_FOUND', id) : null;

function applyToIncident(s: IncidentState, op: CommittedOp): ApplyResult {
  const at = opTime(op);
  switch (op.type) {
    case 'incident.create':
      return refuse('INCIDENT_EXISTS', op.incidentId);
    case 'incident.update': {
      const { cadenceMin, ...fields } = op.payload;
      let next: IncidentState = { ...s };
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
      if (cadenceMin !== undefined && cadenceMin !== s.cadenceMin) {
        next = withEntry({ ...next, cadenceMin },
          systemEntry(op, 'system', cadenceMin === null ? `Update cadence reset to the ${s.severity} default` : `Update cadence set to every ${cadenceMin} min`));
      }
      return ok(next);
    }
    case 'incident.status': {
      const { status, note } = op.payload;
      if (status === s.status) return refuse('INVALID_STATE', `status is already ${status}`);
      const text = `Status changed from ${s.status} to ${status}${note ? `: ${note}` : ''}`;
      const resolvedAt = status === 'resolved' ? at : null;
      return ok(withEntry({ ...s, status, resolvedAt }, systemEntry(op, 'status', text)));
    }
    case 'incident.severity': {
      const { severity, note } = op.payload;
      if (severity === s.severity) return refuse('INVALID_STATE', `severity is already ${severity}`);
      const text = `Severity changed from ${s.severity} to ${severity}${note ? `: ${note}` : ''}`;
      return ok(withEntry({ ...s, severity }, systemEntry(op, 'system', text)));
    }
    case 'incident.role': {
      const { role, memberId } = op.payload;
      const missing = missingMember(s, memberId);
      if (missing) return missing;
      const previous = s.roles[role];
      if (previous === memberId) return refuse('INVALID_STATE', `${memberName(s, memberId)} already holds ${role}`);
      let text: string;
      if (memberId === null) text = `${memberName(s, previous)} is no longer ${role}`;
      else if (role === 'commander' && previous) text = `Command handed over from ${memberName(s, previous)} to ${memberName(s, memberId)}`;
      else text = `${memberName(s, memberId)} is now ${role}`;
      return ok(withEntry({ ...s, roles: { ...s.roles, [role]: memberId } }, systemEntry(op, 'role', text, memberId)));
    }
    case 'timeline.add': {
      const p = op.payload;
      if (hasEntry(s.timeline, p.entryId)) return refuse('ALREADY_EXISTS', p.entryId);
      const entry: TimelineEntry = {
        id: p.entryId, seq: op.seq, kind: p.kind, text: p.text, authorId: op.actorId,
        occurredAt: p.occurredAt ?? at, loggedAt: at, pinned: false, history: [],
        editedAt: null, editedBy: null, deletedAt: null, deletedBy: null, ref: null,
      };
      const next = withEntry(s, entry);
      if (p.kind === 'update') next.lastUpdateAt = Math.max(s.lastUpdateAt ?? 0, entry.occurredAt);
      return ok(next);
    }
    case 'timeline.edit':
      return updateEntry(s, op.payload.entryId, op, (e) => {
        if (e.ref !== null || !(['note', 'update', 'decision', 'action'] as EntryKind[]).includes(e.kind)) return refuse('INVALID_STATE', 'system entries cannot be edited');
        if (e.text === op.payload.text) return refuse('INVALID_STATE', 'the text is unchanged');
        if (e.history.length >= MAX_ENTRY_HISTORY) return refuse('INVALID_STATE', `an entry keeps at most ${MAX_ENTRY_HISTORY} edits`);
        const previous = { text: e.text, at: e.editedAt ?? e.loggedAt, by: e.editedBy ?? e.authorId };
        return { ...e, text: op.payload.text, history: [...e.history, previous], editedAt: at, editedBy: op.actorId };
      });
    case 'timeline.delete':
      return updateEntry(s, op.payload.entryId, op, (e) => ({ ...e, deletedAt: at, deletedBy: op.actorId }));
    case 'timeline.restore':
      return updateEntry(s, op.payload.entryId, op, (e) =>
        e.deletedAt === null ? refuse('INVALID_STATE', 'the entry is not deleted') : { ...e, deletedAt: null, deletedBy: null }, true);
    case 'timeline.pin':
      return updateEntry(s, op.payload.entryId, op, (e) =>
        e.pinned === op.payload.pinned ? refuse('INVALID_STATE', op.payload.pinned ? 'already pinned' : 'not pinned') : { ...e, pinned: op.payload.pinned });
    case 'task.add': {
      const p = op.payload;
      if (s.tasks[p.taskId]) return refuse('ALREADY_EXISTS', p.taskId);
      const missing = missingMember(s, p.assigneeId);
      if (missing) return missing;
      const column = p.column ?? 'todo';
      const rank = p.rank ?? maxRank(s, column) + 1;
      const task: Task = {
        id: p.taskId, title: p.title, description: p.description ?? '', column, assigneeId: p.assigneeId ?? null, rank,
        followUp: p.followUp ?? false, dueAt: p.dueAt ?? null, createdAt: at, createdBy: op.actorId, updatedAt: at,
        doneAt: column === 'done' ? at : null, deletedAt: null,
      };
      return ok({ ...s, tasks: { ...s.tasks, [task.id]: task } });
    }
    case 'task.update': {
      const { taskId, ...fields } = op.payload;
      const missing = missingMember(s, fields.assigneeId);
      if (missing) return missing;
      return updateTask(s, taskId, (t) => {
        const next = { ...t, updatedAt: at };
        for (const [k, v] of Object.entries(fields)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
        return next;
      });
    }
    case 'task.move':
      return updateTask(s, op.payload.taskId, (t) => ({
        ...t, column: op.payload.column, rank: op.payload.rank, updatedAt: at,
        doneAt: op.payload.column === 'done' ? (t.column === 'done' ? t.doneAt : at) : null,
      }));
    case 'task.delete':
      return updateTask(s, op.payload.taskId, (t) => ({ ...t, deletedAt: at, updatedAt: at }));
    case 'task.restore':
      return updateTask(s, op.payload.taskId, (t) =>
        t.deletedAt === null ? refuse('INVALID_STATE', 'the task is not deleted') : { ...t, deletedAt: null, updatedAt: at }, true);
    case 'member.join': {
      const p = op.payload;
      const existing = s.members[op.actorId];
      const member: Member = {
        id: op.actorId, name: p.name, timeZone: p.timeZone,
        skills: p.skills ?? existing?.skills ?? [],
        workingHours: p.workingHours ?? existing?.workingHours ?? { start: '09:00', end: '17:00' },
        availability: p.availability ?? existing?.availability ?? 'available',
        joinedAt: existing?.joinedAt ?? at,
      };
      const next = { ...s, members: { ...s.members, [member.id]: member } };
      return ok(existing ? next : withEntry(next, systemEntry(op, 'system', `${member.name} joined (${member.timeZone})`, member.id)));
    }
    case 'member.update': {
      const existing = s.members[op.actorId];
      if (!existing) return refuse('MEMBER_NOT_FOUND', op.actorId);
      const next: Member = { ...existing };
      for (const [k, v] of Object.entries(op.payload)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
      return ok({ ...s, members: { ...s.members, [existing.id]: next } });
    }
    case 'help.ask': {
      const p = op.payload;
      if (s.help[p.helpId]) return refuse('ALREADY_EXISTS', p.helpId);
      for (const id of p.memberIds) {
        const missing = missingMember(s, id);
        if (missing) return missing;
      }
      const req: HelpRequest = {
        id: p.helpId, askedBy: op.actorId, askedAt: at, skills: p.skills, memberIds: p.memberIds, urgency: p.urgency,
        text: p.text, status: 'open', escalation: 0, ackBy: null, ackAt: null, closedBy: null, closedAt: null,
      };
      const who = [...p.skills.map((k) => `#${k}`), ...p.memberIds.map((id) => memberName(s, id))].join(', ');
      const text = `${memberName(s, op.actorId)} asked for help (${p.urgency}) from ${who}: ${p.text}`;
      return ok(withEntry({ ...s, help: { ...s.help, [req.id]: req } }, systemEntry(op, 'help', text, req.id)));
    }
    case 'help.ack': {
      const p = op.payload;
      const r = updateHelp(s, p.helpId, (h) => h.status === 'acknowledged' ? h : { ...h, status: 'acknowledged', ackBy: op.actorId, ackAt: at });
      if (!r.ok) return r;
      const first = s.help[p.helpId]!.status === 'open';
      const text = `${memberName(s, op.actorId)} ${first ? 'acknowledged' : 'is also on'} the help request${p.text ? `: ${p.text}` : ''}`;
      return ok(withEntry(r.state, systemEntry(op, 'help', text, p.helpId)));
    }
    case 'help.resolve':
    case 'help.cancel': {
      const p = op.payload;
      const status = op.type === 'help.resolve' ? 'resolved' : 'cancelled';
      const r = updateHelp(s, p.helpId, (h) => ({ ...h, status, closedBy: op.actorId, closedAt: at }));
      if (!r.ok) return r;
      const note = 'text' in p && p.text ? `: ${p.text}` : '';
      return ok(withEntry(r.state, systemEntry(op, 'help', `Help request ${status} by ${memberName(s, op.actorId)}${note}`, p.helpId)));
    }
    case 'help.escalate': {
      const p = op.payload;
      const r = updateHelp(s, p.helpId, (h) =>
        h.status !== 'open' || h.escalation >= p.level ? refuse('INVALID_STATE', 'already escalated or answered') : { ...h, escalation: p.level });
      if (!r.ok) return r;
      const h = s.help[p.helpId]!;
      const widened = p.level === 1 && h.skills.length > 0 ? `everyone with ${h.skills.map((k) => `#${k}`).join(', ')}` : 'everyone in the incident';
      return ok(withEntry(r.state, systemEntry(op, 'help', `Help request unanswered: escalated to ${widened}`, p.helpId)));
    }
    case 'postmortem.update': {
      const pm = { ...s.postmortem };
      for (const [k, v] of Object.entries(op.payload)) if (v !== undefined) (pm as unknown as Record<string, unknown>)[k] = v;
      return ok({ ...s, postmortem: pm });
    }
    default:
      return assertNever(op, 'op type');
  }
}

function maxRank(s: IncidentState, column: Task['column']): number {
  let max = 0;
  for (const t of Object.values(s.tasks)) if (t.column === column && t.rank > max) max = t.rank;
  return max;
}

/** Folds one committed op into the incident (null before its creation). */
export function apply(state: IncidentState | null, op: CommittedOp): ApplyResult {
  if (op.type === 'incident.create') {
    if (state) return refuse('INCIDENT_EXISTS', op.incidentId);
    return ok(createIncident(op));
  }
  if (!state) return refuse('INCIDENT_NOT_FOUND', op.incidentId);
  if (state.id !== op.incidentId) return refuse('INVALID_STATE', 'op belongs to another incident');
  const r = applyToIncident(state, op);
  if (!r.ok) return r;
  return ok({ ...r.state, headSeq: op.seq, updatedAt: op.serverTime });
}

/** Folds a whole log; stops at the first refusal and says which seq. */
export function replay(ops: readonly CommittedOp[], from: IncidentState | null = null): { ok: true; state: IncidentState | null } | (Refusal & { seq: number }) {
  let state = from && ops.length > 0 ? { ...from, timeline: from.timeline.slice() } : from;
  owned = true;
  ownedIds = new Set(state?.timeline.map((e) => e.id));
  try {
    for (const op of ops) {
      if (op.type === 'incident.create' && state === null) {
        // The created state's timeline is fresh, so it is ours to fold into.
        const r = apply(null, op);
        if (!r.ok) return { ...r, seq: op.seq };
        state = r.state;
        continue;
      }
      const r = apply(state, op);
      if (!r.ok) return { ...r, seq: op.seq };
      state = r.state;
    }
  } finally {
    owned = false;
    ownedIds = null;
  }
  return { ok: true, state };
}

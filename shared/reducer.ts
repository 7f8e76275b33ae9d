/**
 * The one reducer: apply(state, committedOp) → result. Pure and deterministic: every time comes
 * from the op, so the server and every client compute the same state from the same log.
 * Semantic errors come back as refusals; nothing here throws on bad input.
 */
import { DEFAULT_CADENCE_MIN, MAX_ENTRY_HISTORY } from './constants.ts';
import { assertNever, refuse, type Refusal } from './errors.ts';
import type { EntryKind, IncidentRole, IncidentState, KeyMoment, RoleSpan, Status, TimelineEntry } from './model.ts';
import type { CommittedOp, OpOf } from './ops.ts';
import {
  COPYING, findEntryIndex, hasEntry, memberName, missingMember, ok, opTime, replacedEntry, systemEntry, utcMinute, withEntries,
  withEntry, type ApplyResult, type Fold,
} from './reducerCore.ts';
import { applyAlert, applyHelp, applyMember, applyPostmortem, applyTask, closeOpenHelp } from './reducerItems.ts';

export { findEntryIndex, memberName, opTime, type ApplyResult };

type C<T extends CommittedOp['type']> = OpOf<T> & CommittedOp;

export function cadenceMinutes(state: IncidentState): number {
  return state.cadenceMin ?? DEFAULT_CADENCE_MIN[state.severity];
}

/** When the next stakeholder update is due (counted from the declaration, not a backdated start), or null once resolved. */
export function nextUpdateDueAt(state: IncidentState): number | null {
  if (state.status === 'resolved') return null;
  return (state.lastUpdateAt ?? state.declaredAt) + cadenceMinutes(state) * 60_000;
}

function createIncident(f: Fold, op: C<'incident.create'>): IncidentState {
  const p = op.payload;
  const at = opTime(op);
  const startedAt = p.startedAt ?? at;
  const state: IncidentState = {
    id: op.incidentId, title: p.title, severity: p.severity, status: 'investigating',
    summary: p.summary ?? '', impact: p.impact ?? '', customerImpact: '', services: p.services ?? [], links: [],
    createdBy: op.actorId, startedAt, detectedAt: p.detectedAt ?? null, declaredAt: at, acknowledgedAt: null,
    mitigatedAt: null, impactEndedAt: null, firstResolvedAt: null, resolvedAt: null,
    statusHistory: [{ status: 'investigating', at, by: op.actorId, seq: op.seq }],
    roles: { commander: null, comms: null, scribe: null, ops: null }, roleHistory: [], archivedAt: null,
    cadenceMin: null, lastUpdateAt: null, timeline: [], tasks: {}, members: {}, help: {},
    postmortem: {
      summary: '', trigger: '', rootCause: '', contributingFactors: [], detection: '', whatWentWell: [], whatWentWrong: [],
      whereWeGotLucky: [], lessons: [], customersAffected: null, requestsFailed: null, ordersLost: null, actionItems: [],
    },
    headSeq: op.seq, updatedAt: op.serverTime,
  };
  const rows: TimelineEntry[] = [systemEntry(op, 'status', `Incident declared (${p.severity}): ${p.title}`, { moment: 'declared' })];
  if (startedAt !== at) rows.push(systemEntry(op, 'system', `Impact started (recorded when the incident was declared)`, { n: 1, moment: 'impact-started', occurredAt: startedAt }));
  if (p.detectedAt !== undefined) rows.push(systemEntry(op, 'system', 'Detected (recorded when the incident was declared)', { n: 2, moment: 'detected', occurredAt: p.detectedAt }));
  return withEntries(f, state, rows);
}

function updateEntry(f: Fold, s: IncidentState, id: string, op: CommittedOp, change: (e: TimelineEntry) => TimelineEntry | Refusal, allowDeleted = false): ApplyResult {
  const i = findEntryIndex(s.timeline, id);
  if (i < 0) return refuse('ENTRY_NOT_FOUND', id);
  const current = s.timeline[i]!;
  if (current.deletedAt !== null && !allowDeleted) return refuse('ENTRY_DELETED', id);
  const next = change(current);
  if ('ok' in next) return next;
  return ok({ ...s, timeline: replacedEntry(f, s.timeline, i, next), updatedAt: op.serverTime });
}

const OVERVIEW_LABELS = { summary: 'Summary', impact: 'Impact', customerImpact: 'Customer impact', services: 'Affected services', links: 'Links' } as const;

function applyUpdate(f: Fold, s: IncidentState, op: C<'incident.update'>): ApplyResult {
  const { cadenceMin, title, ...overview } = op.payload;
  let next: IncidentState = { ...s };
  const rows: TimelineEntry[] = [];
  if (title !== undefined && title !== s.title) {
    next.title = title;
    rows.push(systemEntry(op, 'system', `Title changed to: ${title}`, { n: rows.length, ref: 'overview:title' }));
  }
  for (const key of Object.keys(OVERVIEW_LABELS) as (keyof typeof OVERVIEW_LABELS)[]) {
    const value = overview[key];
    if (value === undefined || JSON.stringify(value) === JSON.stringify(s[key])) continue;
    next = { ...next, [key]: value };
    let shown: string;
    if (typeof value === 'string') shown = value === '' ? '(cleared)' : value;
    else if (key === 'links') shown = (value as IncidentState['links']).map((l) => `${l.label || l.url} <${l.url}>`).join(', ') || '(none)';
    else shown = (value as string[]).join(', ') || '(none)';
    rows.push(systemEntry(op, 'system', `${OVERVIEW_LABELS[key]} updated: ${shown}`, { n: rows.length, ref: `overview:${key}` }));
  }
  if (cadenceMin !== undefined && cadenceMin !== s.cadenceMin) {
    next.cadenceMin = cadenceMin;
    rows.push(systemEntry(op, 'system', cadenceMin === null ? `Update cadence reset to the ${s.severity} default` : `Update cadence set to every ${cadenceMin} min`, { n: rows.length }));
  }
  return ok(withEntries(f, next, rows));
}

const TIME_LABELS = {
  startedAt: ['Impact start', 'impact-started'], detectedAt: ['Detection', 'detected'], acknowledgedAt: ['Acknowledgement', 'acknowledged'],
  mitigatedAt: ['Mitigation', 'mitigated'], impactEndedAt: ['End of impact', null],
} as const satisfies Record<string, readonly [string, KeyMoment | null]>;

function applyTimes(f: Fold, s: IncidentState, op: C<'incident.times'>): ApplyResult {
  const next: IncidentState = { ...s };
  const rows: TimelineEntry[] = [];
  for (const key of Object.keys(TIME_LABELS) as (keyof typeof TIME_LABELS)[]) {
    const value = op.payload[key];
    if (value === undefined || value === s[key]) continue;
    (next as Record<typeof key, number | null>)[key] = value;
    const [label, moment] = TIME_LABELS[key];
    rows.push(value === null
      ? systemEntry(op, 'system', `${label} time cleared`, { n: rows.length, ref: `time:${key}` })
      : systemEntry(op, 'system', `${label} time set to ${utcMinute(value)}`, { n: rows.length, ref: `time:${key}`, moment, occurredAt: value }));
  }
  if (rows.length === 0) return refuse('INVALID_STATE', 'those times are already set');
  return ok(withEntries(f, next, rows));
}

function applyStatus(f: Fold, s: IncidentState, op: C<'incident.status'>): ApplyResult {
  const { status, note } = op.payload;
  if (status === s.status) return refuse('INVALID_STATE', `status is already ${status}`);
  const at = opTime(op);
  const statusHistory = [...s.statusHistory, { status, at, by: op.actorId, seq: op.seq }];
  let next: IncidentState = { ...s, status, statusHistory };
  let moment: KeyMoment = 'status';
  let text = `Status changed from ${s.status} to ${status}${note ? `: ${note}` : ''}`;
  if (status === 'resolved') {
    moment = 'resolved';
    next = closeOpenHelp(f, { ...next, resolvedAt: at, firstResolvedAt: s.firstResolvedAt ?? at }, op, 1);
  } else {
    next.resolvedAt = null;
    if (s.status === 'resolved') {
      moment = 'reopened';
      text = `Incident reopened: status changed from resolved to ${status}${note ? `: ${note}` : ''}`;
    } else if (status === 'monitoring' && s.mitigatedAt === null) {
      moment = 'mitigated';
      next.mitigatedAt = at;
    }
  }
  return ok(withEntry(f, next, systemEntry(op, 'status', text, { moment })));
}

function roleHistoryAfter(history: readonly RoleSpan[], role: IncidentRole, memberId: string | null, at: number): RoleSpan[] {
  const next = history.map((r) => (r.role === role && r.to === null ? { ...r, to: at } : r));
  if (memberId !== null) next.push({ role, memberId, from: at, to: null });
  return next;
}

function applyRole(f: Fold, s: IncidentState, op: C<'incident.role'>): ApplyResult {
  const { role, memberId } = op.payload;
  const missing = missingMember(s, memberId);
  if (missing) return missing;
  const previous = s.roles[role];
  if (previous === memberId) return refuse('INVALID_STATE', `${memberName(s, memberId)} already holds ${role}`);
  const at = opTime(op);
  let text: string;
  let moment: KeyMoment | null = null;
  if (memberId === null) text = `${memberName(s, previous)} is no longer ${role}`;
  else if (role === 'commander' && previous) {
    text = `Command handed over from ${memberName(s, previous)} to ${memberName(s, memberId)}`;
    moment = 'handover';
  } else text = `${memberName(s, memberId)} is now ${role}`;
  const next: IncidentState = { ...s, roles: { ...s.roles, [role]: memberId }, roleHistory: roleHistoryAfter(s.roleHistory, role, memberId, at) };
  if (role === 'commander' && memberId !== null && s.acknowledgedAt === null) {
    next.acknowledgedAt = at;
    moment = 'acknowledged';
  }
  return ok(withEntry(f, next, systemEntry(op, 'role', text, { ref: memberId, moment })));
}

function applyTimeline(f: Fold, s: IncidentState, op: C<'timeline.add' | 'timeline.edit' | 'timeline.delete' | 'timeline.restore' | 'timeline.pin'>): ApplyResult {
  const at = opTime(op);
  switch (op.type) {
    case 'timeline.add': {
      const p = op.payload;
      if (hasEntry(f, s.timeline, p.entryId)) return refuse('ALREADY_EXISTS', p.entryId);
      const entry: TimelineEntry = {
        id: p.entryId, seq: op.seq, kind: p.kind, text: p.text, authorId: op.actorId,
        occurredAt: p.occurredAt ?? at, loggedAt: at, pinned: false, history: [],
        editedAt: null, editedBy: null, deletedAt: null, deletedBy: null, ref: null, moment: null, alert: null,
      };
      const next = withEntry(f, s, entry);
      if (p.kind === 'update') next.lastUpdateAt = Math.max(s.lastUpdateAt ?? 0, entry.occurredAt);
      return ok(next);
    }
    case 'timeline.edit':
      return updateEntry(f, s, op.payload.entryId, op, (e) => {
        if (e.ref !== null || !(['note', 'update', 'decision', 'action'] as EntryKind[]).includes(e.kind)) return refuse('INVALID_STATE', 'system entries cannot be edited');
        if (e.text === op.payload.text) return refuse('INVALID_STATE', 'the text is unchanged');
        if (e.history.length >= MAX_ENTRY_HISTORY) return refuse('INVALID_STATE', `an entry keeps at most ${MAX_ENTRY_HISTORY} edits`);
        const previous = { text: e.text, at: e.editedAt ?? e.loggedAt, by: e.editedBy ?? e.authorId };
        return { ...e, text: op.payload.text, history: [...e.history, previous], editedAt: at, editedBy: op.actorId };
      });
    case 'timeline.delete':
      return updateEntry(f, s, op.payload.entryId, op, (e) => ({ ...e, deletedAt: at, deletedBy: op.actorId }));
    case 'timeline.restore':
      return updateEntry(f, s, op.payload.entryId, op, (e) =>
        e.deletedAt === null ? refuse('INVALID_STATE', 'the entry is not deleted') : { ...e, deletedAt: null, deletedBy: null }, true);
    case 'timeline.pin':
      return updateEntry(f, s, op.payload.entryId, op, (e) =>
        e.pinned === op.payload.pinned ? refuse('INVALID_STATE', op.payload.pinned ? 'already pinned' : 'not pinned') : { ...e, pinned: op.payload.pinned });
  }
}

function applyToIncident(f: Fold, s: IncidentState, op: CommittedOp): ApplyResult {
  switch (op.type) {
    case 'incident.create':
      return refuse('INCIDENT_EXISTS', op.incidentId);
    case 'incident.update':
      return applyUpdate(f, s, op);
    case 'incident.times':
      return applyTimes(f, s, op);
    case 'incident.status':
      return applyStatus(f, s, op);
    case 'incident.severity': {
      const { severity, note } = op.payload;
      if (severity === s.severity) return refuse('INVALID_STATE', `severity is already ${severity}`);
      const text = `Severity changed from ${s.severity} to ${severity}${note ? `: ${note}` : ''}`;
      return ok(withEntry(f, { ...s, severity }, systemEntry(op, 'system', text, { moment: 'severity' })));
    }
    case 'incident.role':
      return applyRole(f, s, op);
    case 'incident.archive': {
      const archived = op.payload.archived;
      if (archived === (s.archivedAt !== null)) return refuse('INVALID_STATE', archived ? 'the incident is already archived' : 'the incident is not archived');
      const text = archived ? `Incident archived by ${memberName(s, op.actorId)}` : `Incident taken out of the archive by ${memberName(s, op.actorId)}`;
      return ok(withEntry(f, { ...s, archivedAt: archived ? opTime(op) : null }, systemEntry(op, 'system', text)));
    }
    case 'incident.reminder': {
      if (s.status === 'resolved') return refuse('INVALID_STATE', 'the incident is resolved');
      const last = s.lastUpdateAt === null ? 'none has been posted yet' : `the last was at ${utcMinute(s.lastUpdateAt)}`;
      const late = op.payload.late ? ' (late: the server was not running when it was due)' : '';
      const text = `Stakeholder update overdue: one was due at ${utcMinute(op.payload.dueAt)}; ${last}${late}`;
      return ok(withEntry(f, s, systemEntry(op, 'system', text, { ref: 'reminder:update' })));
    }
    case 'timeline.add':
    case 'timeline.edit':
    case 'timeline.delete':
    case 'timeline.restore':
    case 'timeline.pin':
      return applyTimeline(f, s, op);
    case 'task.add':
    case 'task.update':
    case 'task.move':
    case 'task.delete':
    case 'task.restore':
      return applyTask(s, op);
    case 'member.join':
    case 'member.update':
      return applyMember(f, s, op);
    case 'help.ask':
    case 'help.ack':
    case 'help.resolve':
    case 'help.cancel':
    case 'help.escalate':
      return applyHelp(f, s, op);
    case 'postmortem.update':
    case 'postmortem.action.add':
    case 'postmortem.action.update':
    case 'postmortem.action.delete':
    case 'postmortem.action.restore':
      return applyPostmortem(s, op);
    case 'alert.record':
      return applyAlert(f, s, op);
    default:
      return assertNever(op, 'op type');
  }
}

function applyWith(f: Fold, state: IncidentState | null, op: CommittedOp): ApplyResult {
  if (op.type === 'incident.create') {
    if (state) return refuse('INCIDENT_EXISTS', op.incidentId);
    return ok(createIncident(f, op));
  }
  if (!state) return refuse('INCIDENT_NOT_FOUND', op.incidentId);
  if (state.id !== op.incidentId) return refuse('INVALID_STATE', 'op belongs to another incident');
  const r = applyToIncident(f, state, op);
  if (!r.ok) return r;
  return ok({ ...r.state, headSeq: op.seq, updatedAt: op.serverTime });
}

/** Folds one committed op into the incident (null before its creation); the input state is never changed. */
export function apply(state: IncidentState | null, op: CommittedOp): ApplyResult {
  return applyWith(COPYING, state, op);
}

/** Folds a whole log; stops at the first refusal and says which seq. The input state is never changed. */
export function replay(ops: readonly CommittedOp[], from: IncidentState | null = null): { ok: true; state: IncidentState | null } | (Refusal & { seq: number }) {
  // One batch: one timeline copy, then in place, with the id index the state's timeline already has
  // (a catch-up of 100 ops onto a 100k-entry state no longer builds a Set of every id first).
  const batch = foldBatch(from);
  for (const op of ops) {
    const r = batch.apply(op);
    if (!r.ok) return { ...r, seq: op.seq };
  }
  return { ok: true, state: batch.state };
}

/**
 * A batch fold for a caller that needs each op's result before the next and keeps only the end
 * (the server's group commit, a catch-up page). Ops fold like apply() until one returns a fresh
 * timeline array (its one right-sized copy, which nobody else holds); from then on they fold in
 * place into that array, paying only for what they touch (the id index carries over). So a batch
 * costs one timeline copy (plus the growth of that array), not one per op. The input state is
 * never changed: discarding the batch (a failed store append) is dropping this object. A refused
 * op changes nothing even in place: every reducer path refuses before it writes.
 */
export function foldBatch(from: IncidentState | null) {
  let state = from;
  let fold: Fold = from === null ? { owned: true, ids: null } : COPYING;
  return {
    get state(): IncidentState | null {
      return state;
    },
    apply(op: CommittedOp): ApplyResult {
      const r = applyWith(fold, state, op);
      if (!r.ok) return r;
      if (fold === COPYING && r.state.timeline !== from?.timeline) fold = { owned: true, ids: null };
      state = r.state;
      return r;
    },
  };
}

/** The status an incident had at a moment (for durations in exports). */
export function statusAt(state: IncidentState, at: number): Status {
  let status: Status = 'investigating';
  for (const c of state.statusHistory) if (c.at <= at) status = c.status;
  return status;
}


/** The reducer's keyed collections: tasks, members, help requests, postmortem action items, alerts. */
import { refuse, type Refusal } from './errors.ts';
import {
  own, withKey, type ActionItem, type HelpRequest, type IncidentState, type Member, type Task, type TimelineEntry,
} from './model.ts';
import type { CommittedOp, OpOf } from './ops.ts';
import {
  assignDefined, clip, hasEntry, memberName, missingMember, ok, opTime, systemEntry, withEntry, type ApplyResult, type Fold,
} from './reducerCore.ts';

type C<T extends CommittedOp['type']> = OpOf<T> & CommittedOp;

function updateTask(s: IncidentState, id: string, change: (t: Task) => Task | Refusal, allowDeleted = false): ApplyResult {
  const current = own(s.tasks, id);
  if (!current) return refuse('TASK_NOT_FOUND', id);
  if (current.deletedAt !== null && !allowDeleted) return refuse('TASK_DELETED', id);
  const next = change(current);
  if ('ok' in next) return next;
  return ok({ ...s, tasks: withKey(s.tasks, id, next) });
}

export function updateHelp(s: IncidentState, id: string, change: (h: HelpRequest) => HelpRequest | Refusal): ApplyResult {
  const current = own(s.help, id);
  if (!current) return refuse('HELP_NOT_FOUND', id);
  if (current.status === 'resolved' || current.status === 'cancelled') return refuse('HELP_CLOSED', id);
  const next = change(current);
  if ('ok' in next) return next;
  return ok({ ...s, help: withKey(s.help, id, next) });
}

function maxRank(s: IncidentState, column: Task['column']): number {
  let max = 0;
  for (const t of Object.values(s.tasks)) if (t.column === column && t.rank > max) max = t.rank;
  return max;
}

export function applyTask(s: IncidentState, op: C<'task.add' | 'task.update' | 'task.move' | 'task.delete' | 'task.restore'>): ApplyResult {
  const at = opTime(op);
  switch (op.type) {
    case 'task.add': {
      const p = op.payload;
      if (own(s.tasks, p.taskId)) return refuse('ALREADY_EXISTS', p.taskId);
      const missing = missingMember(s, p.assigneeId);
      if (missing) return missing;
      const column = p.column ?? 'todo';
      const task: Task = {
        id: p.taskId, title: p.title, description: p.description ?? '', column, assigneeId: p.assigneeId ?? null,
        rank: p.rank ?? maxRank(s, column) + 1, followUp: p.followUp ?? false, dueAt: p.dueAt ?? null, createdAt: at,
        createdBy: op.actorId, updatedAt: at, doneAt: column === 'done' ? at : null, deletedAt: null,
      };
      return ok({ ...s, tasks: withKey(s.tasks, task.id, task) });
    }
    case 'task.update': {
      const { taskId, ...fields } = op.payload;
      const missing = missingMember(s, fields.assigneeId);
      if (missing) return missing;
      return updateTask(s, taskId, (t) => assignDefined({ ...t, updatedAt: at }, fields));
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
  }
}

export function applyMember(f: Fold, s: IncidentState, op: C<'member.join' | 'member.update'>): ApplyResult {
  const at = opTime(op);
  const existing = own(s.members, op.actorId);
  if (op.type === 'member.update') {
    if (!existing) return refuse('MEMBER_NOT_FOUND', op.actorId);
    return ok({ ...s, members: withKey(s.members, existing.id, assignDefined({ ...existing }, op.payload)) });
  }
  const p = op.payload;
  const member: Member = {
    id: op.actorId, name: p.name, timeZone: p.timeZone,
    skills: p.skills ?? existing?.skills ?? [],
    workingHours: p.workingHours ?? existing?.workingHours ?? { start: '09:00', end: '17:00' },
    availability: p.availability ?? existing?.availability ?? 'available',
    joinedAt: existing?.joinedAt ?? at,
  };
  const next = { ...s, members: withKey(s.members, member.id, member) };
  return ok(existing ? next : withEntry(f, next, systemEntry(op, 'system', `${member.name} joined (${member.timeZone})`, { ref: member.id })));
}

export function applyHelp(f: Fold, s: IncidentState, op: C<'help.ask' | 'help.ack' | 'help.resolve' | 'help.cancel' | 'help.escalate'>): ApplyResult {
  const at = opTime(op);
  switch (op.type) {
    case 'help.ask': {
      const p = op.payload;
      if (own(s.help, p.helpId)) return refuse('ALREADY_EXISTS', p.helpId);
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
      return ok(withEntry(f, { ...s, help: withKey(s.help, req.id, req) }, systemEntry(op, 'help', text, { ref: req.id })));
    }
    case 'help.ack': {
      const p = op.payload;
      const r = updateHelp(s, p.helpId, (h) => h.status === 'acknowledged' ? h : { ...h, status: 'acknowledged', ackBy: op.actorId, ackAt: at });
      if (!r.ok) return r;
      const first = own(s.help, p.helpId)!.status === 'open';
      const text = `${memberName(s, op.actorId)} ${first ? 'acknowledged' : 'is also on'} the help request${p.text ? `: ${p.text}` : ''}`;
      return ok(withEntry(f, r.state, systemEntry(op, 'help', text, { ref: p.helpId })));
    }
    case 'help.resolve':
    case 'help.cancel': {
      const p = op.payload;
      const status = op.type === 'help.resolve' ? 'resolved' : 'cancelled';
      const r = updateHelp(s, p.helpId, (h) => ({ ...h, status, closedBy: op.actorId, closedAt: at }));
      if (!r.ok) return r;
      const note = 'text' in p && p.text ? `: ${p.text}` : '';
      return ok(withEntry(f, r.state, systemEntry(op, 'help', `Help request ${status} by ${memberName(s, op.actorId)}${note}`, { ref: p.helpId })));
    }
    case 'help.escalate': {
      const p = op.payload;
      const r = updateHelp(s, p.helpId, (h) =>
        h.status !== 'open' || h.escalation >= p.level ? refuse('INVALID_STATE', 'already escalated or answered') : { ...h, escalation: p.level });
      if (!r.ok) return r;
      const h = own(s.help, p.helpId)!;
      const widened = p.level === 1 && h.skills.length > 0 ? `everyone with ${h.skills.map((k) => `#${k}`).join(', ')}` : 'everyone in the incident';
      const late = p.late ? ' (late: the server was not running when it was due)' : '';
      return ok(withEntry(f, r.state, systemEntry(op, 'help', `Help request unanswered: escalated to ${widened}${late}`, { ref: p.helpId })));
    }
  }
}

/** Resolving the incident closes every open help request, each with its own row. */
export function closeOpenHelp(f: Fold, s: IncidentState, op: CommittedOp, firstN: number): IncidentState {
  const at = opTime(op);
  let next = s;
  let n = firstN;
  for (const h of Object.values(s.help)) {
    if (h.status !== 'open' && h.status !== 'acknowledged') continue;
    const closed: HelpRequest = { ...h, status: 'cancelled', closedBy: op.actorId, closedAt: at };
    next = withEntry(f, { ...next, help: withKey(next.help, h.id, closed) },
      systemEntry(op, 'help', 'Help request closed: the incident was resolved', { ref: h.id, n: n++ }));
  }
  return next;
}

function updateAction(s: IncidentState, id: string, change: (a: ActionItem) => ActionItem | Refusal, allowDeleted = false): ApplyResult {
  const items = s.postmortem.actionItems;
  const i = items.findIndex((a) => a.id === id);
  if (i < 0) return refuse('ACTION_NOT_FOUND', id);
  if (items[i]!.deletedAt !== null && !allowDeleted) return refuse('INVALID_STATE', 'the action item was deleted; restore it first');
  const next = change(items[i]!);
  if ('ok' in next) return next;
  const actionItems = items.slice();
  actionItems[i] = next;
  return ok({ ...s, postmortem: { ...s.postmortem, actionItems } });
}

export function applyPostmortem(s: IncidentState, op: C<'postmortem.update' | 'postmortem.action.add' | 'postmortem.action.update' | 'postmortem.action.delete' | 'postmortem.action.restore'>): ApplyResult {
  const at = opTime(op);
  switch (op.type) {
    case 'postmortem.update':
      return ok({ ...s, postmortem: assignDefined({ ...s.postmortem }, op.payload) });
    case 'postmortem.action.add': {
      const p = op.payload;
      if (s.postmortem.actionItems.some((a) => a.id === p.actionId)) return refuse('ALREADY_EXISTS', p.actionId);
      const missing = missingMember(s, p.ownerId);
      if (missing) return missing;
      const item: ActionItem = {
        id: p.actionId, title: p.title, description: p.description ?? '', ownerId: p.ownerId ?? null, priority: p.priority,
        type: p.type, dueAt: p.dueAt ?? null, ticketUrl: p.ticketUrl ?? '', status: 'open', createdAt: at, createdBy: op.actorId,
        updatedAt: at, deletedAt: null,
      };
      return ok({ ...s, postmortem: { ...s.postmortem, actionItems: [...s.postmortem.actionItems, item] } });
    }
    case 'postmortem.action.update': {
      const { actionId, ...fields } = op.payload;
      const missing = missingMember(s, fields.ownerId);
      if (missing) return missing;
      return updateAction(s, actionId, (a) => assignDefined({ ...a, updatedAt: at }, fields));
    }
    case 'postmortem.action.delete':
      return updateAction(s, op.payload.actionId, (a) => ({ ...a, deletedAt: at, updatedAt: at }));
    case 'postmortem.action.restore':
      return updateAction(s, op.payload.actionId, (a) =>
        a.deletedAt === null ? refuse('INVALID_STATE', 'the action item is not deleted') : { ...a, deletedAt: null, updatedAt: at }, true);
  }
}

export function applyAlert(f: Fold, s: IncidentState, op: C<'alert.record'>): ApplyResult {
  const p = op.payload;
  if (hasEntry(f, s.timeline, p.entryId)) return refuse('ALREADY_EXISTS', p.entryId);
  const at = opTime(op);
  // Monitoring's clock may run ahead of ours: an alert never sorts after the moment it reached us.
  const happened = Math.min(p.status === 'firing' ? p.startsAt : (p.endsAt ?? at), op.serverTime);
  const head = p.status === 'firing' ? 'Alert firing' : 'Alert resolved';
  const entry: TimelineEntry = {
    id: p.entryId, seq: op.seq, kind: 'alert', text: clip(`${head}: ${p.name}${p.summary ? ` — ${p.summary}` : ''}`),
    authorId: op.actorId, occurredAt: happened, loggedAt: at, pinned: false, history: [], editedAt: null, editedBy: null,
    deletedAt: null, deletedBy: null, ref: p.fingerprint, moment: null,
    alert: {
      source: p.source, status: p.status, name: p.name, fingerprint: p.fingerprint, labels: p.labels, summary: p.summary,
      description: p.description, startsAt: p.startsAt, endsAt: p.endsAt, generatorUrl: p.generatorUrl,
    },
  };
  return ok(withEntry(f, s, entry));
}

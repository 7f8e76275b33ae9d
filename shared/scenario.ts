/**
 * Turns a scenario (a realistic incident written as plain events, see test/fixtures/) into the
 * committed op log our reducer folds. Deterministic: same file, same ops, same ids.
 */
import { z } from 'zod';
import type { CommittedOp, Op } from './ops.ts';
import { ROLES, SEVERITIES, STATUSES, TASK_COLUMNS, URGENCIES } from './model.ts';

const iso = z.iso.datetime().transform((s) => Date.parse(s));
const person = z.object({
  id: z.string(), name: z.string(), timeZone: z.string(), skills: z.array(z.string()),
  workingHours: z.tuple([z.string(), z.string()]),
});
const event = z.object({
  at: iso, loggedAt: iso.optional(), by: z.string(), type: z.string(),
}).catchall(z.unknown());

export const scenarioSchema = z.object({
  incident: z.object({ title: z.string(), severity: z.enum(SEVERITIES), summary: z.string(), impact: z.string(), startedAt: iso }),
  people: z.array(person),
  events: z.array(event),
});
export type Scenario = z.input<typeof scenarioSchema>;
export type ScenarioPerson = z.infer<typeof person>;

/** A UUID-shaped id from a counter, so golden files stay stable. */
export function fixedUuid(n: number, prefix = 0): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
}

export interface LoadedScenario {
  incidentId: string;
  people: ScenarioPerson[];
  ops: CommittedOp[];
}

type Draft = { [K in Op['type']]: { type: K; payload: Extract<Op, { type: K }>['payload'] } }[Op['type']];

export function loadScenario(input: unknown, incidentId = 'black-friday'): LoadedScenario {
  const sc = scenarioSchema.parse(input);
  const ops: CommittedOp[] = [];
  const entryOfEvent = new Map<number, string>();
  const maxRank: Record<string, number> = {};
  const push = (d: Draft, by: string, at: number, loggedAt = at): CommittedOp => {
    const seq = ops.length + 1;
    const op = { ...d, opId: fixedUuid(seq), incidentId, actorId: by, clientTime: loggedAt, seq, serverTime: loggedAt } as CommittedOp;
    ops.push(op);
    return op;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const strs = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const declare = sc.events.find((e) => e.type === 'declare');
  const founder = declare?.by ?? sc.people[0]?.id ?? 'lead';
  const start = sc.incident.startedAt;
  push({ type: 'incident.create', payload: { title: sc.incident.title, severity: sc.incident.severity, summary: sc.incident.summary, impact: sc.incident.impact, startedAt: start } }, founder, start);
  for (const p of sc.people) {
    push({ type: 'member.join', payload: { name: p.name, timeZone: p.timeZone, skills: p.skills, workingHours: { start: p.workingHours[0], end: p.workingHours[1] } } }, p.id, start);
  }
  sc.events.forEach((e, index) => {
    const logged = e.loggedAt ?? e.at;
    const ref = (k = 'ref') => entryOfEvent.get(Number(e[k])) ?? `missing-${String(e[k])}`;
    const addEntry = (kind: 'note' | 'update' | 'decision' | 'action', text: string) => {
      const entryId = `ev-${index}`;
      entryOfEvent.set(index, entryId);
      push({ type: 'timeline.add', payload: { entryId, kind, text, occurredAt: e.at } }, e.by, e.at, logged);
    };
    const rank = (column: string) => (maxRank[column] = (maxRank[column] ?? 0) + 1);
    switch (e.type) {
      case 'declare': addEntry('note', str(e.text)); break;
      case 'note': case 'update': case 'decision': case 'action': addEntry(e.type, str(e.text)); break;
      case 'role': {
        const op = push({ type: 'incident.role', payload: { role: z.enum(ROLES).parse(e.role), memberId: str(e.to) } }, e.by, e.at, logged);
        entryOfEvent.set(index, `sys-${op.opId}-0`);
        break;
      }
      case 'status': {
        const op = push({ type: 'incident.status', payload: { status: z.enum(STATUSES).parse(e.status), ...(e.note ? { note: str(e.note) } : {}) } }, e.by, e.at, logged);
        entryOfEvent.set(index, `sys-${op.opId}-0`);
        break;
      }
      case 'severity': {
        const op = push({ type: 'incident.severity', payload: { severity: z.enum(SEVERITIES).parse(e.severity) } }, e.by, e.at, logged);
        entryOfEvent.set(index, `sys-${op.opId}-0`);
        break;
      }
      case 'task': {
        const column = z.enum(TASK_COLUMNS).parse(e.column ?? 'todo');
        push({ type: 'task.add', payload: {
          taskId: str(e.id), title: str(e.title), column, rank: rank(column), assigneeId: e.assignee ? str(e.assignee) : null,
          followUp: e.followUp === true, dueAt: e.due ? Date.parse(str(e.due)) : null,
        } }, e.by, e.at, logged);
        break;
      }
      case 'task-move': {
        const column = z.enum(TASK_COLUMNS).parse(e.column);
        push({ type: 'task.move', payload: { taskId: str(e.id), column, rank: rank(column) } }, e.by, e.at, logged);
        break;
      }
      case 'help-ask': {
        const op = push({ type: 'help.ask', payload: { helpId: str(e.id), skills: strs(e.skills), memberIds: strs(e.members), urgency: z.enum(URGENCIES).parse(e.urgency ?? 'now'), text: str(e.text) } }, e.by, e.at, logged);
        entryOfEvent.set(index, `sys-${op.opId}-0`);
        break;
      }
      case 'help-ack': push({ type: 'help.ack', payload: { helpId: str(e.id), ...(e.text ? { text: str(e.text) } : {}) } }, e.by, e.at, logged); break;
      case 'help-resolve': push({ type: 'help.resolve', payload: { helpId: str(e.id) } }, e.by, e.at, logged); break;
      case 'edit': push({ type: 'timeline.edit', payload: { entryId: ref(), text: str(e.text) } }, e.by, e.at, logged); break;
      case 'delete': push({ type: 'timeline.delete', payload: { entryId: ref() } }, e.by, e.at, logged); break;
      case 'restore': push({ type: 'timeline.restore', payload: { entryId: ref() } }, e.by, e.at, logged); break;
      case 'pin': push({ type: 'timeline.pin', payload: { entryId: ref(), pinned: true } }, e.by, e.at, logged); break;
      case 'postmortem': push({ type: 'postmortem.update', payload: {
        ...(e.rootCause ? { rootCause: str(e.rootCause) } : {}), whatWentWell: strs(e.whatWentWell), whatWentWrong: strs(e.whatWentWrong), lessons: strs(e.lessons),
      } }, e.by, e.at, logged); break;
      default: throw new Error(`Unknown scenario event type "${e.type}" at index ${index}`);
    }
  });
  return { incidentId, people: sc.people, ops };
}

/** The same ops as a client would submit them (no seq, no server time). */
export function toSubmittable(op: CommittedOp): Op {
  const { seq: _seq, serverTime: _t, ...rest } = op;
  return rest as Op;
}

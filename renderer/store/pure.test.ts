import { describe, expect, it } from 'vitest';
import type { HelpRequest, IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { replay } from '../../shared/reducer.ts';
import { fixedUuid } from '../../shared/scenario.ts';
import { seenMark, summarizeSince } from './awaySummary.ts';
import { helpTargets } from './helpRules.ts';
import { rankBetween, selectTasksByColumn, updateDue } from './selectors.ts';
import type { WarRoomState } from './types.ts';
import { computeView } from './view.ts';

const T0 = Date.UTC(2026, 10, 27, 8, 0);
let n = 0;
type Draft = { [K in Op['type']]: { type: K; payload: Extract<Op, { type: K }>['payload'] } }[Op['type']];
function ops(...items: Array<[string, Draft, number?]>): CommittedOp[] {
  return items.map(([actorId, d, at], i) => ({ ...d, opId: fixedUuid(++n), incidentId: 'inc', actorId, clientTime: at ?? T0 + i * 1000, seq: i + 1, serverTime: at ?? T0 + i * 1000 }) as CommittedOp);
}
const fold = (log: CommittedOp[]) => {
  const r = replay(log);
  if (!r.ok || !r.state) throw new Error('replay failed');
  return r.state;
};
const base = ops(
  ['ana', { type: 'incident.create', payload: { title: 'DB down', severity: 'SEV2' } }],
  ['ana', { type: 'member.join', payload: { name: 'Ana', timeZone: 'UTC', skills: ['db'] } }],
  ['bo', { type: 'member.join', payload: { name: 'Bo', timeZone: 'Asia/Tokyo', skills: ['network'] } }],
);

describe('helpTargets', () => {
  const h = (over: Partial<HelpRequest>): HelpRequest => ({
    id: 'h', askedBy: 'ana', askedAt: T0, skills: [], memberIds: [], urgency: 'now', text: 't', status: 'open', escalation: 0,
    ackBy: null, ackAt: null, closedBy: null, closedAt: null, ...over,
  });
  it.each([
    ['named member', h({ memberIds: ['bo'] }), 'bo', [], true],
    ['skill match (any case)', h({ skills: ['Network'] }), 'bo', ['network'], true],
    ['other skill', h({ skills: ['db'] }), 'bo', ['network'], false],
    ['escalated to everyone', h({ skills: ['db'], escalation: 2 }), 'bo', [], true],
    ['no skills, level 1 = everyone', h({ memberIds: ['cy'], escalation: 1 }), 'bo', [], true],
    ['never the asker', h({ memberIds: ['ana'], escalation: 2 }), 'ana', [], false],
  ] as const)('%s', (_name, req, me, skills, expected) => {
    expect(helpTargets(req, me, skills)).toBe(expected);
  });
});

describe('summarizeSince', () => {
  const later = ops(
    ...base.map((o) => [o.actorId, { type: o.type, payload: o.payload } as Draft] as [string, Draft]),
    ['ana', { type: 'timeline.add', payload: { entryId: 'e1', kind: 'note', text: 'Replica lag 30s' } }],
    ['bo', { type: 'timeline.add', payload: { entryId: 'e2', kind: 'note', text: 'my own note' } }],
    ['ana', { type: 'incident.status', payload: { status: 'identified' } }],
    ['ana', { type: 'task.add', payload: { taskId: 't1', title: 'Check BGP', assigneeId: 'bo' } }],
    ['ana', { type: 'help.ask', payload: { helpId: 'h1', skills: ['network'], memberIds: [], urgency: 'now', text: 'routes?' } }],
  );
  const before = fold(later.slice(0, 3));
  const now = fold(later);
  it('lists what others did since my last look', () => {
    const s = summarizeSince(now, seenMark(before, 'bo'), { id: 'bo', skills: ['network'] })!;
    expect(s.newEntries.map((e) => e.id)).toEqual(['e1']);
    expect(s.changes.map((e) => e.kind)).toEqual(['status']);
    expect(s.tasksForMe.map((t) => t.id)).toEqual(['t1']);
    expect(s.helpForMe.map((h) => h.id)).toEqual(['h1']);
    expect(s.total).toBe(4);
  });
  it('is null on a first visit or when nothing changed', () => {
    expect(summarizeSince(now, undefined, { id: 'bo', skills: [] })).toBeNull();
    expect(summarizeSince(now, seenMark(now, 'bo'), { id: 'bo', skills: [] })).toBeNull();
  });
});

describe('computeView', () => {
  const committed = fold(base);
  it('is the committed object itself when nothing is pending', () => {
    expect(computeView(committed, committed.headSeq, [])).toBe(committed);
  });
  it('applies pending ops with provisional seqs and skips ones that no longer apply', () => {
    const pending: Op[] = [
      { opId: fixedUuid(900), incidentId: 'inc', actorId: 'bo', clientTime: T0, type: 'timeline.edit', payload: { entryId: 'gone', text: 'x' } },
      { opId: fixedUuid(901), incidentId: 'inc', actorId: 'bo', clientTime: T0, type: 'timeline.add', payload: { entryId: 'p1', kind: 'note', text: 'pending' } },
    ];
    const view = computeView(committed, committed.headSeq, pending)!;
    expect(view.timeline.find((e) => e.id === 'p1')?.seq).toBe(committed.headSeq + 2);
    expect(committed.timeline.some((e) => e.id === 'p1')).toBe(false);
  });
});

describe('selectors', () => {
  it('rankBetween puts a task between its neighbours', () => {
    expect(rankBetween(null, null)).toBe(1);
    expect(rankBetween(null, 3)).toBe(2);
    expect(rankBetween(3, null)).toBe(4);
    expect(rankBetween(1, 2)).toBe(1.5);
  });
  it('tasks by column are ordered by rank and memoized on the tasks object', () => {
    const st = fold(base);
    const view: IncidentState = { ...st, tasks: {
      a: { ...task('a'), rank: 2 }, b: { ...task('b'), rank: 1 }, c: { ...task('c'), column: 'done' }, d: { ...task('d'), deletedAt: T0 },
    } };
    const s = { view } as WarRoomState;
    const cols = selectTasksByColumn(s);
    expect(cols.todo.map((t) => t.id)).toEqual(['b', 'a']);
    expect(cols.done.map((t) => t.id)).toEqual(['c']);
    expect(selectTasksByColumn({ view: { ...view } } as WarRoomState)).toBe(cols);
  });
  it('update due follows the cadence and clears when resolved', () => {
    const st = fold(base);
    expect(updateDue(st, T0 + 29 * 60_000)).toMatchObject({ dueAt: T0 + 30 * 60_000, overdue: false });
    expect(updateDue(st, T0 + 31 * 60_000).overdue).toBe(true);
    expect(updateDue({ ...st, status: 'resolved' }, T0).dueAt).toBeNull();
  });
});

function task(id: string) {
  return { id, title: id, description: '', column: 'todo' as const, assigneeId: null, rank: 1, followUp: false, dueAt: null,
    createdAt: T0, createdBy: 'ana', updatedAt: T0, doneAt: null, deletedAt: null };
}

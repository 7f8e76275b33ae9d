import { describe, expect, it } from 'vitest';
import { apply, nextUpdateDueAt, replay } from './reducer.ts';
import { stateHash } from './hash.ts';
import { logFor, T0 } from './testkit.ts';
import type { IncidentState } from './model.ts';
import type { CommittedOp } from './ops.ts';

function base() {
  const log = logFor();
  log.add('incident.create', { title: 'DB down', severity: 'SEV2' });
  log.add('member.join', { name: 'Alice', timeZone: 'Europe/Paris', skills: ['db'] });
  log.add('member.join', { name: 'Bob', timeZone: 'America/Los_Angeles' }, 'bob');
  return log;
}

function fold(ops: CommittedOp[]): IncidentState {
  const r = replay(ops);
  if (!r.ok) throw new Error(`${r.code} at ${r.seq}: ${r.message}`);
  return r.state!;
}

describe('reducer', () => {
  it('the same log always gives the same state', () => {
    const log = base();
    log.add('timeline.add', { entryId: 'e1', kind: 'note', text: 'disk full' });
    log.add('task.add', { taskId: 't1', title: 'free space', assigneeId: 'bob' });
    log.add('incident.status', { status: 'identified' });
    const a = fold(log.ops);
    const b = fold(structuredClone(log.ops));
    expect(stateHash(a)).toBe(stateHash(b));
    expect(a).toEqual(b);
  });

  it('does not mutate the state it is given', () => {
    const log = base();
    const before = fold(log.ops);
    const frozen = structuredClone(before);
    const op = log.add('timeline.add', { entryId: 'e1', kind: 'note', text: 'x' });
    apply(before, op);
    expect(before).toEqual(frozen);
  });

  it('soft delete then restore gives back the entry', () => {
    const log = base();
    log.add('timeline.add', { entryId: 'e1', kind: 'decision', text: 'fail over' });
    const original = fold(log.ops).timeline.find((e) => e.id === 'e1');
    log.add('timeline.delete', { entryId: 'e1' });
    const deleted = fold(log.ops).timeline.find((e) => e.id === 'e1');
    expect(deleted?.deletedAt).not.toBeNull();
    expect(deleted?.text).toBe('fail over');
    log.add('timeline.restore', { entryId: 'e1' });
    expect(fold(log.ops).timeline.find((e) => e.id === 'e1')).toEqual(original);
  });

  it('concurrent field edits resolve by seq (last writer wins, nothing lost from the timeline)', () => {
    const log = base();
    log.add('task.add', { taskId: 't1', title: 'first' });
    log.add('task.update', { taskId: 't1', title: 'alice title' }, 'alice');
    log.add('task.update', { taskId: 't1', title: 'bob title' }, 'bob');
    log.add('timeline.add', { entryId: 'e1', kind: 'note', text: 'v1' });
    log.add('timeline.edit', { entryId: 'e1', text: 'alice v2' }, 'alice');
    log.add('timeline.edit', { entryId: 'e1', text: 'bob v3' }, 'bob');
    const s = fold(log.ops);
    expect(s.tasks.t1?.title).toBe('bob title');
    const e = s.timeline.find((x) => x.id === 'e1')!;
    expect(e.text).toBe('bob v3');
    expect(e.history.map((h) => [h.text, h.by])).toEqual([['v1', 'alice'], ['alice v2', 'alice']]);
    expect(e.editedBy).toBe('bob');
  });

  it('keeps the timeline ordered by occurredAt, so a backdated entry lands where it happened', () => {
    const log = base();
    log.add('timeline.add', { entryId: 'late', kind: 'note', text: 'now' });
    // Bob joined at minute 3, 'late' was written at minute 4; 'early' happened at minute 3.5.
    log.add('timeline.add', { entryId: 'early', kind: 'note', text: 'earlier', occurredAt: T0 + 210_000 });
    const texts = fold(log.ops).timeline.map((e) => e.text);
    expect(texts).toEqual(['Incident declared (SEV2): DB down', 'Alice joined (Europe/Paris)', 'Bob joined (America/Los_Angeles)', 'earlier', 'now']);
  });

  it.each([
    ['status', 'incident.status', { status: 'identified', note: 'bad index' }, 'status', 'Status changed from investigating to identified: bad index'],
    ['severity', 'incident.severity', { severity: 'SEV1' }, 'system', 'Severity changed from SEV2 to SEV1'],
    ['role', 'incident.role', { role: 'comms', memberId: 'bob' }, 'role', 'Bob is now comms'],
    ['help', 'help.ask', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'who knows pg?' }, 'help', 'Alice asked for help (now) from #db: who knows pg?'],
  ] as const)('a %s change writes a system entry', (_n, type, payload, kind, text) => {
    const log = base();
    log.add(type, payload as never);
    const last = fold(log.ops).timeline.at(-1)!;
    expect(last.kind).toBe(kind);
    expect(last.text).toBe(text);
  });

  it('hands over command and records it', () => {
    const log = base();
    log.add('incident.role', { role: 'commander', memberId: 'alice' });
    log.add('incident.role', { role: 'commander', memberId: 'bob' });
    const s = fold(log.ops);
    expect(s.roles.commander).toBe('bob');
    expect(s.timeline.at(-1)?.text).toBe('Command handed over from Alice to Bob');
  });

  it('tracks resolution time and clears it on reopen', () => {
    const log = base();
    log.add('incident.status', { status: 'resolved' }, 'alice', 60);
    expect(fold(log.ops).resolvedAt).toBe(T0 + 60 * 60_000);
    log.add('incident.status', { status: 'investigating' }, 'alice', 61);
    expect(fold(log.ops).resolvedAt).toBeNull();
  });

  it('computes the next stakeholder update from the cadence', () => {
    const log = base();
    const s0 = fold(log.ops);
    expect(nextUpdateDueAt(s0)).toBe(s0.startedAt + 30 * 60_000);
    log.add('timeline.add', { entryId: 'u1', kind: 'update', text: 'we know' }, 'alice', 20);
    log.add('incident.update', { cadenceMin: 10 });
    expect(nextUpdateDueAt(fold(log.ops))).toBe(T0 + 30 * 60_000);
  });

  it('help: ask, ack, a second responder is recorded, resolve, then closed', () => {
    const log = base();
    log.add('help.ask', { helpId: 'h1', skills: [], memberIds: ['bob'], urgency: 'soon', text: 'need eyes' });
    log.add('help.ack', { helpId: 'h1' }, 'bob', 10);
    log.add('help.ack', { helpId: 'h1', text: 'me too' }, 'alice', 11);
    log.add('help.resolve', { helpId: 'h1' }, 'bob', 12);
    const s = fold(log.ops);
    expect(s.help.h1).toMatchObject({ status: 'resolved', ackBy: 'bob', ackAt: T0 + 10 * 60_000, closedBy: 'bob' });
    expect(s.timeline.filter((e) => e.ref === 'h1').map((e) => e.text)).toEqual([
      'Alice asked for help (soon) from Bob: need eyes',
      'Bob acknowledged the help request',
      'Alice is also on the help request: me too',
      'Help request resolved by Bob',
    ]);
  });

  it('task moves set and clear doneAt; delete and restore', () => {
    const log = base();
    log.add('task.add', { taskId: 't1', title: 'fix', column: 'doing' });
    log.add('task.move', { taskId: 't1', column: 'done', rank: 1 }, 'alice', 30);
    expect(fold(log.ops).tasks.t1?.doneAt).toBe(T0 + 30 * 60_000);
    log.add('task.move', { taskId: 't1', column: 'blocked', rank: 1 });
    expect(fold(log.ops).tasks.t1?.doneAt).toBeNull();
    log.add('task.delete', { taskId: 't1' });
    log.add('task.restore', { taskId: 't1' });
    expect(fold(log.ops).tasks.t1?.deletedAt).toBeNull();
  });

  // Semantic errors come back as refusals, never throws, and leave nothing changed.
  it.each([
    ['edit a missing entry', 'timeline.edit', { entryId: 'nope', text: 'x' }, 'ENTRY_NOT_FOUND'],
    ['pin a deleted entry', 'timeline.pin', { entryId: 'gone', pinned: true }, 'ENTRY_DELETED'],
    ['edit a deleted entry', 'timeline.edit', { entryId: 'gone', text: 'y' }, 'ENTRY_DELETED'],
    ['restore a live entry', 'timeline.restore', { entryId: 'live' }, 'INVALID_STATE'],
    ['add a duplicate entry', 'timeline.add', { entryId: 'live', kind: 'note', text: 'x' }, 'ALREADY_EXISTS'],
    ['edit a system entry', 'timeline.edit', { entryId: 'SYS', text: 'x' }, 'INVALID_STATE'],
    ['move a missing task', 'task.move', { taskId: 'nope', column: 'done', rank: 1 }, 'TASK_NOT_FOUND'],
    ['update a deleted task', 'task.update', { taskId: 'dead', title: 'x' }, 'TASK_DELETED'],
    ['assign a stranger', 'task.add', { taskId: 't9', title: 'x', assigneeId: 'mallory' }, 'MEMBER_NOT_FOUND'],
    ['give a role to a stranger', 'incident.role', { role: 'ops', memberId: 'mallory' }, 'MEMBER_NOT_FOUND'],
    ['ack a missing request', 'help.ack', { helpId: 'nope' }, 'HELP_NOT_FOUND'],
    ['ack a cancelled request', 'help.ack', { helpId: 'hc' }, 'HELP_CLOSED'],
    ['set the same status', 'incident.status', { status: 'investigating' }, 'INVALID_STATE'],
    ['create it twice', 'incident.create', { title: 'again', severity: 'SEV1' }, 'INCIDENT_EXISTS'],
    ['update a member who never joined', 'member.update', { name: 'x' }, 'MEMBER_NOT_FOUND'],
  ] as const)('refuses to %s', (_what, type, payload, code) => {
    const log = base();
    log.add('timeline.add', { entryId: 'live', kind: 'note', text: 'here' });
    log.add('timeline.add', { entryId: 'gone', kind: 'note', text: 'bye' });
    log.add('timeline.delete', { entryId: 'gone' });
    log.add('task.add', { taskId: 'dead', title: 'x' });
    log.add('task.delete', { taskId: 'dead' });
    log.add('help.ask', { helpId: 'hc', skills: ['db'], memberIds: [], urgency: 'fyi', text: 'x' });
    log.add('help.cancel', { helpId: 'hc' });
    const state = fold(log.ops);
    const sys = state.timeline.find((e) => e.kind === 'status')!.id;
    const p = JSON.parse(JSON.stringify(payload).replace('"SYS"', JSON.stringify(sys)));
    const op = log.add(type, p, type === 'member.update' ? 'ghost' : 'alice');
    const r = apply(state, op);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
  });

  it('refuses ops on an incident that was never created', () => {
    const log = logFor();
    const op = log.add('timeline.add', { entryId: 'e', kind: 'note', text: 'x' });
    expect(apply(null, op)).toMatchObject({ ok: false, code: 'INCIDENT_NOT_FOUND' });
  });

  it('never puts a future time in the log: a client clock ahead is clamped to the server time', () => {
    const log = base();
    const op = log.add('timeline.add', { entryId: 'e', kind: 'note', text: 'x' });
    const skewed = { ...op, clientTime: op.serverTime + 3_600_000 } as CommittedOp;
    const r = apply(fold(log.ops.slice(0, -1)), skewed);
    expect(r.ok && r.state.timeline.at(-1)?.loggedAt).toBe(op.serverTime);
  });

  it('replay folds in place yet equals step-by-step apply, and leaves its starting state alone', () => {
    const log = base();
    for (let i = 0; i < 50; i++) {
      log.add('timeline.add', { entryId: `e${i}`, kind: 'note', text: `n${i}`, ...(i % 7 === 3 ? { occurredAt: T0 + 90_000 } : {}) });
      if (i % 5 === 4) log.add('timeline.edit', { entryId: `e${i - 2}`, text: `edited ${i}` });
      if (i % 9 === 8) log.add('timeline.delete', { entryId: `e${i - 8}` });
    }
    log.add('timeline.add', { entryId: 'e3', kind: 'note', text: 'duplicate id' });
    let stepwise: IncidentState | null = null;
    const refusals: number[] = [];
    for (const op of log.ops) {
      const r = apply(stepwise, op);
      if (r.ok) stepwise = r.state;
      else refusals.push(op.seq);
    }
    expect(refusals).toEqual([log.ops.length]);
    const half = fold(log.ops.slice(0, 40));
    const halfCopy = structuredClone(half);
    const rest = replay(log.ops.slice(40, -1), half);
    expect(rest.ok && rest.state).toEqual(stepwise);
    expect(half).toEqual(halfCopy);
    expect(replay(log.ops)).toMatchObject({ ok: false, code: 'ALREADY_EXISTS', seq: log.ops.length });
  });
});

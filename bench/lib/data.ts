/**
 * Synthetic incidents for seeding: deterministic committed-op logs shaped like a busy real one
 * (notes, updates, decisions and actions from ten responders, some edits, pins and tasks).
 * Folded with the shared reducer, so the states are exactly what War Room computes.
 */
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { apply } from '../../shared/reducer.ts';
import { fixedUuid } from '../../shared/scenario.ts';

/** Synthetic incidents start well before "now", so a live op sorts after every seeded entry. */
export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const PEOPLE = ['ana', 'bo', 'chen', 'dev', 'eli', 'fay', 'gus', 'hana', 'ivo', 'jun'];
const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Europe/London', 'Asia/Kolkata'];
const KINDS = ['note', 'note', 'note', 'update', 'decision', 'action'] as const;
const WORDS = 'checkout latency rising on eu-west shards rollback of release 4.12 started cache hit ratio dropped after deploy paging database on-call customer tickets mention duplicate charges payment provider confirms partial outage'.split(' ');

/** A note of 60–260 characters, varied so compression and layout are not flattered. */
export function noteText(i: number): string {
  const len = 8 + ((i * 7919) % 30);
  const w: string[] = [];
  for (let k = 0; k < len; k++) w.push(WORDS[(i * 31 + k * 17) % WORDS.length]!);
  return `${w.join(' ')} (#${i})`;
}

export interface LogShape {
  /** Ops in the log. */
  ops: number;
  /**
   * 'growing': nearly every op adds a timeline entry (state grows with the log);
   * 'churn': after `entries` entries, the rest are task moves and member updates (state stays small).
   */
  shape?: 'growing' | 'churn';
  entries?: number;
}

/** The committed log of one incident; op ids are deterministic per (incident index, seq). */
export function incidentLog(incidentId: string, shape: LogShape, idSpace = 1): CommittedOp[] {
  const ops: CommittedOp[] = [];
  const churnAfter = shape.shape === 'churn' ? (shape.entries ?? 1000) : Infinity;
  let entryCount = 0;
  let taskCount = 0;
  const push = (o: Pick<Op, 'type' | 'payload'>, actor: string) => {
    const seq = ops.length + 1;
    const at = T0 + seq * 1000;
    ops.push({ ...o, opId: fixedUuid(seq, idSpace), incidentId, actorId: actor, clientTime: at, seq, serverTime: at } as CommittedOp);
  };
  push({ type: 'incident.create', payload: { title: `Synthetic incident ${incidentId}`, severity: 'SEV2', summary: 'Checkout errors in eu-west', impact: 'Some customers cannot pay' } }, PEOPLE[0]!);
  PEOPLE.forEach((p, i) => {
    if (ops.length < shape.ops) push({ type: 'member.join', payload: { name: p.toUpperCase(), timeZone: ZONES[i % ZONES.length]!, skills: ['db', 'payments'].slice(0, 1 + (i % 2)) } }, p);
  });
  while (ops.length < shape.ops) {
    const i = ops.length;
    const actor = PEOPLE[i % PEOPLE.length]!;
    if (entryCount < churnAfter) {
      if (i % 50 === 7 && entryCount > 2) push({ type: 'timeline.edit', payload: { entryId: `e${entryCount - 1}`, text: `${noteText(i)} (edited)` } }, actor);
      else if (i % 97 === 11 && entryCount > 5) push({ type: 'timeline.pin', payload: { entryId: `e${entryCount - 3}`, pinned: true } }, actor);
      else if (i % 40 === 3 && taskCount < 200) push({ type: 'task.add', payload: { taskId: `t${taskCount++}`, title: `Follow up ${i}`, assigneeId: actor } }, actor);
      else push({ type: 'timeline.add', payload: { entryId: `e${entryCount++}`, kind: KINDS[i % KINDS.length]!, text: noteText(i) } }, actor);
    } else if (i % 2 === 0 && taskCount > 0) {
      push({ type: 'task.move', payload: { taskId: `t${i % taskCount}`, column: (['todo', 'doing', 'blocked', 'done'] as const)[i % 4]!, rank: i } }, actor);
    } else {
      push({ type: 'member.update', payload: { availability: (['available', 'busy', 'away'] as const)[i % 3]! } }, actor);
    }
    if (entryCount >= churnAfter && taskCount === 0) push({ type: 'task.add', payload: { taskId: `t${taskCount++}`, title: 'Churn task' } }, actor);
  }
  return ops;
}

/** Folds a log; `marks` also returns the state right after those seqs (for catch-up clients). */
export function fold(ops: readonly CommittedOp[], marks: number[] = []): { state: IncidentState; at: Map<number, IncidentState> } {
  let state: IncidentState | null = null;
  const at = new Map<number, IncidentState>();
  const want = new Set(marks);
  for (const op of ops) {
    const r = apply(state, op);
    if (!r.ok) throw new Error(`synthetic op ${op.seq} (${op.type}) refused: ${r.code} ${r.message}`);
    state = r.state;
    if (want.has(op.seq)) at.set(op.seq, state);
  }
  if (!state) throw new Error('empty log');
  return { state, at };
}

/**
 * The same fold, fast for big synthetic logs. The shared reducer copies the whole timeline on
 * every added entry (O(entries) per op, see docs/PERFORMANCE.md), which makes a 100k-op fold take
 * minutes. Our synthetic logs only append entries (times increase with seq) and only edit or pin
 * recent ones, so folding against a short tail and re-attaching the older entries at the end gives
 * the identical state; checkFastFold() proves it on a 10k log each run.
 */
export function fastFold(ops: readonly CommittedOp[], marks: number[] = [], tail = 500): { state: IncidentState; at: Map<number, IncidentState> } {
  let state: IncidentState | null = null;
  let prefix: IncidentState['timeline'] = [];
  const at = new Map<number, IncidentState>();
  const want = new Set(marks);
  const whole = (s: IncidentState): IncidentState => ({ ...s, timeline: prefix.concat(s.timeline) });
  for (const op of ops) {
    const r = apply(state, op);
    if (!r.ok) throw new Error(`synthetic op ${op.seq} (${op.type}) refused: ${r.code} ${r.message}`);
    state = r.state;
    if (state.timeline.length > 2 * tail) {
      prefix = prefix.concat(state.timeline.slice(0, tail));
      state = { ...state, timeline: state.timeline.slice(tail) };
    }
    if (want.has(op.seq)) at.set(op.seq, whole(state));
  }
  if (!state) throw new Error('empty log');
  return { state: whole(state), at };
}

/** A log whose folded timeline has at least `entries` entries. */
export function logWithEntries(incidentId: string, entries: number, idSpace = 1): CommittedOp[] {
  // ~92% of ops add an entry; overshoot a little, then trim to the op that reaches the count.
  const ops = incidentLog(incidentId, { ops: Math.ceil(entries * 1.1) + 20 }, idSpace);
  let n = 0;
  for (let i = 0; i < ops.length; i++) {
    const t = ops[i]!.type;
    if (t === 'timeline.add' || t === 'incident.create' || t === 'member.join') n++;
    if (n >= entries) return ops.slice(0, i + 1);
  }
  return ops;
}

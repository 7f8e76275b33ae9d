// foldBatch() (the server's in-place batch fold) must decide and produce exactly what apply()
// does op by op, and never change the state it started from, refused ops included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IncidentState } from './model.ts';
import type { CommittedOp } from './ops.ts';
import { apply, findEntryIndex, foldBatch } from './reducer.ts';

const T0 = Date.UTC(2026, 0, 1);
const IDS = ['a', 'b', 'c', 'constructor', '__proto__'];
const id = fc.constantFrom(...IDS);

/** Steps that add, backdate (inserts before the end), edit, refuse and resolve (several rows per op). */
const stepArb = fc.oneof(
  fc.tuple(id, fc.integer({ min: -5, max: 0 })).map(([entryId, back]) => ['timeline.add', { entryId, kind: 'note', text: `n ${entryId}`, occurredAt: back < 0 ? T0 + back * 60_000 : undefined }] as const),
  fc.tuple(id, fc.nat(9)).map(([entryId, n]) => ['timeline.edit', { entryId, text: `edit ${n}` }] as const),
  id.map((entryId) => ['timeline.delete', { entryId }] as const),
  id.map((entryId) => ['timeline.restore', { entryId }] as const),
  fc.tuple(id, fc.boolean()).map(([entryId, pinned]) => ['timeline.pin', { entryId, pinned }] as const),
  id.map((helpId) => ['help.ask', { helpId, skills: ['db'], memberIds: [], urgency: 'now', text: 'help' }] as const),
  fc.constantFrom('resolved', 'investigating', 'monitoring').map((status) => ['incident.status', { status }] as const),
  fc.tuple(id, fc.integer({ min: -30, max: 0 })).map(([entryId, back]) => ['alert.record', {
    entryId: `alert-${entryId}`, source: 'alertmanager', status: 'firing', name: 'cpu', fingerprint: 'f1', labels: [], summary: '', description: '',
    startsAt: T0 + back * 60_000, endsAt: null, generatorUrl: '',
  }] as const),
);

function committed(steps: (readonly [string, object])[]): CommittedOp[] {
  const ops: CommittedOp[] = [{
    opId: 'op-0', incidentId: 'inc', actorId: 'ana', clientTime: T0, seq: 1, serverTime: T0,
    type: 'incident.create', payload: { title: 'DB down', severity: 'SEV2' },
  } as CommittedOp];
  steps.forEach(([type, payload], i) => ops.push({
    opId: `op-${i + 1}`, incidentId: 'inc', actorId: 'ana', clientTime: T0 + (i + 1) * 1000, seq: i + 2, serverTime: T0 + (i + 1) * 1000, type, payload,
  } as CommittedOp));
  return ops;
}

describe('foldBatch', () => {
  it('matches apply() op by op, result by result, and leaves every input state as it was', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 4 }), (steps, cuts) => {
      const ops = committed(steps);
      let expected: IncidentState | null = null;
      const decisions: string[] = [];
      for (const op of ops) {
        const r = apply(expected, op);
        decisions.push(r.ok ? 'ok' : r.code);
        if (r.ok) expected = r.state;
      }
      // The same log in batches cut at random points, each batch starting from the last one's end.
      let state: IncidentState | null = null;
      const got: string[] = [];
      const bounds = [...new Set([0, ...cuts.map((c) => c % (ops.length + 1)), ops.length])].sort((a, b) => a - b);
      for (let b = 0; b + 1 < bounds.length; b++) {
        const before = structuredClone(state);
        const batch = foldBatch(state);
        for (const op of ops.slice(bounds[b], bounds[b + 1])) {
          const r = batch.apply(op);
          got.push(r.ok ? 'ok' : r.code);
        }
        expect(state).toEqual(before);
        state = batch.state;
      }
      expect(got).toEqual(decisions);
      expect(state).toEqual(expected);
      // And the id index of the batch's array answers like a scan.
      for (const e of state?.timeline ?? []) expect(state!.timeline[findEntryIndex(state!.timeline, e.id)]!.id).toBe(e.id);
    }), { numRuns: 200 });
  });

  it('a discarded batch leaves the state it started from usable and unchanged', () => {
    const ops = committed([['timeline.add', { entryId: 'a', kind: 'note', text: 'one' }], ['timeline.add', { entryId: 'b', kind: 'note', text: 'two' }]]);
    const base = apply(apply(null, ops[0]!).ok ? (apply(null, ops[0]!) as { state: IncidentState }).state : null, ops[1]!);
    if (!base.ok) throw new Error(base.message);
    const copy = structuredClone(base.state);
    const batch = foldBatch(base.state);
    expect(batch.apply(ops[2]!).ok).toBe(true);
    expect(batch.state!.timeline.length).toBe(base.state.timeline.length + 1);
    expect(base.state).toEqual(copy);
    // The same op on the kept state still applies: the discarded batch left no trace in it or its index.
    expect(apply(base.state, ops[2]!).ok).toBe(true);
  });
});

/**
 * The Store contract (server/store/store.ts) as one suite that every implementation runs:
 * `storeContract('postgres', harness)` and `storeContract('sqlite', harness)`. A harness gives
 * fresh, empty storage per test, stores over it, and a way to write rows behind the store's back.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { replay } from '../../shared/reducer.ts';
import { SeqConflictError, type Store } from '../../server/store/store.ts';

export interface StoreHarness {
  /** A new, unopened Store over this harness's storage; every call sees the same data. */
  make(): Store;
  /** Writes an op row straight into storage, bypassing the store (call it while no store is open). */
  insertRawOp(row: { incidentId: string; seq: number; opId: string; json: string }): Promise<void>;
  /** Removes the storage. */
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);

/** Valid committed ops seq fromSeq…fromSeq+count-1 of one incident (seq 1 creates it), fresh opIds. */
export function makeOps(incidentId: string, fromSeq: number, count: number, actorId = 'alice'): CommittedOp[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = fromSeq + i;
    const at = T0 + seq * 1000;
    const base = { opId: randomUUID(), incidentId, actorId, clientTime: at, seq, serverTime: at };
    return seq === 1
      ? { ...base, type: 'incident.create', payload: { title: `Incident ${incidentId}`, severity: 'SEV2' } }
      : { ...base, type: 'timeline.add', payload: { entryId: `e-${seq}`, kind: 'note', text: `note ${seq} by ${actorId}` } };
  });
}

function stateOf(ops: CommittedOp[]): IncidentState {
  const r = replay(ops);
  if (!r.ok || !r.state) throw new Error('test ops do not fold');
  return r.state;
}

export function storeContract(name: string, harness: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      h = await harness();
      store = h.make();
      await store.open();
    });
    afterEach(async () => {
      await store.close();
      await h.dispose();
    });

    async function reopen(): Promise<QuarantineReport> {
      await store.close();
      store = h.make();
      return store.open();
    }

    it('starts empty and answers ping', async () => {
      expect(store.kind).toBe(name);
      expect(await store.ping()).toBe(true);
      expect(await store.listIncidentIds()).toEqual([]);
      expect(await store.headSeq('inc-a')).toBe(0);
      expect(await store.readOps('inc-a', 0)).toEqual([]);
      expect(await store.findByOpId(randomUUID())).toBeNull();
      expect(await store.latestSnapshot('inc-a')).toBeNull();
      expect(await store.quarantined()).toEqual([]);
    });

    it('appends and reads back ops exactly, by incident and from a seq, with a limit', async () => {
      const a = makeOps('inc-a', 1, 5);
      const b = makeOps('inc-b', 1, 2);
      await store.append(a.slice(0, 3));
      await store.append([...a.slice(3), ...b]); // one batch, two incidents
      expect(await store.readOps('inc-a', 0)).toEqual(a);
      expect(await store.readOps('inc-a', 3)).toEqual(a.slice(3));
      expect(await store.readOps('inc-a', 1, 2)).toEqual(a.slice(1, 3));
      expect(await store.readOps('inc-a', 5)).toEqual([]);
      expect(await store.readOps('inc-b', 0)).toEqual(b);
      expect(await store.headSeq('inc-a')).toBe(5);
      expect(await store.headSeq('inc-b')).toBe(2);
      expect(await store.findByOpId(a[3]!.opId)).toEqual({ incidentId: 'inc-a', seq: 4 });
      expect(await store.findByOpId(b[1]!.opId)).toEqual({ incidentId: 'inc-b', seq: 2 });
      expect(await store.listIncidentIds()).toEqual(['inc-a', 'inc-b']);
    });

    it('keeps everything across close and open', async () => {
      const a = makeOps('inc-a', 1, 3);
      await store.append(a);
      await store.saveSnapshot({ incidentId: 'inc-a', seq: 3, state: stateOf(a) });
      const report = await reopen();
      expect(report.quarantined).toEqual([]);
      expect(await store.readOps('inc-a', 0)).toEqual(a);
      expect((await store.latestSnapshot('inc-a'))?.state).toEqual(stateOf(a));
    });

    it('refuses a taken seq with SeqConflictError and leaves the log as it was', async () => {
      const a = makeOps('inc-a', 1, 3);
      await store.append(a);
      const rival = makeOps('inc-a', 3, 1, 'bob');
      const err = await store.append(rival).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SeqConflictError);
      expect((err as SeqConflictError).incidentId).toBe('inc-a');
      expect((err as SeqConflictError).seq).toBe(3);
      expect(await store.readOps('inc-a', 0)).toEqual(a);
      expect(await store.findByOpId(rival[0]!.opId)).toBeNull();
    });

    it('refuses a duplicate opId with SeqConflictError, even at a free seq', async () => {
      const a = makeOps('inc-a', 1, 2);
      await store.append(a);
      const again = { ...makeOps('inc-a', 3, 1)[0]!, opId: a[1]!.opId };
      await expect(store.append([again])).rejects.toBeInstanceOf(SeqConflictError);
      expect(await store.headSeq('inc-a')).toBe(2);
      expect(await store.findByOpId(a[1]!.opId)).toEqual({ incidentId: 'inc-a', seq: 2 });
    });

    it('stores a batch all or nothing, across incidents', async () => {
      await store.append(makeOps('inc-a', 1, 2));
      const freshB = makeOps('inc-b', 1, 2);
      const takenA = makeOps('inc-a', 2, 1, 'bob');
      await expect(store.append([...freshB, ...takenA])).rejects.toBeInstanceOf(SeqConflictError);
      expect(await store.headSeq('inc-b')).toBe(0);
      expect(await store.findByOpId(freshB[0]!.opId)).toBeNull();
      expect(await store.listIncidentIds()).toEqual(['inc-a']);
      // The same batch without the conflicting op goes through whole.
      await store.append(freshB);
      expect(await store.readOps('inc-b', 0)).toEqual(freshB);
    });

    it('returns the newest snapshot at or below a seq', async () => {
      const a = makeOps('inc-a', 1, 6);
      await store.append(a);
      for (const seq of [2, 4, 6]) await store.saveSnapshot({ incidentId: 'inc-a', seq, state: stateOf(a.slice(0, seq)) });
      expect((await store.latestSnapshot('inc-a'))?.seq).toBe(6);
      const at5 = await store.latestSnapshot('inc-a', 5);
      expect(at5).toEqual({ incidentId: 'inc-a', seq: 4, state: stateOf(a.slice(0, 4)) });
      expect(await store.latestSnapshot('inc-b')).toBeNull();
      // Saving the same seq again (two nodes may) replaces it rather than failing.
      await store.saveSnapshot({ incidentId: 'inc-a', seq: 6, state: stateOf(a) });
      expect((await store.latestSnapshot('inc-a'))?.state).toEqual(stateOf(a));
    });

    it('quarantines garbage and mismatched rows on open and keeps serving the rest', async () => {
      const a = makeOps('inc-a', 1, 3);
      await store.append(a);
      await store.close();
      const misplaced = makeOps('inc-a', 9, 1)[0]!; // a valid op stored under the wrong seq
      await h.insertRawOp({ incidentId: 'inc-a', seq: 4, opId: randomUUID(), json: '{"hello":"not an op"}' });
      await h.insertRawOp({ incidentId: 'inc-a', seq: 5, opId: misplaced.opId, json: JSON.stringify(misplaced) });
      await h.insertRawOp({ incidentId: 'inc-z', seq: 1, opId: randomUUID(), json: '42' });
      store = h.make();
      const report = await store.open();
      const moved = report.quarantined.map((q) => [q.kind, q.incidentId, q.seq]);
      expect(moved).toEqual(expect.arrayContaining([['op', 'inc-a', 4], ['op', 'inc-a', 5], ['op', 'inc-z', 1]]));
      expect(moved).toHaveLength(3);
      expect(report.quarantined.every((q) => q.reason.length > 0)).toBe(true);
      expect((await store.quarantined()).map((q) => [q.kind, q.incidentId, q.seq])).toEqual(expect.arrayContaining(moved));
      expect(await store.readOps('inc-a', 0)).toEqual(a);
      expect(await store.headSeq('inc-a')).toBe(3);
      expect(await store.listIncidentIds()).toEqual(['inc-a']);
      // Still serving: the next op takes the next free seq.
      const next = makeOps('inc-a', 4, 1);
      await store.append(next);
      expect(await store.readOps('inc-a', 3)).toEqual(next);
      // A second open finds nothing new.
      expect((await reopen()).quarantined).toEqual([]);
    });

    it('drops a snapshot that folded a quarantined op, keeps the one before, and says so', async () => {
      const a = makeOps('inc-a', 1, 4);
      await store.append(a);
      await store.saveSnapshot({ incidentId: 'inc-a', seq: 3, state: stateOf(a.slice(0, 3)) });
      await store.saveSnapshot({ incidentId: 'inc-a', seq: 5, state: stateOf(a) });
      await store.close();
      await h.insertRawOp({ incidentId: 'inc-a', seq: 5, opId: randomUUID(), json: '{"type":"incident.create"}' });
      store = h.make();
      const report = await store.open();
      expect(report.quarantined.map((q) => [q.kind, q.seq])).toEqual([['op', 5]]);
      expect(report.warnings?.some((w) => w.includes('snapshot at seq 5'))).toBe(true);
      expect((await store.latestSnapshot('inc-a'))?.seq).toBe(3);
    });
  });
}

type QuarantineReport = Awaited<ReturnType<Store['open']>>;

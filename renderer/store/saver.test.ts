import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IncidentState } from '../../shared/model.ts';
import type { Op } from '../../shared/ops.ts';
import type { IncidentRecord, Persistence } from '../persistence/persistence.ts';
import { createSaver } from './saver.ts';
import type { WarRoomState } from './types.ts';

const policy = { minIntervalMs: 10_000, everyOps: 200, afterJoinMs: 5_000, debounceMs: 1_000 };
const stateAt = (headSeq: number) => ({ id: 'inc', headSeq }) as unknown as IncidentState;
const op = (opId: string) => ({ opId }) as unknown as Op;

function world() {
  // `writes`: what is on disk after each write; `appended`: what each outbox-only write carried.
  const writes: IncidentRecord[] = [];
  const appended: Op[][] = [];
  let disk: IncidentRecord = { state: null, headSeq: 0, outbox: [] };
  const persistence = {
    saveIncident: async (_s: string, _i: string, r: IncidentRecord) => void writes.push(disk = r),
    appendOutbox: async (_s: string, _i: string, ops: readonly Op[]) => {
      appended.push([...ops]);
      writes.push(disk = { ...disk, outbox: [...disk.outbox, ...ops] });
    },
  } as unknown as Persistence;
  const store = {
    incidentId: 'inc', syncPhase: 'live', prefs: { serverUrl: 'http://x' }, committed: stateAt(0), headSeq: 0, outbox: [] as Op[],
    pushNotice: () => undefined,
  };
  const saver = createSaver(() => store as unknown as WarRoomState, persistence, policy);
  saver.loaded('http://x', 'inc', { state: stateAt(0), headSeq: 0, outbox: [] });
  disk = { state: stateAt(0), headSeq: 0, outbox: [] };
  const remote = (n: number) => {
    store.headSeq += n;
    store.committed = stateAt(store.headSeq);
    saver.schedule(n);
  };
  return { writes, appended, store, saver, remote };
}

describe('saver', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('writes remote changes at most every interval, not after each op', async () => {
    const { writes, remote } = world();
    remote(1);
    await vi.advanceTimersByTimeAsync(5_000);
    remote(1);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_001);
    expect(writes.map((w) => w.headSeq)).toEqual([2]);
    remote(1);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(writes.map((w) => w.headSeq)).toEqual([2, 3]);
  });

  it('writes sooner once enough ops are pending, but never right after a join', async () => {
    const { writes, saver, remote } = world();
    saver.joined();
    remote(250);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(writes.map((w) => w.headSeq)).toEqual([250]);
    remote(200);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(writes.map((w) => w.headSeq)).toEqual([250, 450]);
  });

  it('writes a grown outbox at once, with the state last written when the state is not due', async () => {
    const { writes, appended, store, saver, remote } = world();
    saver.joined();
    remote(3);
    store.outbox = [op('a')];
    await saver.saveNow();
    expect(writes).toEqual([{ state: stateAt(0), headSeq: 0, outbox: [op('a')] }]);
    // An outbox-only write: the new op, not the state.
    expect(appended).toEqual([[op('a')]]);
    // Acked: the outbox shrinks, which is not written by itself…
    remote(1);
    store.outbox = [];
    await saver.saveNow();
    expect(writes).toHaveLength(1);
    // …and a later edit keeps the acked op on disk, since the stored state does not hold it yet.
    store.outbox = [op('b')];
    await saver.saveNow();
    expect(writes[1]).toEqual({ state: stateAt(0), headSeq: 0, outbox: [op('a'), op('b')] });
    expect(appended).toEqual([[op('a')], [op('b')]]);
    // The state write comes after the quiet time and catches everything up.
    await vi.advanceTimersByTimeAsync(10_001);
    expect(writes[2]).toEqual({ state: stateAt(4), headSeq: 4, outbox: [op('b')] });
  });

  it('saveAll writes the current state now (close, page hidden)', async () => {
    const { writes, store, saver, remote } = world();
    saver.joined();
    remote(2);
    store.outbox = [op('a')];
    await saver.saveAll();
    expect(writes).toEqual([{ state: stateAt(2), headSeq: 2, outbox: [op('a')] }]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(writes).toHaveLength(1);
  });

  it('writes everything when it does not know what is on disk for this incident', async () => {
    const { writes, store, saver } = world();
    saver.joined();
    store.incidentId = 'other';
    store.committed = stateAt(7);
    store.headSeq = 7;
    store.outbox = [op('a')];
    await saver.saveNow();
    expect(writes).toEqual([{ state: stateAt(7), headSeq: 7, outbox: [op('a')] }]);
  });
});

// snapshotFromLog (built in the SQLite store's thread from its own log) stores exactly the row that
// saveSnapshot(the state the engine holds) stores: the same canonical JSON, hash and chain, byte for
// byte, for random-ish logs that include ops the reducer refuses; jobs of one incident run in order
// and one below a seq already saved does nothing.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommittedOp } from '../../shared/ops.ts';
import { foldBatch } from '../../shared/reducer.ts';
import { limitsOf } from '../../server/config.ts';
import { createEngine } from '../../server/engine.ts';
import { createMetrics } from '../../server/metrics.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { createThreadedSqliteStore } from '../../server/store/sqliteThreaded.ts';
import type { Store } from '../../server/store/store.ts';
import { memoryLogger, removeDir, tempDir } from './helpers.ts';

/** mulberry32: a failure replays from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const PEOPLE = ['ana', 'bo', 'chen', 'dev'];
const TEXTS = ['plain', 'quote " and \\ backslash', 'émoji 🔥 and ünïcödé', '__proto__', 'line\nbreak\ttab', '<b>html</b> & co', '{"json":"inside"}'];

/** Ops of one incident (uncommitted shape): seq 1 creates it; some ops are refused by the reducer (unknown entry, duplicate id). */
function randomOps(incidentId: string, seed: number, n: number): Omit<CommittedOp, 'seq' | 'serverTime'>[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const entries: string[] = [];
  const tasks: string[] = [];
  const out: Omit<CommittedOp, 'seq' | 'serverTime'>[] = [];
  const push = (actorId: string, type: string, payload: unknown) =>
    out.push({ opId: randomUUID(), incidentId, actorId, clientTime: T0 + out.length * 997, type, payload } as unknown as Omit<CommittedOp, 'seq' | 'serverTime'>);
  push('ana', 'incident.create', { title: `Incident ${incidentId}`, severity: 'SEV2', summary: pick(TEXTS) });
  for (const p of PEOPLE) push(p, 'member.join', { name: p.toUpperCase(), timeZone: 'Europe/Paris', skills: ['db'] });
  while (out.length < n) {
    const actor = pick(PEOPLE);
    const k = r();
    const text = `${pick(TEXTS)} ${Math.floor(r() * 1e9).toString(36)}`;
    if (k < 0.45 || entries.length < 3) {
      const id = `e${entries.length}`;
      entries.push(id);
      push(actor, 'timeline.add', { entryId: id, kind: pick(['note', 'update', 'decision', 'action'] as const), text });
    } else if (k < 0.55) push(actor, 'timeline.edit', { entryId: pick(entries), text });
    else if (k < 0.6) push(actor, 'timeline.pin', { entryId: pick(entries), pinned: r() < 0.7 });
    else if (k < 0.63) push(actor, 'timeline.delete', { entryId: pick(entries) });
    else if (k < 0.7) {
      const id = `t${tasks.length}`;
      tasks.push(id);
      push(actor, 'task.add', { taskId: id, title: text.slice(0, 60), assigneeId: pick(PEOPLE), rank: Math.floor(r() * 1000) });
    } else if (k < 0.78 && tasks.length > 0) push(actor, 'task.move', { taskId: pick(tasks), column: pick(['todo', 'doing', 'blocked', 'done'] as const), rank: r() * 100 });
    else if (k < 0.82) push(actor, 'member.update', { availability: pick(['available', 'busy', 'away'] as const) });
    else if (k < 0.85) push(actor, 'incident.status', { status: pick(['investigating', 'identified', 'monitoring'] as const), note: text.slice(0, 40) });
    else if (k < 0.9) push(actor, 'timeline.edit', { entryId: `missing-${out.length}`, text }); // refused: no such entry
    else if (k < 0.94) push(actor, 'timeline.add', { entryId: pick(entries), kind: 'note', text }); // refused: the id is taken
    else push(actor, 'incident.update', { impact: text, services: ['checkout', 'payments'].slice(0, 1 + Math.floor(r() * 2)) });
  }
  return out;
}

const committed = (ops: Omit<CommittedOp, 'seq' | 'serverTime'>[]): CommittedOp[] =>
  ops.map((o, i) => ({ ...o, seq: i + 1, serverTime: T0 + 500 + i * 1000 }) as CommittedOp);

/** What the engine holds after folding these stored ops (catch-up: in place, a refused op skipped). */
function engineState(ops: readonly CommittedOp[]) {
  const batch = foldBatch(null);
  let refused = 0;
  for (const op of ops) if (!batch.apply(op).ok) refused++;
  return { state: batch.state!, refused };
}

type Row = { incident_id: string; seq: number; state_version: number; json: string; chain: string; hash: string };
function snapshotRows(file: string): Row[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare('SELECT incident_id, seq, state_version, json, chain, hash FROM snapshots ORDER BY incident_id, seq').all() as unknown as Row[];
  } finally {
    db.close();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
function dir(): string {
  const d = tempDir('warroom-snap-');
  cleanups.push(() => removeDir(d));
  return d;
}
async function opened<S extends Store>(s: S): Promise<S> {
  await s.open();
  cleanups.push(() => s.close());
  return s;
}

describe('snapshotFromLog is byte-identical to saveSnapshot(the engine state)', () => {
  for (const seed of [1, 7, 2026]) {
    it(`seed ${seed}: from no snapshot, then from the one before, with refused ops in the log`, async () => {
      const d = dir();
      const ops = committed(randomOps(`inc-${seed}`, seed, 700));
      const id = ops[0]!.incidentId;
      const inThread = await opened(createSqliteStore({ file: join(d, 'a.db') }));
      const threaded = await opened(createThreadedSqliteStore({ file: join(d, 'b.db') }));
      // Appended in uneven batches, as group commit would.
      for (let i = 0; i < ops.length;) {
        const n = 1 + ((i * 37) % 50);
        await inThread.append(ops.slice(i, i + n));
        await threaded.append(ops.slice(i, i + n));
        i += n;
      }
      const marks = [250, 600, 700];
      for (const seq of marks) {
        const { state, refused } = engineState(ops.slice(0, seq));
        expect(refused).toBeGreaterThan(0); // the log does carry ops the reducer refuses
        await inThread.saveSnapshot({ incidentId: id, seq, state });
        await threaded.snapshotFromLog!(id, seq);
      }
      await inThread.close();
      await threaded.close();
      const a = snapshotRows(join(d, 'a.db'));
      const b = snapshotRows(join(d, 'b.db'));
      expect(a.map((r) => r.seq)).toEqual([600, 700]);
      expect(b).toEqual(a);
      expect(b[1]!.json.length).toBeGreaterThan(10_000);
      // The hash and chain verify on read: the threaded store serves its own snapshot.
      const again = await opened(createThreadedSqliteStore({ file: join(d, 'b.db') }));
      expect((await again.latestSnapshot(id))?.state).toEqual(engineState(ops).state);
      // A new thread has no state kept: it folds on from the snapshot it reads back, to the same bytes.
      const more = committed(randomOps(`inc-${seed}`, seed, 800)).slice(700);
      const reopened = await opened(createSqliteStore({ file: join(d, 'a.db') }));
      await reopened.append(more);
      await again.append(more);
      await reopened.saveSnapshot({ incidentId: id, seq: 800, state: engineState([...ops, ...more]).state });
      await again.snapshotFromLog!(id, 800);
      await reopened.close();
      await again.close();
      expect(snapshotRows(join(d, 'b.db'))).toEqual(snapshotRows(join(d, 'a.db')));
      expect(snapshotRows(join(d, 'b.db')).map((r) => r.seq)).toEqual([700, 800]);
    });
  }

  it('the engine on either store writes the same snapshot rows (snapshotEveryOps 60, group commit, Date.now pinned)', async () => {
    const d = dir();
    const ops = randomOps('eng', 99, 400);
    const runOn = async (store: Store, file: string) => {
      await store.open();
      const engine = createEngine({
        store, logger: memoryLogger().logger, metrics: createMetrics(), limits: { ...limitsOf({ dataDir: d }), snapshotEveryOps: 60 },
        hooks: { onCommitted: () => undefined, onSummaryChanged: () => undefined },
      });
      await engine.start();
      // serverTime from here on: the same sequence on both runs (the in-thread store's open() read the clock too).
      let now = T0;
      vi.spyOn(Date, 'now').mockImplementation(() => (now += 7));
      const acks = [];
      // Bursts of 1–9 ops in one tick share one append.
      for (let i = 0; i < ops.length;) {
        const n = 1 + (i % 9);
        acks.push(...(await Promise.all(ops.slice(i, i + n).map((o) => engine.submit(o as never)))));
        i += n;
      }
      const held = structuredClone(engine.state('eng'));
      await engine.close();
      await store.close();
      vi.restoreAllMocks();
      return { acks: acks.map((a) => (a.ok ? a.seq : a.code)), held, rows: snapshotRows(file) };
    };
    const a = await runOn(createSqliteStore({ file: join(d, 'a.db') }), join(d, 'a.db'));
    const b = await runOn(createThreadedSqliteStore({ file: join(d, 'b.db') }), join(d, 'b.db'));
    expect(b.acks).toEqual(a.acks);
    expect(a.acks.filter((x) => typeof x === 'string').length).toBeGreaterThan(0); // some were refused
    expect(b.held).toEqual(a.held);
    expect(a.rows.length).toBe(2);
    expect(b.rows).toEqual(a.rows);
  });
});

describe('snapshot jobs in the thread', () => {
  it('run one after the other per incident; one below a seq already saved does nothing; appends go on meanwhile', async () => {
    const d = dir();
    const ops = committed(randomOps('jobs', 5, 900));
    const store = await opened(createThreadedSqliteStore({ file: join(d, 'w.db') }));
    await store.append(ops.slice(0, 600));
    // Asked without waiting, out of order, with appends in between.
    const jobs = [store.snapshotFromLog!('jobs', 300), store.snapshotFromLog!('jobs', 600), store.snapshotFromLog!('jobs', 450)];
    await store.append(ops.slice(600, 900));
    jobs.push(store.snapshotFromLog!('jobs', 900), store.snapshotFromLog!('jobs', 600));
    await Promise.all(jobs);
    await store.close();
    const rows = snapshotRows(join(d, 'w.db'));
    expect(rows.map((r) => r.seq)).toEqual([600, 900]);
    const ref = await opened(createSqliteStore({ file: join(d, 'ref.db') }));
    await ref.append(ops);
    await ref.saveSnapshot({ incidentId: 'jobs', seq: 600, state: engineState(ops.slice(0, 600)).state });
    await ref.saveSnapshot({ incidentId: 'jobs', seq: 900, state: engineState(ops).state });
    await ref.close();
    expect(rows).toEqual(snapshotRows(join(d, 'ref.db')));
  });

  it('a job for an incident with no ops, or below its newest snapshot, saves nothing and does not fail', async () => {
    const d = dir();
    const ops = committed(randomOps('few', 3, 80));
    const store = await opened(createThreadedSqliteStore({ file: join(d, 'w.db') }));
    await store.snapshotFromLog!('nothing-here', 10);
    await store.append(ops);
    await store.snapshotFromLog!('few', 80);
    await store.snapshotFromLog!('few', 40);
    await store.close();
    expect(snapshotRows(join(d, 'w.db')).map((r) => [r.incident_id, r.seq])).toEqual([['few', 80]]);
  });
});

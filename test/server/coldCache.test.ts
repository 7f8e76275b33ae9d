/**
 * The engine's LRU by bytes: with a tiny budget, incidents leave memory and come back from their
 * snapshot plus tail. Evicted ones still list with the right summary, come back equal to a fold
 * that never left memory, answer joins and take commits; list() reloads a cold incident only when
 * the store's head moved; the duty clock leaves quiet cold incidents alone and still fires for a
 * cold incident that owes a duty.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stateHash } from '../../shared/hash.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { replay } from '../../shared/reducer.ts';
import { summarize } from '../../shared/summary.ts';
import { cacheBytesOf, DEFAULT_CACHE_MB, limitsOf, type Limits } from '../../server/config.ts';
import { createEngine } from '../../server/engine.ts';
import { createMetrics } from '../../server/metrics.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/store.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { memoryLogger, op, removeDir, startServer, tempDir, type Client } from './helpers.ts';
import { incidentWithPeople, opsOf, submitOk } from '../duties/helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A real SQLite store that counts the reads that bring an incident back into memory. */
function countingStore(real: Store) {
  const loads = new Map<string, number>();
  const count = (id: string) => loads.set(id, (loads.get(id) ?? 0) + 1);
  const store: Store = {
    ...real,
    latestSnapshot: (id, at) => {
      count(id);
      return real.latestSnapshot(id, at);
    },
  };
  return { store, loads, total: () => [...loads.values()].reduce((a, b) => a + b, 0), reset: () => loads.clear() };
}

async function setup(limits: Partial<Limits>) {
  const dir = tempDir('warroom-cold-');
  cleanups.push(() => removeDir(dir));
  const real = createSqliteStore({ file: join(dir, 's.db') });
  await real.open();
  cleanups.push(() => real.close());
  const counting = countingStore(real);
  const engine = createEngine({
    store: counting.store, logger: memoryLogger().logger, metrics: createMetrics(), limits: { ...limitsOf({ dataDir: dir }), ...limits },
    hooks: { onCommitted: () => undefined, onSummaryChanged: () => undefined },
  });
  await engine.start();
  cleanups.push(() => engine.close());
  return { engine, real, counting };
}

const ok = async (p: Promise<{ ok: boolean }>) => expect(await p).toMatchObject({ ok: true });

/** The state a fold that never left memory reaches: every stored op from the start. */
async function foldedFromLog(store: Store, id: string) {
  const r = replay(await store.readOps(id, 0, 100_000));
  if (!r.ok || !r.state) throw new Error(`replay of ${id} failed`);
  return r.state;
}

async function fill(engine: ReturnType<typeof createEngine>, ids: string[], notes: number) {
  for (const [i, id] of ids.entries()) {
    await ok(engine.submit(op('incident.create', id, 'ana', { title: `Incident ${i}`, severity: 'SEV2' })));
    await ok(engine.submit(op('member.join', id, 'ana', { name: 'Ana', timeZone: 'Europe/Paris' })));
    for (let k = 0; k < notes; k++) await ok(engine.submit(op('timeline.add', id, 'ana', { entryId: `e${k}`, kind: 'note', text: `note ${k} of ${id} ${'x'.repeat(120)}` })));
    if (i % 3 === 0) await ok(engine.submit(op('incident.status', id, 'ana', { status: 'identified' })));
  }
}

describe('cold incidents (engine cache LRU by bytes)', () => {
  it('evicted incidents list right, come back equal to a never-evicted fold, and the cache stays within the budget', async () => {
    const budget = 20_000;
    const { engine, real, counting } = await setup({ cacheBytes: budget, snapshotEveryOps: 20 });
    const ids = Array.from({ length: 12 }, (_, i) => `cold-${i}`);
    await fill(engine, ids, 45);
    const stats = engine.cacheStats();
    // Each incident is ≈ 10 KB estimated: at most two fit, and the most recent always stays.
    expect(stats.cached).toBeGreaterThanOrEqual(1);
    expect(stats.cached).toBeLessThanOrEqual(2);
    expect(stats.bytes <= budget || stats.cached === 1).toBe(true);
    expect(stats.cold).toBe(ids.length - stats.cached);
    expect(stats.evictions).toBeGreaterThanOrEqual(ids.length - stats.cached);
    expect(engine.isCold('cold-0')).toBe(true);
    expect(engine.state('cold-0')).toBeNull();

    // The list comes from the kept summaries: no incident is read back in.
    counting.reset();
    const list = await engine.list();
    expect(counting.total()).toBe(0);
    expect(list).toHaveLength(ids.length);
    for (const row of list) {
      const want = summarize(await foldedFromLog(real, row.id), 0, await real.headSeq(row.id));
      const { online: _o, ...wantRow } = want;
      expect(row).toEqual(wantRow);
      expect(engine.summary(row.id)).toEqual(wantRow);
    }
    expect(list.find((r) => r.id === 'cold-0')).toMatchObject({ status: 'identified', title: 'Incident 0' });

    // Back from snapshot + tail: the same state, hash for hash.
    for (const id of ids) {
      const back = await engine.refresh(id);
      expect(stateHash(back)).toBe(stateHash(await foldedFromLog(real, id)));
      expect(engine.cacheStats().cached).toBeLessThanOrEqual(2);
    }
    expect(counting.loads.get('cold-0')).toBe(1);
  });

  it('a join after eviction gets the right ops, or a snapshot equal to the fold; a commit to a cold incident works', async () => {
    const { engine, real } = await setup({ cacheBytes: 1, snapshotEveryOps: 20, joinMaxOpsWithoutSnapshot: 30 });
    await fill(engine, ['a', 'b'], 40);
    expect(engine.isCold('a')).toBe(true);
    const head = await real.headSeq('a');
    const entered: string[] = [];

    const tail = await engine.join('a', head - 10, () => entered.push('tail'));
    if (!tail.ok) throw new Error(tail.code);
    expect(tail.snapshot).toBeUndefined();
    expect(tail.ops.map((o) => o.seq)).toEqual(Array.from({ length: 10 }, (_, i) => head - 9 + i));
    expect(tail.ops).toEqual(await real.readOps('a', head - 10, 10));

    await ok(engine.submit(op('timeline.add', 'b', 'ana', { entryId: 'push-a-out', kind: 'note', text: 'b again' })));
    expect(engine.isCold('a')).toBe(true);
    const whole = await engine.join('a', 0, () => entered.push('whole'));
    if (!whole.ok) throw new Error(whole.code);
    expect(whole.snapshot?.seq).toBe(head);
    expect(stateHash(whole.snapshot?.state)).toBe(stateHash(await foldedFromLog(real, 'a')));
    expect(entered).toEqual(['tail', 'whole']);

    await ok(engine.submit(op('timeline.add', 'b', 'ana', { entryId: 'push-a-out-2', kind: 'note', text: 'b again' })));
    expect(engine.isCold('a')).toBe(true);
    expect(await engine.submit(op('timeline.add', 'a', 'bo', { entryId: 'late', kind: 'note', text: 'written while cold' }))).toEqual({ ok: true, seq: head + 1 });
    const state = engine.state('a');
    expect(state?.timeline.at(-1)).toMatchObject({ id: 'late', text: 'written while cold' });
    expect(stateHash(state)).toBe(stateHash(await foldedFromLog(real, 'a')));
    // A duplicate of an op committed before the eviction is still answered with its seq.
    const first = (await real.readOps('b', 0, 1))[0]!;
    await ok(engine.submit(op('timeline.add', 'a', 'ana', { entryId: 'push-b-out', kind: 'note', text: 'a' })));
    expect(engine.isCold('b')).toBe(true);
    const { seq: _s, serverTime: _t, ...again } = first as CommittedOp;
    expect(await engine.submit(again)).toMatchObject({ ok: true, seq: 1, duplicate: true });
  });

  it('list() reloads a cold incident only when the store head moved (another node wrote)', async () => {
    const { engine, real, counting } = await setup({ cacheBytes: 1, snapshotEveryOps: 20 });
    await fill(engine, ['x', 'y', 'z'], 5);
    expect(engine.isCold('x')).toBe(true);
    counting.reset();
    await engine.list();
    expect(counting.total()).toBe(0);
    // Another node retitles x: only x is read back, and the list shows it.
    const head = await real.headSeq('x');
    const other = { ...op('incident.update', 'x', 'bo', { title: 'Renamed elsewhere' }), seq: head + 1, serverTime: Date.now() } as CommittedOp;
    await real.append([other]);
    const list = await engine.list();
    expect(list.find((r) => r.id === 'x')).toMatchObject({ title: 'Renamed elsewhere', headSeq: head + 1 });
    expect([...counting.loads.keys()]).toEqual(['x']);
    // It did not push the hot incident out: a reload that does not fit goes straight back to cold.
    expect(engine.isCold('x')).toBe(true);
    expect(engine.isCold('z')).toBe(false);
    expect(engine.summary('x')).toMatchObject({ title: 'Renamed elsewhere', headSeq: head + 1 });
    counting.reset();
    await engine.list();
    expect(counting.total()).toBe(0);
  });

  it('a restart loads each incident once and keeps only what the budget holds', async () => {
    const dir = tempDir('warroom-cold-restart-');
    cleanups.push(() => removeDir(dir));
    const open = async (cacheBytes: number) => {
      const store = createSqliteStore({ file: join(dir, 's.db') });
      await store.open();
      const engine = createEngine({
        store, logger: memoryLogger().logger, metrics: createMetrics(), limits: { ...limitsOf({ dataDir: dir }), cacheBytes, snapshotEveryOps: 20 },
        hooks: { onCommitted: () => undefined, onSummaryChanged: () => undefined },
      });
      await engine.start();
      return { store, engine, close: async () => { await engine.close(); await store.close(); } };
    };
    const first = await open(10_000_000);
    await fill(first.engine, ['r0', 'r1', 'r2', 'r3'], 30);
    const before = await first.engine.list();
    expect(first.engine.cacheStats()).toMatchObject({ cached: 4, cold: 0 });
    await first.close();
    const second = await open(1);
    cleanups.push(() => second.close());
    expect(second.engine.cacheStats()).toMatchObject({ cached: 1, cold: 3 });
    expect(await second.engine.list()).toEqual(before);
  });
});

describe('the cache budget setting', () => {
  it('reads WARROOM_CACHE_MB in MiB, defaults when unset, and refuses a bad value with a sentence', () => {
    expect(cacheBytesOf({})).toBe(DEFAULT_CACHE_MB * 2 ** 20);
    expect(cacheBytesOf({ WARROOM_CACHE_MB: '8' })).toBe(8 * 2 ** 20);
    expect(cacheBytesOf({ WARROOM_CACHE_MB: '0.5' })).toBe(2 ** 19);
    expect(() => cacheBytesOf({ WARROOM_CACHE_MB: 'lots' })).toThrow(/WARROOM_CACHE_MB must be a number of MiB/);
    expect(() => cacheBytesOf({ WARROOM_CACHE_MB: '-1' })).toThrow(/WARROOM_CACHE_MB/);
    expect(limitsOf({ dataDir: 'x', limits: { cacheBytes: 123 } }).cacheBytes).toBe(123);
  });
});

describe('the duty clock and cold incidents', () => {
  const servers: WarRoomServer[] = [];
  const clients: Client[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close();
  });

  it('leaves quiet cold incidents out of memory and still fires a due escalation for a cold incident', { timeout: 30_000 }, async () => {
    const dir = tempDir('warroom-cold-duty-');
    cleanups.push(() => removeDir(dir));
    let now = Date.now();
    const real = createSqliteStore({ file: join(dir, 'warroom.db') });
    const counting = countingStore(real);
    const server = await startServer(dir, { dutyScanMs: 0, escalateAfterMin: 1, dutyNow: () => now, limits: { cacheBytes: 1 } }, { store: counting.store });
    servers.push(server);
    const quiet: string[] = [];
    for (let i = 0; i < 4; i++) {
      const q = await incidentWithPeople(server, `quiet-${i}`);
      clients.push(q.ana, q.bo, q.cy);
      quiet.push(q.incidentId);
    }
    const hot = await incidentWithPeople(server, 'asks-help');
    clients.push(hot.ana, hot.bo, hot.cy);
    await submitOk(hot.ana, op('help.ask', 'asks-help', 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'DB on fire' }));
    // Another incident is written last: the one asking for help goes cold too.
    await submitOk(clients[0]!, op('timeline.add', 'quiet-0', 'ana', { entryId: 'last', kind: 'note', text: 'last write' }));
    expect(server.cacheStats().cached).toBe(1);
    expect(server.incidentState('asks-help')).toBeNull();

    // The first scans read each incident once; after that nothing is due, and cold stays cold.
    await server.duties.duties.scanOnce(true);
    await server.duties.duties.scanOnce(false);
    counting.reset();
    for (let i = 0; i < 3; i++) await server.duties.duties.scanOnce(false);
    await server.duties.duties.scanOnce(true);
    expect(counting.total()).toBe(0);
    expect(server.cacheStats().cold).toBeGreaterThanOrEqual(4);

    // A minute later the help request is due to widen: the clock brings that incident back and fires.
    now += 61_000;
    expect(await server.duties.duties.scanOnce(false)).toBe(1);
    expect([...counting.loads.keys()]).toEqual(['asks-help']);
    const escalations = (await opsOf(server, 'asks-help')).filter((o) => o.type === 'help.escalate');
    expect(escalations.map((o) => (o.type === 'help.escalate' ? o.payload.level : 0))).toEqual([1]);
    expect(await server.duties.duties.scanOnce(false)).toBe(0);
    for (const id of quiet) expect((await opsOf(server, id)).some((o) => o.type === 'help.escalate' || o.type === 'incident.reminder')).toBe(false);
  });
});

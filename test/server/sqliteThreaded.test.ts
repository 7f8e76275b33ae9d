// The SQLite store on its worker thread (server/store/sqliteThreaded.ts + sqliteWorker.ts): errors
// cross as the same errors, warnings and the open report come back, backup works, and a thread
// that dies rejects every pending and later call instead of leaving it hanging.
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { limitsOf, sqliteThreadOf } from '../../server/config.ts';
import { createEngine } from '../../server/engine.ts';
import { createMetrics } from '../../server/metrics.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { createThreadedSqliteStore, fromWire, toWire } from '../../server/store/sqliteThreaded.ts';
import { SeqConflictError, type Store } from '../../server/store/store.ts';
import { isStoreUnavailable, storeRefusal } from '../../server/storeFailure.ts';
import { makeOps } from '../scaleout/storeContract.ts';
import { memoryLogger, op, removeDir, startServer, tempDir } from './helpers.ts';

const FAKE_WORKER = new URL('./sqliteThreadedFakeWorker.ts', import.meta.url);
const CRASH_WORKER = new URL('./sqliteThreadedCrashWorker.ts', import.meta.url);

const dirs: string[] = [];
const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) removeDir(d);
});
function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
function track<S extends Store>(s: S): S {
  open.push(s);
  return s;
}

describe('errors cross the thread as the same errors', () => {
  it('a taken seq or a reused opId is a real SeqConflictError with its incident and seq', async () => {
    const store = track(createThreadedSqliteStore({ file: join(newDir(), 'w.db') }));
    await store.open();
    const ops = makeOps('inc-a', 1, 3);
    await store.append(ops);
    const taken = await store.append([{ ...ops[2]!, opId: crypto.randomUUID() }]).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(SeqConflictError);
    expect(taken).toMatchObject({ name: 'SeqConflictError', incidentId: 'inc-a', seq: 3 });
    const reused = await store.append([{ ...makeOps('inc-a', 4, 1)[0]!, opId: ops[0]!.opId }]).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(SeqConflictError);
    expect(reused).toMatchObject({ incidentId: 'inc-a', seq: 4 });
    expect(storeRefusal(reused)).toMatchObject({ code: 'SEQ_CONFLICT' });
    expect(await store.headSeq('inc-a')).toBe(3);
  });

  it('a node:sqlite error keeps message, name, code, errcode and errstr, so storeFailure.ts classifies it alike', () => {
    const d = new DatabaseSync(':memory:');
    d.exec('CREATE TABLE t (k INTEGER PRIMARY KEY)');
    d.exec('INSERT INTO t VALUES (1)');
    let original: Error | null = null;
    try {
      d.exec('INSERT INTO t VALUES (1)');
    } catch (e) {
      original = e as Error;
    }
    d.close();
    const busy = Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 5, errstr: 'database is locked' });
    const wrapped = new Error('outer', { cause: busy });
    for (const e of [original!, busy, wrapped, new TypeError('not a store problem')]) {
      const back = fromWire(structuredClone(toWire(e)));
      expect(back.message).toBe(e.message);
      expect(back.name).toBe(e.name);
      for (const k of ['code', 'errcode', 'errstr']) expect((back as unknown as Record<string, unknown>)[k]).toEqual((e as unknown as Record<string, unknown>)[k]);
      expect(isStoreUnavailable(back)).toBe(isStoreUnavailable(e));
      expect(storeRefusal(back)).toEqual(storeRefusal(e));
    }
    expect(isStoreUnavailable(fromWire(structuredClone(toWire(wrapped))))).toBe(true);
    expect((original as unknown as { errcode: number }).errcode).toBe(1555);
  });

  it('a locked file fails an append with the same SQLITE_BUSY error on both stores: STORE_UNAVAILABLE', { timeout: 20_000 }, async () => {
    const dir = newDir();
    const threaded = track(createThreadedSqliteStore({ file: join(dir, 't.db') }));
    const inThread = track(createSqliteStore({ file: join(dir, 'i.db') }));
    await threaded.open();
    await inThread.open();
    const lockT = new DatabaseSync(join(dir, 't.db'));
    const lockI = new DatabaseSync(join(dir, 'i.db'));
    lockT.exec('BEGIN IMMEDIATE');
    lockI.exec('BEGIN IMMEDIATE');
    try {
      // Both wait out busy_timeout (5 s) at once: the worker's wait does not block this thread.
      const t = threaded.append(makeOps('inc-a', 1, 1)).catch((e: unknown) => e as Error);
      const i = await inThread.append(makeOps('inc-a', 1, 1)).catch((e: unknown) => e as Error);
      const te = await t;
      expect(te).toBeInstanceOf(Error);
      expect({ message: te!.message, code: (te as unknown as { code: unknown }).code, errcode: (te as unknown as { errcode: unknown }).errcode })
        .toEqual({ message: i!.message, code: (i as unknown as { code: unknown }).code, errcode: (i as unknown as { errcode: unknown }).errcode });
      expect(storeRefusal(te)).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(storeRefusal(i)).toEqual(storeRefusal(te));
    } finally {
      lockT.exec('ROLLBACK');
      lockI.exec('ROLLBACK');
      lockT.close();
      lockI.close();
    }
    await threaded.append(makeOps('inc-a', 1, 1));
    expect(await threaded.headSeq('inc-a')).toBe(1);
  });
});

describe('open report, warnings, backup, lifecycle', () => {
  it('returns the same open report and forwards the same warnings as the in-thread store', async () => {
    const dir = newDir();
    const seed = createSqliteStore({ file: join(dir, 'a.db') });
    await seed.open();
    await seed.append(makeOps('inc-a', 1, 8));
    await seed.close();
    const db = new DatabaseSync(join(dir, 'a.db'));
    db.exec("UPDATE ops SET json = replace(json, 'note 3', 'note 33') WHERE seq = 3");
    db.exec("DELETE FROM incident_heads WHERE incident_id = 'inc-a'");
    db.close();
    copyFileSync(join(dir, 'a.db'), join(dir, 'b.db'));
    const warnedT: string[] = [];
    const warnedI: string[] = [];
    const threaded = track(createThreadedSqliteStore({ file: join(dir, 'a.db'), onWarning: (m) => warnedT.push(m) }));
    const inThread = track(createSqliteStore({ file: join(dir, 'b.db'), onWarning: (m) => warnedI.push(m) }));
    const rt = await threaded.open();
    const ri = await inThread.open();
    const strip = (r: typeof rt) => ({ ...r, quarantined: r.quarantined.map((q) => ({ ...q, quarantinedAt: 0 })) });
    expect(strip(rt)).toEqual(strip(ri));
    expect(rt.quarantined.map((q) => [q.kind, q.seq])).toContainEqual(['op', 3]);
    expect(warnedT.length).toBeGreaterThan(0);
    expect(warnedT).toEqual(warnedI.map((w) => w.replaceAll('b.db', 'a.db')));

    // A row damaged while open: quarantined on read, and the warning comes across.
    for (const f of ['a.db', 'b.db']) {
      const d = new DatabaseSync(join(dir, f));
      d.exec("UPDATE ops SET json = replace(json, 'note 5', 'note 55') WHERE seq = 5");
      d.close();
    }
    warnedT.length = 0;
    warnedI.length = 0;
    expect((await threaded.readOps('inc-a', 0)).map((o) => o.seq)).toEqual((await inThread.readOps('inc-a', 0)).map((o) => o.seq));
    expect(warnedT).toHaveLength(1);
    expect(warnedT[0]).toMatch(/op at seq 5 failed its check when read and was quarantined/);
    expect(warnedT).toEqual(warnedI);
  });

  it('backs up while open; closes; calls after close are refused; open() again works', async () => {
    const dir = newDir();
    const store = track(createThreadedSqliteStore({ file: join(dir, 'w.db') }));
    await store.open();
    const ops = makeOps('inc-a', 1, 20);
    await store.append(ops);
    await store.backup(join(dir, 'copy', 'b.db'));
    expect(existsSync(join(dir, 'copy', 'b.db'))).toBe(true);
    const copy = createSqliteStore({ file: join(dir, 'copy', 'b.db') });
    await copy.open();
    expect(await copy.readOps('inc-a', 0)).toEqual(ops);
    await copy.close();

    await store.close();
    await store.close(); // twice is fine
    await expect(store.headSeq('inc-a')).rejects.toThrow('The SQLite store is not open.');
    expect(await store.ping()).toBe(false);
    expect(await store.open()).toMatchObject({ quarantined: [] });
    expect(await store.readOps('inc-a', 0)).toEqual(ops);
    expect(await store.ping()).toBe(true);
  });

  it('an idle open store does not keep the process alive, a pending call does not let it exit, and Node flags pass', async () => {
    // Asserted through behaviour a child process can show: it exits on its own after close-less use.
    const dir = newDir();
    const script = `
      import { createThreadedSqliteStore } from ${JSON.stringify(new URL('../../server/store/sqliteThreaded.ts', import.meta.url).href)};
      const s = createThreadedSqliteStore({ file: ${JSON.stringify(join(dir, 'w.db'))} });
      await s.open();
      console.log('head', await s.headSeq('x'));
    `;
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('head 0');
    expect(r.status).toBe(0);
    // A server started with V8 flags (which a worker's own execArgv list would refuse) still gets its thread.
    const file = join(dir, 'flags.ts');
    writeFileSync(file, script);
    const f = spawnSync(process.execPath, ['--max-old-space-size=300', '--trace-gc', file], { encoding: 'utf8', timeout: 20_000 });
    expect(f.stderr).toBe('');
    expect(f.stdout.split('\n')).toContain('head 0');
    expect(f.status).toBe(0);
  });
});

describe('a store thread that dies', () => {
  for (const how of ['throw', 'exit'] as const) {
    it(`(${how}) rejects the calls in flight and every later one with a sentence; ping is false; close resolves`, async () => {
      const store = track(createThreadedSqliteStore({ file: join(newDir(), 'w.db'), workerFile: FAKE_WORKER }));
      await store.open();
      const inFlight = [store.listIncidentIds(), store.append(makeOps('inc-a', 1, 1)), store.readOps('inc-a', 0)];
      const death = store.headSeq(how);
      const expected = how === 'throw' ? /SQLite store thread failed \(boom in the store thread\).*unusable until the server restarts/ : /SQLite store thread stopped \(exit code 3\)/;
      for (const p of [...inFlight, death]) await expect(p).rejects.toThrow(expected);
      await expect(store.headSeq('inc-a')).rejects.toThrow(expected);
      await expect(store.append(makeOps('inc-a', 1, 1))).rejects.toThrow(expected);
      expect(await store.ping()).toBe(false);
      const err = await store.quarantined().catch((e: unknown) => e);
      expect(storeRefusal(err)).toMatchObject({ code: 'INTERNAL' });
      await store.close();
    });
  }

  it('a real worker crash loses nothing that was acked: a new store reads every appended op', async () => {
    const dir = newDir();
    const file = join(dir, 'w.db');
    const store = track(createThreadedSqliteStore({ file, workerFile: CRASH_WORKER }));
    await store.open();
    const ops = makeOps('inc-a', 1, 50);
    for (let i = 0; i < 50; i += 10) await store.append(ops.slice(i, i + 10));
    const pending = store.headSeq('crash');
    const alsoPending = store.readOps('inc-a', 0);
    await expect(pending).rejects.toThrow(/SQLite store thread failed \(the store thread crashed \(test\)\)/);
    // The read sent after the crash's message may have been answered first or be rejected: either, never a hang.
    await alsoPending.then((r) => expect(r).toEqual(ops), (e: unknown) => expect(String(e)).toMatch(/SQLite store thread/));
    await expect(store.append(makeOps('inc-a', 51, 1))).rejects.toThrow(/SQLite store thread failed/);
    await store.close();
    const again = track(createThreadedSqliteStore({ file }));
    expect((await again.open()).quarantined).toEqual([]);
    expect(await again.readOps('inc-a', 0)).toEqual(ops);
    // And the same store object can start over with a new thread.
    expect((await store.open()).quarantined).toEqual([]);
    expect(await store.headSeq('inc-a')).toBe(50);
  });
});

describe('the engine on the threaded store', () => {
  it('acks an op only once its COMMIT is visible to another connection; ops sent while a commit is in flight share the next append', async () => {
    const dir = newDir();
    const file = join(dir, 'w.db');
    const real = track(createThreadedSqliteStore({ file }));
    await real.open();
    const sizes: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The first append waits at the gate before it is sent to the thread: a commit in flight.
    const store: Store = { ...real, append: async (ops) => {
      sizes.push(ops.length);
      if (sizes.length === 1) await gate;
      return real.append(ops);
    } };
    const engine = createEngine({
      store, logger: memoryLogger().logger, metrics: createMetrics(), limits: limitsOf({ dataDir: dir }),
      hooks: { onCommitted: () => undefined, onSummaryChanged: () => undefined },
    });
    await engine.start();
    const reader = new DatabaseSync(file, { readOnly: true });
    const visible = (opId: string) => reader.prepare('SELECT 1 AS one FROM ops WHERE op_id = ?').get(opId) !== undefined;
    try {
      const seen: boolean[] = [];
      const ackChecked = (o: ReturnType<typeof op>) => engine.submit(o).then((a) => (seen.push(visible(o.opId)), a));
      const first = ackChecked(op('incident.create', 'g', 'ana', { title: 'Group', severity: 'SEV3' }));
      while (sizes.length === 0) await new Promise((r) => setImmediate(r));
      // Thirty ops, each in a tick of its own, while the first commit is in flight.
      const later: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        later.push(ackChecked(op('timeline.add', 'g', 'ana', { entryId: `e${i}`, kind: 'note', text: `n ${i}` })));
        await new Promise((r) => setImmediate(r));
      }
      expect(sizes).toEqual([1]);
      release();
      expect(await first).toMatchObject({ ok: true, seq: 1 });
      const acks = await Promise.all(later);
      expect(acks.map((a) => (a as { seq: number }).seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
      expect(sizes).toEqual([1, 30]);
      expect(seen).toHaveLength(31);
      expect(seen.every(Boolean)).toBe(true);
    } finally {
      reader.close();
      await engine.close();
    }
  });
});

describe('which SQLite store the server uses', () => {
  it('the threaded one by default; sqliteThread: false or WARROOM_SQLITE_THREAD=0 keeps it on the event loop', async () => {
    expect(sqliteThreadOf({ dataDir: 'x' }, {})).toBe(true);
    expect(sqliteThreadOf({ dataDir: 'x' }, { WARROOM_SQLITE_THREAD: '1' })).toBe(true);
    for (const v of ['0', 'false', 'OFF', ' no ']) expect(sqliteThreadOf({ dataDir: 'x' }, { WARROOM_SQLITE_THREAD: v })).toBe(false);
    expect(sqliteThreadOf({ dataDir: 'x', sqliteThread: true }, { WARROOM_SQLITE_THREAD: '0' })).toBe(true);
    expect(sqliteThreadOf({ dataDir: 'x', sqliteThread: false }, {})).toBe(false);
    const threaded = await startServer(newDir());
    const inThread = await startServer(newDir(), { sqliteThread: false });
    try {
      // Only the threaded store builds snapshots itself (the engine then never serializes one on the loop).
      expect(typeof threaded.store.snapshotFromLog).toBe('function');
      expect(inThread.store.snapshotFromLog).toBeUndefined();
    } finally {
      await threaded.close();
      await inThread.close();
    }
  });
});

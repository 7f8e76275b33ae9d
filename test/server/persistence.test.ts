import { STATE_VERSION } from '../../shared/constants.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stateHash } from '../../shared/hash.ts';
import type { JoinResult } from '../../shared/protocol.ts';
import { replay } from '../../shared/reducer.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { backupDataFile, restoreBackup } from '../../server/dataDir.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { call, connect, memoryLogger, op, removeDir, startServer, tempDir, type Client } from './helpers.ts';

type JoinAck = { ok: true } & JoinResult;

const dirs: string[] = [];
const servers: WarRoomServer[] = [];
const sockets: Client[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

async function boot(dir: string, ...rest: Parameters<typeof startServer> extends [string, ...infer R] ? R : never) {
  const s = await startServer(dir, ...rest);
  servers.push(s);
  return s;
}

async function stop(s: WarRoomServer) {
  servers.splice(servers.indexOf(s), 1);
  await s.close();
}

async function writer(s: WarRoomServer, incidentId = 'inc-1'): Promise<Client> {
  const c = await connect(s.url, { token: s.createSession('lia', 'lead'), clientId: 'lia' });
  sockets.push(c);
  const created = await call(c, 'incident:create', op('incident.create', incidentId, 'lia', { title: 'Persist me', severity: 'SEV2' }));
  expect(created.ok || (created as { code: string }).code === 'INCIDENT_EXISTS').toBe(true);
  expect(await call(c, 'incident:join', { incidentId, sinceSeq: 0 })).toMatchObject({ ok: true });
  return c;
}

async function notes(c: Client, from: number, to: number, incidentId = 'inc-1') {
  for (let n = from; n < to; n++) {
    expect(await call(c, 'op:submit', op('timeline.add', incidentId, 'lia', { entryId: `n${n}`, kind: 'note', text: `note ${n}` }))).toMatchObject({ ok: true });
  }
}

async function joinFresh(s: WarRoomServer, incidentId: string, sinceSeq = 0): Promise<JoinAck> {
  const c = await connect(s.url, { token: s.createSession('reader', 'viewer'), clientId: 'reader' });
  sockets.push(c);
  return call<JoinAck>(c, 'incident:join', { incidentId, sinceSeq });
}

function newDir() {
  const d = tempDir();
  dirs.push(d);
  return d;
}

describe('durability', () => {
  it('a restart on the same data dir keeps every op, and new ops continue the seq', async () => {
    const dir = newDir();
    const first = await boot(dir);
    await notes(await writer(first), 0, 20);
    const hash = stateHash(first.incidentState('inc-1'));
    await stop(first);
    const second = await boot(dir);
    expect(stateHash(second.incidentState('inc-1'))).toBe(hash);
    const joined = await joinFresh(second, 'inc-1');
    expect(joined.ops).toHaveLength(21);
    const folded = replay(joined.ops);
    expect(folded.ok && stateHash(folded.state)).toBe(hash);
    const c = await writer(second);
    expect(await call(c, 'op:submit', op('timeline.add', 'inc-1', 'lia', { entryId: 'after', kind: 'note', text: 'after restart' }))).toMatchObject({ ok: true, seq: 22 });
  });

  it('snapshots are taken every N ops; a far-behind join gets a snapshot; a restart folds from the snapshot', async () => {
    const dir = newDir();
    const limits = { snapshotEveryOps: 10, joinMaxOpsWithoutSnapshot: 15 };
    const first = await boot(dir, { limits });
    await notes(await writer(first), 0, 29);
    const snap = await first.store.latestSnapshot('inc-1');
    expect(snap?.seq).toBe(30);
    const hash = stateHash(first.incidentState('inc-1'));
    const far = await joinFresh(first, 'inc-1', 0);
    expect(far.snapshot?.seq).toBe(30);
    expect(stateHash(far.snapshot?.state)).toBe(hash);
    expect(far.ops).toEqual([]);
    const near = await joinFresh(first, 'inc-1', 20);
    expect(near.snapshot).toBeUndefined();
    expect(near.ops.map((o) => o.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    await notes(sockets[0]!, 29, 33);
    await stop(first);

    // The restart must start from the snapshot: a log with its first op gone folds only from it.
    const db = new DatabaseSync(join(dir, 'warroom.db'));
    db.prepare("UPDATE ops SET json = json_set(json, '$.payload.title', 'Rewritten') WHERE seq = 1").run();
    db.close();
    const second = await boot(dir, { limits });
    const state = second.incidentState('inc-1');
    expect(state?.title).toBe('Persist me');
    expect(state?.timeline.filter((e) => e.kind === 'note')).toHaveLength(33);
  });

  it('backup while serving, then restore, round-trips; the replaced file is kept as .bak', async () => {
    const dir = newDir();
    const s = await boot(dir, { backupKeep: 2 });
    const c = await writer(s);
    await notes(c, 0, 10);
    const atBackup = stateHash(s.incidentState('inc-1'));
    const manual = join(newDir(), 'manual.db');
    expect(backupDataFile(dir, manual)).toEqual({ incidents: 1, ops: 11 });
    const auto = await s.backupNow();
    expect(auto.startsWith(join(dir, 'backups'))).toBe(true);
    await s.backupNow();
    await s.backupNow();
    expect(readdirSync(join(dir, 'backups'))).toHaveLength(2);
    await notes(c, 10, 15);
    expect(() => restoreBackup(dir, manual)).toThrow(/is using/);
    await stop(s);

    expect(restoreBackup(dir, manual)).toMatchObject({ incidents: 1, ops: 11, previous: join(dir, 'warroom.db.bak') });
    const bak = new DatabaseSync(join(dir, 'warroom.db.bak'), { readOnly: true });
    expect((bak.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n).toBe(16);
    bak.close();
    const restored = await boot(dir);
    expect(stateHash(restored.incidentState('inc-1'))).toBe(atBackup);
    expect(await restored.store.headSeq('inc-1')).toBe(11);
    expect(() => restoreBackup(newDir(), join(dir, 'secret'))).toThrow();
  });
});

describe('automatic backups', () => {
  it('are written on the interval into <dataDir>/backups and pruned to backupKeep', async () => {
    const dir = newDir();
    const s = await boot(dir, { backupEveryMin: 0.001, backupKeep: 2 });
    await notes(await writer(s), 0, 3);
    const files = () => (existsSync(join(dir, 'backups')) ? readdirSync(join(dir, 'backups')) : []);
    const end = Date.now() + 5_000;
    while (Number(/^warroom_backups_total\{result="ok"\} (\d+)$/m.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1] ?? 0) < 4) {
      if (Date.now() > end) throw new Error('fewer than 4 automatic backups within 5 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(files()).toHaveLength(2);
    const latest = files().sort().at(-1)!;
    const db = new DatabaseSync(join(dir, 'backups', latest), { readOnly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n).toBe(4);
    db.close();
  });
});

describe('quarantine', () => {
  it('garbage rows are quarantined (log + metric), the rest is served, and the log goes on', async () => {
    const dir = newDir();
    const first = await boot(dir, { limits: { snapshotEveryOps: 5 } });
    await notes(await writer(first), 0, 9);
    await stop(first);

    const db = new DatabaseSync(join(dir, 'warroom.db'));
    // A row that is not JSON, a valid-JSON op of an unknown type, a row whose body names another seq,
    // an op of a nonexistent incident with a 10 MB title, and a snapshot that is not JSON.
    db.prepare('INSERT INTO ops (incident_id, seq, op_id, json) VALUES (?, ?, ?, ?)').run('inc-1', 11, 'garbage-1', '{not json');
    db.prepare("UPDATE ops SET json = json_set(json, '$.type', 'incident.destroy') WHERE incident_id = 'inc-1' AND seq = 4").run();
    db.prepare("UPDATE ops SET json = json_set(json, '$.seq', 99) WHERE incident_id = 'inc-1' AND seq = 7").run();
    const huge = JSON.stringify({ ...op('incident.create', 'junk', 'x', { title: 'x', severity: 'SEV1' }), seq: 1, serverTime: Date.now(), payload: { title: 'x'.repeat(10_000_000), severity: 'SEV1' } });
    db.prepare('INSERT INTO ops (incident_id, seq, op_id, json) VALUES (?, ?, ?, ?)').run('junk', 1, 'garbage-2', huge);
    db.prepare('INSERT INTO snapshots (incident_id, seq, state_version, json) VALUES (?, ?, ?, ?)').run('inc-1', 3, STATE_VERSION, 'nope');
    db.close();

    const { logger, lines } = memoryLogger();
    const second = await boot(dir, { limits: { snapshotEveryOps: 5 } }, { logger });
    const q = await second.store.quarantined();
    expect(q.map((r) => `${r.kind}:${r.incidentId}:${r.seq}`).sort()).toEqual(['op:inc-1:11', 'op:inc-1:4', 'op:inc-1:7', 'op:junk:1', 'snapshot:inc-1:3']);
    expect(lines.filter((l) => l.msg === 'stored record failed validation and was quarantined')).toHaveLength(5);
    expect(lines.some((l) => String(l.finding).includes('missing from the log'))).toBe(true);
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metrics).toMatch(/^warroom_quarantined_records 5$/m);

    // The served log has holes where 4 and 7 were; a join gets the state instead of a log with holes. That state
    // comes from the snapshot at seq 10, which is proven by the chain and was folded while 4 and 7 were intact.
    expect((await second.store.readOps('inc-1', 0)).map((o) => o.seq)).toEqual([1, 2, 3, 5, 6, 8, 9, 10]);
    const joined = await joinFresh(second, 'inc-1');
    expect(joined.snapshot?.seq).toBe(10);
    expect(joined.ops).toEqual([]);
    expect(second.incidentState('inc-1')?.timeline.filter((e) => e.kind === 'note')).toHaveLength(9);
    expect(await joinFresh(second, 'junk').then((r) => r.ok)).toBe(false);
    const c = await writer(second);
    expect(await call(c, 'op:submit', op('timeline.add', 'inc-1', 'lia', { entryId: 'next', kind: 'note', text: 'still writable' }))).toMatchObject({ ok: true, seq: 11 });

    // Quarantined rows stay out for good: a third start finds nothing new.
    await stop(second);
    const store = createSqliteStore({ file: join(dir, 'warroom.db') });
    expect((await store.open()).quarantined).toEqual([]);
    expect(await store.quarantined()).toHaveLength(5);
    await store.close();
    expect(existsSync(join(dir, 'warroom.db'))).toBe(true);
  });
});

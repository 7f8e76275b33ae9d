// The integrity rules over a data dir's life: seqs never reused after a quarantined head, damage
// found while serving, a crashed server's WAL (intact and damaged), new install vs lost database
// (--init and the marker), the upgrade from schema 1, /metrics and `warroom verify`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_VERSION } from '../../shared/constants.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { OpsPage } from '../../shared/protocol.ts';
import { replay } from '../../shared/reducer.ts';
import { INIT_MARKER } from '../../server/dataDir.ts';
import { runVerify } from '../../server/integrity/verifyCommand.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { makeOps } from '../scaleout/storeContract.ts';
import { call, connect, memoryLogger, op, removeDir, startServer, tempDir } from '../server/helpers.ts';
import { buildPristine, copyDataDir, dbOf, judge, LIMITS, SECRET, type Truth } from './harness.ts';

let pristine: { dir: string; truth: Truth };
const dirs: string[] = [];
const fresh = (d = tempDir('warroom-integrity-')) => (dirs.push(d), d);
beforeAll(async () => {
  pristine = await buildPristine();
}, 60_000);
afterAll(() => {
  removeDir(pristine.dir);
  for (const d of dirs) removeDir(d);
});

async function served(url: string, token: string, incidentId: string): Promise<number[]> {
  const c = await connect(url, { token, clientId: 'reader' });
  try {
    const page = await call<{ ok: true } & OpsPage>(c, 'incident:ops', { incidentId, afterSeq: 0, limit: 1000 });
    return page.ops.map((o) => o.seq);
  } finally {
    c.close();
  }
}

const verifyOf = async (dir: string) => {
  const lines: string[] = [];
  const code = await runVerify({ dataDir: dir, databaseUrl: null }, (l) => lines.push(l));
  return { code, text: lines.join('\n') };
};

describe('seqs are never reused', () => {
  it('a quarantined head op keeps its seq: the next op gets head + 1, across restarts', async () => {
    const dir = fresh(copyDataDir(pristine.dir));
    const db = new DatabaseSync(dbOf(dir));
    db.exec("UPDATE ops SET json = replace(json, 'note 25', 'note 52') WHERE incident_id = 'inc-a' AND seq = 25");
    db.close();
    const s1 = await startServer(dir, { secret: SECRET, limits: LIMITS });
    try {
      expect((await s1.store.quarantined()).map((q) => [q.kind, q.seq])).toEqual([['op', 25]]);
      expect(await s1.store.headSeq('inc-a')).toBe(25);
      const lead = await connect(s1.url, { token: s1.createSession('lia', 'lead'), clientId: 'lia' });
      const joined = await call<{ ok: true; headSeq: number; snapshot?: { seq: number } }>(lead, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
      expect(joined).toMatchObject({ ok: true, headSeq: 25, snapshot: { seq: 25 } });
      expect(await call(lead, 'op:submit', op('timeline.add', 'inc-a', 'lia', { entryId: 'after', kind: 'note', text: 'after the damage' }))).toMatchObject({ ok: true, seq: 26 });
      lead.close();
      const seqs = await served(s1.url, s1.createSession('reader', 'viewer'), 'inc-a');
      expect(seqs).toEqual([...Array.from({ length: 24 }, (_, i) => i + 1), 26]);
    } finally {
      await s1.close();
    }
    const s2 = await startServer(dir, { secret: SECRET, limits: LIMITS });
    try {
      expect(await s2.store.headSeq('inc-a')).toBe(26);
      const lead = await connect(s2.url, { token: s2.createSession('lia', 'lead'), clientId: 'lia' });
      await call(lead, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
      expect(await call(lead, 'op:submit', op('timeline.add', 'inc-a', 'lia', { entryId: 'again', kind: 'note', text: 'and again' }))).toMatchObject({ ok: true, seq: 27 });
      lead.close();
    } finally {
      await s2.close();
    }
    const v = await verifyOf(dir);
    expect(v.code).toBe(1);
    expect(v.text).toMatch(/op seq 25 at .*does not match its hash/);
  });
});

describe('an incident held back', () => {
  it('answers join and create with INCIDENT_HELD_BACK, never with an empty incident to create over', async () => {
    const dir = fresh(copyDataDir(pristine.dir));
    const db = new DatabaseSync(dbOf(dir));
    db.exec("DELETE FROM ops WHERE incident_id = 'inc-b' AND seq = 1");
    db.close();
    const s = await startServer(dir, { secret: SECRET, limits: LIMITS });
    try {
      const lead = await connect(s.url, { token: s.createSession('lia', 'lead'), clientId: 'lia' });
      expect(await call(lead, 'incident:join', { incidentId: 'inc-b', sinceSeq: 0 })).toMatchObject({ ok: false, code: 'INCIDENT_HELD_BACK' });
      expect(await call(lead, 'incident:create', op('incident.create', 'inc-b', 'lia', { title: 'Again', severity: 'SEV3' }))).toMatchObject({ ok: false, code: 'INCIDENT_HELD_BACK' });
      expect(await call(lead, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 })).toMatchObject({ ok: true, headSeq: 25 });
      lead.close();
      expect(await s.store.headSeq('inc-b')).toBe(5);
    } finally {
      await s.close();
    }
  });
});

describe('damage found while serving', () => {
  it('a row edited under a running server is quarantined when read, never served, and counted', async () => {
    const dir = fresh(copyDataDir(pristine.dir));
    const { logger, lines } = memoryLogger();
    const s = await startServer(dir, { secret: SECRET, limits: LIMITS }, { logger });
    try {
      const db = new DatabaseSync(dbOf(dir));
      db.exec("UPDATE ops SET json = json_set(json, '$.actorId', 'mallory') WHERE incident_id = 'inc-a' AND seq = 5");
      db.close();
      const seqs = await served(s.url, s.createSession('reader', 'viewer'), 'inc-a');
      expect(seqs).not.toContain(5);
      expect(seqs).toHaveLength(24);
      expect((await s.store.quarantined()).map((q) => [q.kind, q.incidentId, q.seq])).toEqual([['op', 'inc-a', 5]]);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).toMatch(/^warroom_store_integrity_failures_total\{when="read"\} 1$/m);
      expect(metrics).toMatch(/^warroom_quarantined_records 1$/m);
      expect(lines.some((l) => l.msg === 'stored record failed its integrity check when read')).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('a page that loses a row on read is filled from the rows after it, so a short page still means the end', async () => {
    const dir = fresh();
    const store = createSqliteStore({ file: dbOf(dir) });
    await store.open();
    try {
      await store.append(makeOps('pg-fill', 1, 10));
      const db = new DatabaseSync(dbOf(dir));
      db.exec("UPDATE ops SET json = replace(json, 'note 3', 'note 33') WHERE seq = 3");
      db.close();
      expect((await store.readOps('pg-fill', 0, 5)).map((o) => o.seq)).toEqual([1, 2, 4, 5, 6]);
      expect((await store.readOps('pg-fill', 6, 5)).map((o) => o.seq)).toEqual([7, 8, 9, 10]);
    } finally {
      await store.close();
    }
  });

  it('reports a deleted row on start: a log line, /metrics and verify', async () => {
    const dir = fresh(copyDataDir(pristine.dir));
    const db = new DatabaseSync(dbOf(dir));
    db.exec("DELETE FROM ops WHERE incident_id = 'inc-a' AND seq IN (9, 10)");
    db.close();
    const { logger, lines } = memoryLogger();
    const s = await startServer(dir, { secret: SECRET, limits: LIMITS }, { logger });
    try {
      expect(lines.some((l) => String(l.finding).includes('seq 9..10 missing from the log'))).toBe(true);
      expect(lines.some((l) => l.level === 50 && l.missingOps === 2)).toBe(true);
      expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/^warroom_store_missing_ops 2$/m);
      const v = await verifyOf(dir);
      expect(v.code).toBe(1);
      expect(v.text).toMatch(/PROBLEM inc-a: head 25, 23 op\(s\) verified/);
      expect(v.text).toMatch(/ok {6}inc-b: head 5, 5 op\(s\) verified/);
    } finally {
      await s.close();
    }
    // The loss is reported again on every start, and nothing else changes: no snapshot is dropped and re-made.
    const again = memoryLogger();
    const s2 = await startServer(dir, { secret: SECRET, limits: LIMITS }, { logger: again.logger });
    await s2.close();
    const findings = again.lines.filter((l) => l.msg === 'store check').map((l) => String(l.finding));
    expect(findings).toEqual([expect.stringContaining('seq 9..10 missing from the log')]);
  });
});

describe('a crashed server\'s write-ahead log', () => {
  async function crashCopy(): Promise<{ dir: string; truth: Truth }> {
    const live = fresh();
    const s = await startServer(live, { secret: SECRET, limits: LIMITS });
    const lead = await connect(s.url, { token: s.createSession('lia', 'lead'), clientId: 'lia' });
    await call(lead, 'incident:create', op('incident.create', 'inc-w', 'lia', { title: 'WAL', severity: 'SEV3' }));
    await call(lead, 'incident:join', { incidentId: 'inc-w', sinceSeq: 0 });
    for (let n = 2; n <= 12; n++) await call(lead, 'op:submit', op('timeline.add', 'inc-w', 'lia', { entryId: `w${n}`, kind: 'note', text: `wal note ${n}` }));
    lead.close();
    // The state on disk at a kill -9: every acked op is in the WAL, not yet in the main file.
    const dir = fresh();
    for (const f of ['warroom.db', 'warroom.db-wal', 'warroom.db-shm', INIT_MARKER]) copyFileSync(join(live, f), join(dir, f));
    const truth: Truth = { ops: new Map([['inc-w', await s.store.readOps('inc-w', 0)]]), states: new Map() };
    const { stateHash } = await import('../../shared/hash.ts');
    truth.states.set('inc-w', stateHash(s.incidentState('inc-w')));
    await s.close();
    expect(statSync(join(dir, 'warroom.db-wal')).size).toBeGreaterThan(4096);
    return { dir, truth };
  }

  it('an intact WAL is read in full', async () => {
    const { dir, truth } = await crashCopy();
    const v = await judge(dir, truth);
    expect(v).toMatchObject({ outcome: 'unaffected', lost: 0, wrong: 0 });
  });

  it('a WAL cut at a frame boundary is refused: its index still counts the frames cut off', async () => {
    const { dir, truth } = await crashCopy();
    const wal = join(dir, 'warroom.db-wal');
    const pageSize = readFileSync(wal).readUInt32BE(8);
    truncateSync(wal, 32 + 2 * (24 + pageSize));
    const v = await judge(dir, truth);
    expect(v.outcome).toBe('refused');
    expect(v.message).toMatch(/holds 2 whole frame\(s\) but its index .* says \d+ were committed: the log was cut/);
  });

  it('a WAL damaged in the middle is refused: SQLite would drop every commit after the damage', async () => {
    const { dir, truth } = await crashCopy();
    const wal = join(dir, 'warroom.db-wal');
    const buf = readFileSync(wal);
    for (let i = 0; i < 10; i++) {
      const at = 32 + 24 + 500 + i * 37; // inside the first frame's page
      buf.writeUInt8(buf.readUInt8(at) ^ 0x5a, at);
    }
    writeFileSync(wal, buf);
    const v = await judge(dir, truth);
    expect(v.outcome).toBe('refused');
    expect(v.message).toMatch(/warroom\.db-wal is damaged at frame 1: commits after it would be silently dropped/);
  });
});

describe('new install or lost database', () => {
  it('an empty data dir is a new install and gets the marker', async () => {
    const dir = fresh();
    const s = await startServer(dir, { secret: SECRET });
    await s.close();
    expect(existsSync(join(dir, INIT_MARKER))).toBe(true);
    expect(readFileSync(join(dir, INIT_MARKER), 'utf8')).toMatch(/^initialized \d{4}-/);
  });

  it('a data dir with backups but no database is refused', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'backups'));
    copyFileSync(dbOf(pristine.dir), join(dir, 'backups', 'warroom-2026-01-01T00-00-00-000Z.db'));
    await expect(startServer(dir, { secret: SECRET })).rejects.toThrow(/has backups but no database.*1 found.*--init/);
  });

  it('--init creates a new database where the old one is missing or empty, keeps the empty file, and never replaces data', async () => {
    const missing = fresh(copyDataDir(pristine.dir));
    writeFileSync(dbOf(missing), '');
    await expect(startServer(missing, { secret: SECRET })).rejects.toThrow(/empty \(0 bytes\)/);
    const s = await startServer(missing, { secret: SECRET, init: true });
    expect(await s.store.listIncidentIds()).toEqual([]);
    await s.close();
    expect(readdirSync(missing).some((f) => /^warroom\.db\.empty-\d+$/.test(f))).toBe(true);

    const full = fresh(copyDataDir(pristine.dir));
    const again = await startServer(full, { secret: SECRET, init: true });
    expect(await again.store.listIncidentIds()).toEqual(['inc-a', 'inc-b']);
    await again.close();
  });

  it('an install from before the marker (database, no marker) keeps its data and gets the marker', async () => {
    const dir = fresh();
    copyFileSync(dbOf(pristine.dir), dbOf(dir));
    const s = await startServer(dir, { secret: SECRET });
    expect(await s.store.listIncidentIds()).toEqual(['inc-a', 'inc-b']);
    await s.close();
    expect(existsSync(join(dir, INIT_MARKER))).toBe(true);
  });
});

const SCHEMA_V1 = `
CREATE TABLE ops (incident_id TEXT NOT NULL, seq INTEGER NOT NULL, op_id TEXT NOT NULL UNIQUE, json TEXT NOT NULL, PRIMARY KEY (incident_id, seq)) WITHOUT ROWID;
CREATE TABLE snapshots (incident_id TEXT NOT NULL, seq INTEGER NOT NULL, state_version INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (incident_id, seq));
CREATE TABLE quarantine (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, incident_id TEXT, seq INTEGER, reason TEXT NOT NULL, raw TEXT, quarantined_at INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema_version', '1');`;

function v1Database(dir: string, ops: CommittedOp[], extra: (db: DatabaseSync) => void = () => undefined): void {
  const db = new DatabaseSync(dbOf(dir));
  db.exec(SCHEMA_V1);
  const ins = db.prepare('INSERT INTO ops (incident_id, seq, op_id, json) VALUES (?, ?, ?, ?)');
  for (const o of ops) ins.run(o.incidentId, o.seq, o.opId, JSON.stringify(o));
  const r = replay(ops.slice(0, 4));
  if (!r.ok || !r.state) throw new Error('fixture does not fold');
  db.prepare('INSERT INTO snapshots (incident_id, seq, state_version, json) VALUES (?, 4, ?, ?)').run(ops[0]!.incidentId, STATE_VERSION, JSON.stringify(r.state));
  extra(db);
  db.close();
}

describe('upgrade from schema 1 (no hashes)', () => {
  it('hashes every row in place, says so, serves the same ops, and verifies clean', async () => {
    const dir = fresh();
    const ops = makeOps('old-1', 1, 8);
    v1Database(dir, ops);
    const { logger, lines } = memoryLogger();
    const s = await startServer(dir, { secret: SECRET }, { logger });
    try {
      expect(lines.some((l) => /upgraded the database from schema 1 to 2: 8 existing op\(s\) of 1 incident\(s\) were hashed and are trusted as of this upgrade/.test(String(l.finding)))).toBe(true);
      expect(await s.store.readOps('old-1', 0)).toEqual(ops);
      expect((await s.store.latestSnapshot('old-1'))?.seq).toBe(4);
      expect(await s.store.headSeq('old-1')).toBe(8);
    } finally {
      await s.close();
    }
    expect((await verifyOf(dir)).code).toBe(0);
  });

  it('quarantines the rows that already fail, and keeps their seqs taken', async () => {
    const dir = fresh();
    const ops = makeOps('old-2', 1, 6);
    v1Database(dir, ops, (db) => db.prepare("UPDATE ops SET json = '{broken' WHERE seq = 6").run());
    const s = await startServer(dir, { secret: SECRET });
    try {
      expect((await s.store.readOps('old-2', 0)).map((o) => o.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await s.store.headSeq('old-2')).toBe(6);
      expect((await s.store.quarantined()).map((q) => q.seq)).toEqual([6]);
    } finally {
      await s.close();
    }
  });
});

describe('warroom verify (the CLI)', () => {
  const cli = resolve(import.meta.dirname, '../../server/cli.ts');
  it('exits 0 on a healthy store and 1, with a per-incident report, on a damaged one (alias doctor)', () => {
    const healthy = spawnSync(process.execPath, [cli, 'verify', '--data-dir', pristine.dir], { encoding: 'utf8' });
    expect(healthy.status).toBe(0);
    expect(healthy.stdout).toMatch(/ok {6}inc-a: head 25, 25 op\(s\) verified/);
    expect(healthy.stdout).toMatch(/2 incident\(s\), 30 op\(s\) and 2 snapshot\(s\) verified; no problems found\./);

    const damaged = fresh(copyDataDir(pristine.dir));
    const db = new DatabaseSync(dbOf(damaged));
    db.exec("UPDATE ops SET json = replace(json, 'checked', 'skipped') WHERE incident_id = 'inc-b' AND seq = 3");
    db.close();
    const r = spawnSync(process.execPath, [cli, 'doctor', '--data-dir', damaged], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/PROBLEM inc-b: head 5, 4 op\(s\) verified/);
    expect(r.stdout).toMatch(/seq 3: would be quarantined: the stored op does not match its hash/);
    expect(r.stdout).toMatch(/PROBLEMS FOUND/);

    truncateSync(dbOf(damaged), 0);
    const empty = spawnSync(process.execPath, [cli, 'verify', '--data-dir', damaged], { encoding: 'utf8' });
    expect(empty.status).toBe(1);
    expect(empty.stdout).toMatch(/FAILED: .*empty \(0 bytes\)/);
  }, 60_000);
});

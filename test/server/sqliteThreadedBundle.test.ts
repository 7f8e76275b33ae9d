/**
 * The built server (scripts/build-server.ts) finds the SQLite store's worker thread beside itself:
 * built into a temp folder outside the repo, started with plain node, it commits ops through the
 * thread, and every acked op is in the file after kill -9. Without the worker file it refuses to
 * start with a sentence, which shows the bundle really runs the store on that thread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../scripts/build-server.ts';
import { SQLITE_WORKER_BUNDLE_NAME } from '../../server/store/sqliteThreaded.ts';
import { call, connect, op } from './helpers.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'warroom-threaded-bundle-'));
const bundle = path.join(tmp, 'app', 'dist', 'server', 'warroom-server.mjs');
const worker = path.join(path.dirname(bundle), SQLITE_WORKER_BUNDLE_NAME);
const children: ChildProcess[] = [];

function start(dataDir: string): { child: ChildProcess; ready: Promise<{ url: string; token: string }>; exit: Promise<number | null>; output: string[] } {
  const child = spawn(process.execPath, [bundle, '--port', '0', '--data-dir', dataDir], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const output: string[] = [];
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise<{ url: string; token: string }>((resolve, reject) => {
    let url: string | null = null;
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      url ??= /^listening on (\S+)$/.exec(line)?.[1] ?? null;
      const token = /^lead token: (\S+)$/.exec(line)?.[1];
      if (url && token) resolve({ url, token });
    });
    void exit.then((code) => reject(new Error(`the bundle exited with ${code}:\n${output.join('\n')}`)));
  });
  return { child, ready, exit, output };
}

beforeAll(async () => {
  await buildServer(bundle);
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('the built server and its SQLite thread', () => {
  it('ships the worker as a second self-contained file beside the bundle', () => {
    expect(existsSync(worker)).toBe(true);
    const text = readFileSync(worker, 'utf8');
    const imports = [...text.matchAll(/^import\s.*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
    expect(imports.every((s) => s.startsWith('node:'))).toBe(true);
    expect(text).toContain('node:sqlite');
  });

  it('commits through the thread; every acked op survives kill -9', { timeout: 60_000 }, async () => {
    const dataDir = path.join(tmp, 'data-kill');
    const s = start(dataDir);
    const { url, token } = await s.ready;
    const c = await connect(url, { token, clientId: 'lia' });
    try {
      expect(await call(c, 'incident:create', op('incident.create', 'k', 'lia', { title: 'Kill me', severity: 'SEV2' }))).toMatchObject({ ok: true, seq: 1 });
      await call(c, 'incident:join', { incidentId: 'k', sinceSeq: 0 });
      const sent = Array.from({ length: 120 }, (_, i) => op('timeline.add', 'k', 'lia', { entryId: `e${i}`, kind: 'note', text: `acked ${i}` }));
      const acks = await Promise.all(sent.map((o) => call<{ ok: boolean; seq: number }>(c, 'op:submit', o)));
      s.child.kill('SIGKILL');
      await s.exit;
      const ok = acks.map((a, i) => ({ a, o: sent[i]! })).filter((x) => x.a.ok);
      expect(ok.length).toBeGreaterThan(50);
      const db = new DatabaseSync(path.join(dataDir, 'warroom.db'), { readOnly: true });
      try {
        const stored = new Map((db.prepare("SELECT seq, op_id FROM ops WHERE incident_id = 'k'").all() as { seq: number; op_id: string }[]).map((r) => [r.seq, r.op_id]));
        for (const { a, o } of ok) expect(stored.get(a.seq)).toBe(o.opId);
      } finally {
        db.close();
      }
    } finally {
      c.close();
    }
  });

  it('without its worker file the bundle refuses to start, naming the file', { timeout: 30_000 }, async () => {
    renameSync(worker, `${worker}.aside`);
    try {
      const s = start(path.join(tmp, 'data-missing'));
      await expect(s.ready).rejects.toThrow(/warroom-sqlite-worker\.mjs or sqliteWorker\.ts\) is missing next to/);
      expect(await s.exit).toBe(1);
    } finally {
      renameSync(`${worker}.aside`, worker);
    }
  });
});

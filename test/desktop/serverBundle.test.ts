/**
 * What the desktop app ships is what is tested: the server bundle is built into a temp folder
 * outside the repo (so nothing can come from node_modules), started with plain `node` on port 0,
 * and must answer /healthz and take one op over a real socket.io client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import { buildServer } from '../../scripts/build-server.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'warroom-server-bundle-'));
const bundle = path.join(tmp, 'app', 'dist', 'server', 'warroom-server.mjs');
const dataDir = path.join(tmp, 'user-data', 'war-room');
let child: ChildProcess | null = null;
const lines: string[] = [];

function startBundle(): Promise<{ url: string; leadToken: string }> {
  child = spawn(process.execPath, [bundle, '--port', '0', '--data-dir', dataDir], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  const c = child;
  return new Promise((resolve, reject) => {
    let url: string | null = null;
    c.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
    createInterface({ input: c.stdout! }).on('line', (line) => {
      lines.push(line);
      url ??= /^listening on (\S+)$/.exec(line)?.[1] ?? null;
      const token = /^lead token: (\S+)$/.exec(line)?.[1];
      if (url && token) resolve({ url, leadToken: token });
    });
    c.once('exit', (code) => reject(new Error(`the bundle exited with ${code}:\n${lines.join('\n')}`)));
  });
}

beforeAll(async () => {
  await buildServer(bundle);
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('the desktop server bundle (dist/server/warroom-server.mjs)', () => {
  it('is one self-contained ES module file', () => {
    expect(statSync(bundle).size).toBeGreaterThan(100_000);
    const text = readFileSync(bundle, 'utf8');
    // Only Node built-ins may be imported at run time: the packaged app has no node_modules.
    const imports = [...text.matchAll(/^import\s.*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
    expect(imports.filter((s) => !s.startsWith('node:') && !['fs', 'path', 'os', 'url', 'util', 'events', 'crypto', 'http', 'stream', 'zlib', 'net', 'tls', 'https', 'child_process', 'module', 'worker_threads'].includes(s))).toEqual([]);
    expect(text).toContain('node:sqlite');
  });

  it('runs under plain node on port 0: /healthz answers and an op is committed over socket.io', async () => {
    const { url, leadToken } = await startBundle();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const socket = io(url, { transports: ['websocket'], auth: { token: leadToken, protocol: PROTOCOL_VERSION, clientId: 'desk' }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((ok, fail) => {
        socket.once('connect', () => ok());
        socket.once('connect_error', fail);
      });
      const op = { opId: randomUUID(), incidentId: 'inc-desk', actorId: 'desk', clientTime: Date.now(), type: 'incident.create', payload: { title: 'Checkout down', severity: 'SEV1' } };
      const ack = await socket.timeout(20_000).emitWithAck('incident:create', op);
      expect(ack).toMatchObject({ ok: true, seq: 1, incidentId: 'inc-desk' });
      const list = await socket.timeout(20_000).emitWithAck('incident:list');
      expect(list).toMatchObject({ ok: true, incidents: [expect.objectContaining({ id: 'inc-desk', title: 'Checkout down' })] });
    } finally {
      socket.close();
    }
    // The embedded store is one SQLite file in the data folder it was given.
    expect(existsSync(path.join(dataDir, 'warroom.db'))).toBe(true);
  }, 60_000);

  it('stops cleanly on SIGTERM, releasing the store for the next start', async () => {
    expect(child?.exitCode).toBeNull();
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'server.lock'))).toBe(false);
  }, 30_000);
});

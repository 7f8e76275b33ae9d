import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { WarRoomServer } from '../../server/createServer.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { call, connect, op, removeDir, startServer, tempDir } from './helpers.ts';

/** A raw GET: fetch() would normalise '..' away before the server sees it. */
function rawGet(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('health, readiness and metrics', () => {
  let dir: string;
  let server: WarRoomServer;
  let storeUp = true;
  beforeAll(async () => {
    dir = tempDir();
    const store = createSqliteStore({ file: join(dir, 'warroom.db') });
    const ping = store.ping.bind(store);
    server = await startServer(dir, {}, { store: { ...store, ping: async () => storeUp && ping() } });
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it('/healthz answers while the process runs; /readyz follows the store', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'sqlite' });
    storeUp = false;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    storeUp = true;
  });

  it('/metrics exposes warroom_ metrics that move with the traffic', async () => {
    const c = await connect(server.url, { token: server.createToken('lead'), clientId: 'mia' });
    await call(c, 'incident:create', op('incident.create', 'm-1', 'mia', { title: 'Metrics', severity: 'SEV4' }));
    await call(c, 'incident:join', { incidentId: 'm-1', sinceSeq: 0 });
    await call(c, 'op:submit', op('timeline.add', 'm-1', 'mia', { entryId: 'a', kind: 'note', text: 'one' }));
    await call(c, 'op:submit', { nonsense: true });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^warroom_connected_clients 1$/m);
    expect(text).toMatch(/^warroom_ops_committed_total 2$/m);
    expect(text).toMatch(/^warroom_op_commit_latency_seconds_count 2$/m);
    expect(text).toMatch(/^warroom_ops_rejected_total\{code="INVALID_OP"\} 1$/m);
    expect(text).toMatch(/^warroom_quarantined_records 0$/m);
    expect(text).toMatch(/^warroom_nodejs_eventloop_lag_seconds /m);
    c.close();
  });
});

describe('static web client', () => {
  let dir: string;
  let server: WarRoomServer;
  let bare: WarRoomServer;
  beforeAll(async () => {
    dir = tempDir();
    const web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>War Room</title>');
    writeFileSync(join(web, 'assets', 'app-1234.js'), 'console.log("app")');
    writeFileSync(join(web, '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'outside.txt'), 'outside the web root');
    symlinkSync(join(dir, 'outside.txt'), join(web, 'link.txt'));
    server = await startServer(join(dir, 'data'), { staticDir: web });
    bare = await startServer(join(dir, 'data2'), { staticDir: join(dir, 'not-built') });
  });
  afterAll(async () => {
    await server.close();
    await bare.close();
    removeDir(dir);
  });

  it('serves the app with the right types and caching', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>War Room</title>');
    const js = await fetch(`${server.url}/assets/app-1234.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const route = await fetch(`${server.url}/incident/black-friday?token=x`);
    expect(await route.text()).toContain('<title>War Room</title>');
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
  });

  it.each([
    '/../outside.txt', '/assets/../../outside.txt', '/%2e%2e/outside.txt', '/%2E%2E%2Foutside.txt', '/..%2foutside.txt',
    '/assets/..%5c..%5coutside.txt', '/link.txt', '/.env', '/%00index.html', '/%E0%A4%A',
  ])('refuses %s', async (path) => {
    const r = await rawGet(server.url, path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('outside the web root');
    expect(r.body).not.toContain('SECRET');
  });

  it('without a build, / says to run npm run build', async () => {
    const r = await fetch(`${bare.url}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('npm run build');
  });
});

/** `warroom token create`: the link carries the running server's address; --incident must exist. */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { call, connect, op, removeDir, startServer, tempDir } from './helpers.ts';

const CLI = resolve(import.meta.dirname, '../../server/cli.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) removeDir(d);
});

/** The environment without the variables that would decide the address or the store for us. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['WARROOM_PUBLIC_URL', 'WARROOM_PORT', 'WARROOM_HOST', 'DATABASE_URL', 'WARROOM_SECRET']) delete env[k];
  return env;
}

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, env: cleanEnv() });

function newDir() {
  const d = tempDir();
  dirs.push(d);
  return d;
}

describe('warroom token create', () => {
  it('refuses --incident for an incident that does not exist, with a sentence, and accepts one that does', async () => {
    const dir = newDir();
    const missing = run(['token', 'create', '--role', 'responder', '--incident', 'no-such-incident', '--data-dir', dir]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('There is no incident "no-such-incident" on this server');
    // The sentence alone: the flags were right, so the usage text would only bury it.
    expect(missing.stderr).not.toContain('Usage');
    expect(missing.stdout).not.toContain('invite token');

    const server = await startServer(dir);
    try {
      const lead = await connect(server.url, { token: server.createToken('lead'), clientId: 'lia' });
      expect(await call(lead, 'incident:create', op('incident.create', 'db-fire', 'lia', { title: 'DB on fire', severity: 'SEV2' }))).toMatchObject({ ok: true });
      lead.close();
    } finally {
      await server.close();
    }
    const ok = run(['token', 'create', '--role', 'responder', '--incident', 'db-fire', '--data-dir', dir]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^responder invite token for db-fire: \S+$/m);
    expect(run(['token', 'create', '--role', 'responder', '--incident', 'db-fir', '--data-dir', dir]).status).toBe(2);
  });

  it('prints a link on the port the server on this data dir listens on, not 4000', async () => {
    const dir = newDir();
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn', '--backup-every-min', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
    children.push(child);
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`no listening line: ${out}`)), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (m) { clearTimeout(timer); ok(m[1]!); }
      });
    });
    expect(url).not.toContain(':4000');
    const r = run(['token', 'create', '--role', 'viewer', '--data-dir', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`web link: ${url}/`);
    // An explicit --public-url still wins over the recorded address.
    expect(run(['token', 'create', '--role', 'viewer', '--data-dir', dir, '--public-url', 'https://war.example.com']).stdout).toContain('web link: https://war.example.com/');
  });
});

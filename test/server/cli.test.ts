import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WarRoomServer } from '../../server/createServer.ts';
import { verifyToken } from '../../server/auth.ts';
import { parseInvite } from '../../shared/invite.ts';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { call, connect, op, removeDir, startServer, tempDir, until, type Client } from './helpers.ts';

const CLI = resolve(import.meta.dirname, '../../server/cli.ts');
const children: ChildProcess[] = [];
const sockets: Client[] = [];
const dirs: string[] = [];
let inProcess: WarRoomServer | null = null;

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await inProcess?.close();
  inProcess = null;
  for (const d of dirs.splice(0)) removeDir(d);
});

interface Started { child: ChildProcess; url: string; stdout: () => string; stderr: () => string }

/** Spawns `warroom serve` and resolves once it printed its listening line. */
function serve(dataDir: string, extra: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', '--backup-every-min', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no listening line within 15 s; stdout: ${out} stderr: ${err}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: m[1]!, stdout: () => out, stderr: () => err });
      }
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${err}`)));
  });
}

/** The first-start invite, written apart from the log stream to a 0600 file in the data dir. */
async function firstInvite(dir: string): Promise<{ token: string; link: string; text: string }> {
  const file = join(dir, 'first-invite.txt');
  await until(() => existsSync(file) && readFileSync(file, 'utf8').includes('desktop link:'), 'the first-start invite file', 15_000);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const text = readFileSync(file, 'utf8');
  return { token: /^lead invite token[^:]*: (\S+)$/m.exec(text)![1]!, link: /^web link: (\S+)$/m.exec(text)![1]!, text };
}

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
}

function newDir() {
  const d = tempDir();
  dirs.push(d);
  return d;
}

describe('warroom CLI', () => {
  it('serve prints the real port and, on first start only, a working lead invite', async () => {
    const dir = newDir();
    const first = await serve(dir);
    const { token, link } = await firstInvite(dir);
    // Not on the log stream (stdout), and on stderr only as a pointer to the file (no TTY here).
    await until(() => first.stderr().includes('first-invite.txt'), 'the pointer to the invite file on stderr');
    expect(first.stdout()).not.toContain(token);
    expect(first.stderr()).not.toContain(token);
    expect(new URL(link).search).toBe('');
    const invite = parseInvite(link);
    expect(invite).toMatchObject({ ok: true, invite: { serverUrl: first.url, token } });
    const c = await connect(first.url, { token, clientId: 'lia' });
    sockets.push(c);
    expect(await call(c, 'session:whoami')).toMatchObject({ ok: true, access: 'lead', incidentId: null });
    c.close();
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    expect(first.child.exitCode).toBe(0);
    rmSync(join(dir, 'first-invite.txt'));
    const second = await serve(dir);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.stdout()).not.toContain('lead invite');
    expect(existsSync(join(dir, 'first-invite.txt'))).toBe(false);
    // A second server on the same data dir is refused while the first runs.
    const third = run(['serve', '--port', '0', '--data-dir', dir, '--log-level', 'silent']);
    expect(third.status).toBe(1);
    expect(third.stderr).toContain(`Another War Room server (pid ${second.child.pid}) is using`);
  });

  it('token create mints a scoped token signed with the data dir secret', async () => {
    const dir = newDir();
    // --incident must name an incident that exists: create inc-9 first.
    inProcess = await startServer(dir);
    const lead = await connect(inProcess.url, { token: inProcess.createToken('lead'), clientId: 'lia' });
    sockets.push(lead);
    expect(await call(lead, 'incident:create', op('incident.create', 'inc-9', 'lia', { title: 'nine', severity: 'SEV3' }))).toMatchObject({ ok: true });
    lead.close();
    await inProcess.close();
    inProcess = null;
    const r = run(['token', 'create', '--role', 'viewer', '--incident', 'inc-9', '--data-dir', dir, '--public-url', 'https://war.example.com']);
    expect(r.status).toBe(0);
    const token = /^viewer invite token for inc-9: (\S+)$/m.exec(r.stdout)?.[1];
    const secret = readFileSync(join(dir, 'secret'), 'utf8').trim();
    expect(verifyToken(secret, token!)).toMatchObject({ role: 'viewer', incidentId: 'inc-9' });
    expect(r.stdout).toContain('web link: https://war.example.com/#token=');
    const bad = run(['token', 'create', '--role', 'admin', '--data-dir', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--role must be one of lead, responder, viewer');
  });

  it('kill -9 right after the acks loses nothing; backup works while serving; restore refuses while a server runs', async () => {
    const dir = newDir();
    const s = await serve(dir);
    const { token } = await firstInvite(dir);
    const clients = await Promise.all(['ana', 'ben', 'cho'].map(async (id) => {
      const c = await connect(s.url, { token, clientId: id });
      sockets.push(c);
      return c;
    }));
    expect(await call(clients[0]!, 'incident:create', op('incident.create', 'crash', 'ana', { title: 'Crash test', severity: 'SEV1' }))).toMatchObject({ ok: true });
    for (const c of clients) await call(c, 'incident:join', { incidentId: 'crash', sinceSeq: 0 });
    const backupFile = join(newDir(), 'live.db');
    const backup = run(['backup', backupFile, '--data-dir', dir]);
    expect(backup.stdout).toContain('1 incidents, 1 ops');
    expect(run(['restore', backupFile, '--data-dir', dir]).stderr).toMatch(/is using/);

    const sent = clients.flatMap((c, i) => Array.from({ length: 40 }, (_, n) => ({ c, o: op('timeline.add', 'crash', ['ana', 'ben', 'cho'][i]!, { entryId: randomUUID(), kind: 'note', text: `acked ${n}` }) })));
    const acks = await Promise.all(sent.map(({ c, o }) => call<{ ok: boolean; seq: number }>(c, 'op:submit', o)));
    s.child.kill('SIGKILL');
    await new Promise((r) => s.child.once('exit', r));
    expect(acks.every((a) => a.ok)).toBe(true);

    inProcess = await startServer(dir);
    const stored = await inProcess.store.readOps('crash', 0);
    const bySeq = new Map(stored.map((o) => [o.seq, o.opId]));
    sent.forEach(({ o }, i) => expect(bySeq.get(acks[i]!.seq)).toBe(o.opId));
    expect(stored).toHaveLength(121);
  });
});

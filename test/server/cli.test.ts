import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WarRoomServer } from '../../server/createServer.ts';
import { verifyToken } from '../../server/auth.ts';
import { parseInvite } from '../../shared/invite.ts';
import { readFileSync } from 'node:fs';
import { call, connect, op, removeDir, startServer, tempDir, type Client } from './helpers.ts';

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

interface Started { child: ChildProcess; url: string; stdout: () => string }

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
      // On first start the invite follows the listening line; wait for it too.
      if (m && (out.includes('desktop link:') || !out.includes('lead invite token'))) {
        clearTimeout(timer);
        setTimeout(() => ok({ child, url: m[1]!, stdout: () => out }), out.includes('lead invite') ? 0 : 50);
      }
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${err}`)));
  });
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
    const token = /^lead invite token[^:]*: (\S+)$/m.exec(first.stdout())?.[1];
    expect(token).toBeDefined();
    const link = /^web link: (\S+)$/m.exec(first.stdout())?.[1];
    const invite = parseInvite(link!);
    expect(invite).toMatchObject({ ok: true, invite: { serverUrl: first.url, token } });
    const c = await connect(first.url, { token: token!, clientId: 'lia' });
    sockets.push(c);
    expect(await call(c, 'session:whoami')).toMatchObject({ ok: true, access: 'lead', incidentId: null });
    c.close();
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    expect(first.child.exitCode).toBe(0);
    const second = await serve(dir);
    expect(second.stdout()).not.toContain('lead invite');
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
    expect(r.stdout).toContain('web link: https://war.example.com/?token=');
    const bad = run(['token', 'create', '--role', 'admin', '--data-dir', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--role must be one of lead, responder, viewer');
  });

  it('kill -9 right after the acks loses nothing; backup works while serving; restore refuses while a server runs', async () => {
    const dir = newDir();
    const s = await serve(dir);
    const token = /^lead invite token[^:]*: (\S+)$/m.exec(s.stdout())![1]!;
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

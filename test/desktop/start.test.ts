import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { inviteParams, parseInvite } from '../../shared/invite.ts';
import { PROTOCOL_VERSION, type HandshakeAuth } from '../../shared/protocol.ts';
import { fallbackSentence, findElectron, linkUrl, parseInviteToken, parseListening, rendererBuildReason } from '../../scripts/startLib.ts';

const root = path.resolve(import.meta.dirname, '../..');
const temps: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** Collects the child's stdout lines until `match` is seen or the deadline passes. */
function waitForLine(child: ChildProcess, match: RegExp, deadlineMs: number): Promise<{ line: RegExpExecArray; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${match} within ${deadlineMs} ms; output:\n${output}`)), deadlineMs);
    createInterface({ input: child.stdout! }).on('line', (l) => {
      output += `${l}\n`;
      const m = match.exec(l);
      if (m) {
        clearTimeout(timer);
        resolve({ line: m, output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code} before printing the URL; output:\n${output}`));
    });
  });
}

/** Asks the server who the invite's token makes us: the printed URL must carry a lead token. */
async function whoami(inviteUrl: string): Promise<unknown> {
  const u = new URL(inviteUrl);
  // A fresh member id per call: an invite cannot claim an id another start already bound.
  const auth: HandshakeAuth = { token: inviteParams(u).get('token')!, protocol: PROTOCOL_VERSION, clientId: `start-test-${randomUUID()}` };
  const socket = io(u.origin, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    return await socket.timeout(10_000).emitWithAck('session:whoami');
  } finally {
    socket.close();
  }
}

/** Runs `node scripts/start.ts` on `dataDir`, checks the fallback it prints and what it serves, then stops it. */
function startEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WARROOM_PORT: '0', WARROOM_DATA_DIR: dataDir, WARROOM_NO_BUILD: '1' };
  // dist/renderer is shared with other suites; this run serves what is there rather than rebuilding it.
  delete env.WARROOM_SERVER_URL;
  delete env.WARROOM_NO_ELECTRON;
  // On a machine where Electron could open a window, ask for the fallback explicitly.
  if (findElectron(root, env).ok) env.WARROOM_NO_ELECTRON = '1';
  return env;
}

async function startAndCheck(dataDir: string): Promise<{ reason: string; url: string }> {
  const env = startEnv(dataDir);
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let found: { reason: string; url: string };
  try {
    const { line } = await waitForLine(child, /^War Room desktop could not start \((.+)\); the browser client is running instead: open (\S+)$/, 90_000)
      .catch((err: Error) => Promise.reject(new Error(`${err.message}\nstderr:\n${stderr}`)));
    found = { reason: line[1]!, url: line[2]! };
    const invite = parseInvite(found.url);
    expect(invite.ok).toBe(true);
    const res = await fetch(found.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/<html/i);
    expect((await fetch(new URL('/healthz', found.url))).status).toBe(200);
    expect(await whoami(found.url)).toMatchObject({ ok: true, access: 'lead' });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
  // Stopping npm start stops the server it started: nothing is left listening.
  await expect(fetch(new URL('/healthz', found.url), { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  return found;
}

describe('npm start without an Electron binary (this machine)', () => {
  it('keeps the server running, says why in one sentence, and prints a browser URL carrying a lead invite; again on a second start', async () => {
    const dataDir = tmp('warroom-start-');
    const first = await startAndCheck(dataDir);
    const expected = findElectron(root, startEnv(dataDir));
    expect(expected.ok).toBe(false);
    // Exactly the reason the check found (here: no downloaded binary, or no display).
    expect(first.reason).toBe(!expected.ok && expected.reason);
    // The second start has no first-start invite from the server, so it mints one; both must be valid lead invites.
    const second = await startAndCheck(dataDir);
    const tokens = [first.url, second.url].map((u) => inviteParams(new URL(u)).get('token'));
    expect(tokens[0]).not.toBe(tokens[1]);
  }, 180_000);
});

describe('start decisions', () => {
  it('finds no Electron without a downloaded binary, and says so', () => {
    const fakeRoot = tmp('warroom-electron-');
    mkdirSync(path.join(fakeRoot, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(path.join(fakeRoot, 'node_modules', 'electron', 'package.json'), '{}');
    expect(findElectron(fakeRoot, {}, 'linux')).toMatchObject({ ok: false, reason: expect.stringMatching(/never downloaded/) });
    writeFileSync(path.join(fakeRoot, 'node_modules', 'electron', 'path.txt'), 'electron');
    expect(findElectron(fakeRoot, {}, 'linux')).toMatchObject({ ok: false, reason: expect.stringMatching(/binary .* is missing/) });
    mkdirSync(path.join(fakeRoot, 'node_modules', 'electron', 'dist'));
    writeFileSync(path.join(fakeRoot, 'node_modules', 'electron', 'dist', 'electron'), '');
    expect(findElectron(fakeRoot, {}, 'linux')).toMatchObject({ ok: false, reason: expect.stringMatching(/no display/) });
    expect(findElectron(fakeRoot, { DISPLAY: ':0' }, 'linux')).toEqual({ ok: true, executable: path.join(fakeRoot, 'node_modules', 'electron', 'dist', 'electron') });
    expect(findElectron(fakeRoot, {}, 'darwin').ok).toBe(true);
    expect(findElectron(fakeRoot, { DISPLAY: ':0', WARROOM_NO_ELECTRON: '1' }, 'linux').ok).toBe(false);
  });

  it('rebuilds the renderer only when it is missing or older than its sources', () => {
    const r = tmp('warroom-stale-');
    mkdirSync(path.join(r, 'renderer'));
    writeFileSync(path.join(r, 'renderer', 'main.tsx'), 'x');
    expect(rendererBuildReason(r)).toMatch(/missing/);
    mkdirSync(path.join(r, 'dist', 'renderer'), { recursive: true });
    writeFileSync(path.join(r, 'dist', 'renderer', 'index.html'), '<html>');
    const now = Date.now() / 1000;
    utimesSync(path.join(r, 'renderer', 'main.tsx'), now - 100, now - 100);
    utimesSync(path.join(r, 'dist', 'renderer', 'index.html'), now - 50, now - 50);
    expect(rendererBuildReason(r)).toBeNull();
    utimesSync(path.join(r, 'renderer', 'main.tsx'), now, now);
    expect(rendererBuildReason(r)).toMatch(/changed/);
  });

  it('reads what the server prints', () => {
    expect(parseListening('listening on http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
    expect(parseListening('{"level":30,"msg":"listening on http://x"}')).toBeNull();
    expect(parseInviteToken('lead invite token: abcdefghijkl.mnop\nweb link: http://h/?token=abcdefghijkl.mnop\n')).toBe('abcdefghijkl.mnop');
    expect(fallbackSentence('no display', 'http://h/?token=t')).toBe('War Room desktop could not start (no display); the browser client is running instead: open http://h/?token=t');
  });

  it.each([
    ['http://0.0.0.0:4000', undefined, 'http://127.0.0.1:4000'],
    ['http://[::]:4000', undefined, 'http://127.0.0.1:4000'],
    ['http://127.0.0.1:4000', undefined, 'http://127.0.0.1:4000'],
    ['http://0.0.0.0:4000', 'http://192.168.1.20:4000/', 'http://192.168.1.20:4000'],
  ])('links to %s (public URL %s) as %s, never to a wildcard address', (listening, pub, expected) => {
    expect(linkUrl(listening, pub)).toBe(expected);
  });
});

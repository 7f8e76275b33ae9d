/**
 * `npm start`: build what is stale, start the server on the embedded store (unless
 * WARROOM_SERVER_URL names one), mint a lead invite, and open the desktop app on it. When Electron
 * cannot run here, say why in one sentence and keep serving the browser client instead.
 *
 * Env: WARROOM_PORT (default 4000; 0 = free port), WARROOM_DATA_DIR (default ./.warroom),
 * WARROOM_SERVER_URL + WARROOM_TOKEN (use a running server), WARROOM_NO_BUILD=1 (serve what
 * dist/ has), WARROOM_NO_ELECTRON=1 (browser client only).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { deepInviteLink, webInviteLink } from '../shared/invite.ts';
import { fallbackSentence, findElectron, linkUrl, parseInviteToken, parseListening, rendererBuildReason } from './startLib.ts';

const root = path.resolve(import.meta.dirname, '..');
const env = process.env;
const SERVER_START_TIMEOUT_MS = 60_000;
/** An Electron that dies this soon after launch did not start (missing libraries, no GPU, ...). */
const ELECTRON_STARTUP_GRACE_MS = 5_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const node = (args: string[], opts: { stdio?: 'inherit' | 'pipe' } = {}) =>
  spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', stdio: opts.stdio ?? 'pipe' });

function buildRenderer(): void {
  const reason = env.WARROOM_NO_BUILD === '1' ? null : rendererBuildReason(root);
  if (!reason) return;
  say(`Building the web client (${reason})…`);
  const r = node([path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) say('The web client build failed (see above); serving the previous build if there is one.');
}

/** After `listening on`, how long to wait for the lead invite the server prints on its first start. */
const FIRST_INVITE_WAIT_MS = 1_000;

/**
 * The server writes its first-start lead invite to this file (not to stdout, which is a log
 * stream). Read it only when this very start wrote it: an older one may have been revoked.
 */
function firstInviteWritten(dataDir: string, since: number): string | null {
  const file = path.join(dataDir, 'first-invite.txt');
  try {
    return statSync(file).mtimeMs >= since ? parseInviteToken(readFileSync(file, 'utf8')) : null;
  } catch {
    return null;
  }
}

function startServer(): Promise<{ child: ChildProcess; url: string; firstInvite: string | null }> {
  const dataDir = path.resolve(env.WARROOM_DATA_DIR ?? '.warroom');
  // Coarse file-system clocks: a second's slack so a file written just now is never missed.
  const since = Date.now() - 1_000;
  const port = env.WARROOM_PORT ?? '4000';
  const child = spawn(process.execPath, [path.join(root, 'server', 'cli.ts'), 'serve', '--port', port, '--data-dir', dataDir], {
    cwd: root,
    env: { ...env, WARROOM_LOG_LEVEL: env.WARROOM_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let url: string | null = null;
    let output = '';
    let settled = false;
    const done = () => {
      if (settled || !url) return;
      settled = true;
      resolve({ child, url, firstInvite: parseInviteToken(output) ?? firstInviteWritten(dataDir, since) });
    };
    const timer = setTimeout(() => reject(new Error(`the server did not report listening within ${SERVER_START_TIMEOUT_MS / 1000} s`)), SERVER_START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      process.stdout.write(`[server] ${line}\n`);
      if (settled) return;
      output += `${line}\n`;
      if (!url && (url = parseListening(line))) {
        clearTimeout(timer);
        setTimeout(done, FIRST_INVITE_WAIT_MS);
      }
      // The first-start invite ends with its desktop link; use that token rather than minting another.
      if (url && line.startsWith('desktop link:')) done();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!url) reject(new Error(`the server exited with code ${code} before listening (see above)`));
    });
  });
}

// Each start mints a fresh lead invite for the person at this machine; it expires in 12 h so they do not pile up.
function mintLeadToken(serverUrl: string): string {
  const dataDir = path.resolve(env.WARROOM_DATA_DIR ?? '.warroom');
  const r = node([path.join(root, 'server', 'cli.ts'), 'token', 'create', '--role', 'lead', '--expires', '12h', '--label', 'npm start', '--data-dir', dataDir, '--public-url', serverUrl]);
  const token = r.status === 0 ? parseInviteToken(r.stdout) : null;
  if (!token) throw new Error(`could not mint a lead invite: ${(r.stderr || r.stdout).trim()}`);
  return token;
}

/** Main, preload and the server bundle the desktop app runs for "Start a war room on this computer". */
function buildMain(): boolean {
  const r = node([path.join(root, 'scripts', 'build-main.ts')], { stdio: 'inherit' });
  return r.status === 0 && node([path.join(root, 'scripts', 'build-server.ts')], { stdio: 'inherit' }).status === 0;
}

/** Resolves with the child when Electron is still up after the grace period, else with why it is not. */
function launchElectron(executable: string, deepLink: string | null, serverUrl: string): Promise<{ child: ChildProcess | null; failure: string | null }> {
  return new Promise((resolve) => {
    // The invite goes through the environment: main trusts it there (development only) without
    // asking, as it would for a warroom:// link from a web page.
    const childEnv = { ...env, WARROOM_SERVER_URL: serverUrl, ...(deepLink ? { WARROOM_DEV_INVITE: deepLink } : {}) };
    const child = spawn(executable, [root], { cwd: root, env: childEnv, stdio: 'inherit' });
    const grace = setTimeout(() => resolve({ child, failure: null }), ELECTRON_STARTUP_GRACE_MS);
    child.once('error', (err) => {
      clearTimeout(grace);
      resolve({ child: null, failure: `Electron failed to launch: ${err.message}` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(grace);
      resolve({ child: null, failure: `Electron exited at launch with ${signal ?? `code ${code}`}` });
    });
  });
}

function stopOnSignals(server: ChildProcess | null, electron: ChildProcess | null): void {
  const stop = (signal: NodeJS.Signals) => {
    electron?.kill(signal);
    if (server && server.exitCode === null) {
      server.once('exit', () => process.exit(0));
      server.kill(signal);
    } else {
      process.exit(0);
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  buildRenderer();
  const remote = env.WARROOM_SERVER_URL?.replace(/\/$/, '') ?? null;
  let server: ChildProcess | null = null;
  let serverUrl: string;
  let token: string | null;
  if (remote) {
    serverUrl = remote;
    token = env.WARROOM_TOKEN ?? null;
    say(`Using the server at ${serverUrl} (WARROOM_SERVER_URL)${token ? '' : '; set WARROOM_TOKEN to an invite token to join it directly'}.`);
  } else {
    const started = await startServer();
    server = started.child;
    serverUrl = linkUrl(started.url, env.WARROOM_PUBLIC_URL);
    // The server writes a lead invite only on its very first start (first-invite.txt); later starts mint one.
    token = started.firstInvite ?? mintLeadToken(serverUrl);
  }
  const browserUrl = token ? webInviteLink(serverUrl, token) : serverUrl;
  const fallback = (reason: string, hint?: string) => {
    say('');
    say(fallbackSentence(reason, browserUrl));
    if (hint) say(hint);
    if (server) say('Press Ctrl+C to stop the server.');
    stopOnSignals(server, null);
  };

  const electron = findElectron(root, env);
  if (!electron.ok) return fallback(electron.reason, electron.hint);
  if (!buildMain()) return fallback('building the desktop main process failed (see above)');
  // Without a token the app starts from its saved settings.
  const link = token ? deepInviteLink(serverUrl, token) : null;
  const launched = await launchElectron(electron.executable, link, serverUrl);
  if (!launched.child) return fallback(launched.failure ?? 'Electron did not start');
  say(`War Room desktop is running, connected to ${serverUrl}. Browser client for others: ${browserUrl}`);
  stopOnSignals(server, launched.child);
  launched.child.once('exit', () => {
    if (server && server.exitCode === null) server.kill('SIGTERM');
    else process.exit(0);
    server?.once('exit', () => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`War Room could not start: ${(err as Error).message}\n`);
  process.exit(1);
});

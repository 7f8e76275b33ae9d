/**
 * A stranger's harness: it knows only README.md and docs/PROTOCOL.md. It runs the server through
 * the documented CLI (`node server/cli.ts serve --port 0 --data-dir …`), mints tokens with the
 * documented `token create`, and talks to it with a plain socket.io client. Nothing from
 * server/ or shared/ is imported, on purpose: what the docs do not say, this client cannot know.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'server', 'cli.ts');
const START_TIMEOUT_MS = 20_000;

export interface Cli { status: number | null; stdout: string; stderr: string }

/** Runs `node server/cli.ts ARGS` as the README writes it, in the repository root. */
export function cli(args: string[], env: Record<string, string> = {}): Cli {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The token on the first line of `token create` ("<role> invite token: <T>"). */
export function tokenOf(out: string): string {
  const first = out.split('\n')[0] ?? '';
  const m = /token\b.*: (\S+)$/.exec(first);
  if (!m) throw new Error(`no token in: ${out}`);
  return m[1]!;
}

export interface Running { url: string; dataDir: string; child: ChildProcess; mint(args: string[]): string; stop(): Promise<void> }

export async function startServer(extra: string[] = [], env: Record<string, string> = {}): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warroom-outsider-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...extra], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WARROOM_SECRET: '', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not listen in time: ${stderr}`)), START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)/.exec(line);
      if (m) { clearTimeout(timer); ok(m[1]!); }
    });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${stderr}`)); });
  });
  return {
    url, dataDir, child,
    mint: (args) => {
      const r = cli(['token', 'create', ...args, '--data-dir', dataDir, '--public-url', url]);
      if (r.status !== 0) throw new Error(`token create failed: ${r.stderr}`);
      return tokenOf(r.stdout);
    },
    stop: () => new Promise<void>((done) => {
      if (child.exitCode !== null) { rmSync(dataDir, { recursive: true, force: true }); done(); return; }
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => { clearTimeout(kill); rmSync(dataDir, { recursive: true, force: true }); done(); });
      child.kill('SIGTERM');
    }),
  };
}

export interface Refusal { code: string; message: string; [k: string]: unknown }
export interface Client { socket: Socket; session: Promise<{ token: string; clientId: string; expiresAt: number }>; heads: unknown[]; committed: Record<string, unknown>[] }

/** Connects as §2 shows; resolves once connected, or rejects with the ConnectRefusal. */
export function connect(url: string, auth: Record<string, unknown>): Promise<Client> {
  const socket = io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  const heads: unknown[] = [];
  const committed: Record<string, unknown>[] = [];
  const session = new Promise<{ token: string; clientId: string; expiresAt: number }>((ok) => socket.on('session:token', ok));
  socket.on('incident:head', (h: unknown) => heads.push(h));
  socket.on('op:committed', (op: Record<string, unknown>) => committed.push(op));
  return new Promise((ok, fail) => {
    socket.once('connect', () => ok({ socket, session, heads, committed }));
    socket.once('connect_error', (err: Error & { data?: Refusal }) => { socket.close(); fail(err.data ?? err); });
  });
}

export const ask = <T = Record<string, unknown>>(c: Client, event: string, payload?: unknown): Promise<T> =>
  c.socket.timeout(10_000).emitWithAck(event, payload) as Promise<T>;

export const op = (incidentId: string, actorId: string, type: string, payload: Record<string, unknown>) =>
  ({ opId: randomUUID(), incidentId, type, actorId, clientTime: Date.now(), payload });

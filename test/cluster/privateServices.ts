// Private PostgreSQL and Redis instances for outage tests: started in a temp dir on a free port,
// restarted and stopped by the test itself, so the shared services other runs use are never
// touched. PostgreSQL runs as the `postgres` user (initdb refuses root). In CI (CI=true) a missing
// binary fails the run; elsewhere the tests that need it are skipped with a sentence.
// As a non-root user the instance simply runs as that user.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { freePort } from '../scaleout/services.ts';

const PG_ROOT = '/usr/lib/postgresql';

function pgBin(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT).filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(PG_ROOT, versions[0], 'bin') : null;
}

function which(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function available(what: string, ok: boolean): boolean {
  if (ok) return true;
  if (process.env.CI === 'true') throw new Error(`${what} is needed for the outage tests; CI requires it.`);
  console.warn(`SKIPPING outage tests: ${what} not found.`);
  return false;
}

const isRoot = () => process.getuid?.() === 0;
/** initdb refuses to run as root: as root the server runs as `postgres` (runuser), otherwise as us. */
export const privatePostgresAvailable = () => available(`PostgreSQL server binaries (${PG_ROOT}/*/bin)${isRoot() ? ' and runuser' : ''}`, pgBin() !== null && (!isRoot() || which('runuser')));
export const privateRedisAvailable = () => available('redis-server', which('redis-server'));

export interface PrivatePostgres {
  url: string;
  port: number;
  stop(): void;
  start(): void;
  /** pg_ctl restart -m fast: every backend is terminated (57P01), as in a failover. */
  restart(): void;
  /** Terminates the backends whose application_name starts with the prefix; returns how many. */
  terminate(applicationNamePrefix: string, queryPrefix?: string): Promise<number>;
  destroy(): void;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBin()!;
  const dir = mkdtempSync(join(tmpdir(), 'warroom-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) => (isRoot()
    ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe', timeout: 60_000 })
    : execFileSync(join(bin, cmd), args, { stdio: 'pipe', timeout: 60_000 }));
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // Superuser "postgres" either way, so the URL below is the same.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => void asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const stop = () => void asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = true;
  return {
    url,
    port,
    start() {
      start();
      running = true;
    },
    stop() {
      stop();
      running = false;
    },
    restart() {
      stop();
      start();
    },
    async terminate(prefix, queryPrefix = '') {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const r = await c.query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name LIKE $1 AND query LIKE $2 AND pid <> pg_backend_pid()`,
          [`${prefix}%`, `${queryPrefix}%`],
        );
        return r.rows.filter((x) => x.ok).length;
      } finally {
        await c.end();
      }
    },
    destroy() {
      try {
        if (running) stop();
      } catch {
        // Already down.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Closes every pub/sub connection (CLIENT KILL TYPE pubsub), as a proxy idle-kill would. */
  killPubSub(): Promise<number>;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const ping = async (): Promise<boolean> => {
    const c = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.ping();
      return true;
    } catch {
      return false;
    } finally {
      await c.close().catch(() => undefined);
    }
  };
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const end = Date.now() + 10_000;
    while (!(await ping())) {
      if (Date.now() > end) throw new Error('private redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((ok) => {
      c.once('exit', () => ok());
      c.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    start,
    stop,
    async killPubSub() {
      const c = createClient({ url });
      c.on('error', () => undefined);
      await c.connect();
      try {
        return Number(await c.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']));
      } finally {
        await c.close();
      }
    },
    destroy: stop,
  };
}

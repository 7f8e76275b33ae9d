/**
 * Benchmark processes: servers and client swarms run in their own Node processes (fork), driven
 * by request/response messages over the IPC channel. Every wait has a timeout, and a child exits
 * when its parent goes away, so nothing outlives a run.
 */
import { fork, type ChildProcess } from 'node:child_process';

interface Request { id: number; cmd: string; args: unknown }
interface Reply { id: number; ok: boolean; result?: unknown; error?: string }

export interface Child {
  readonly pid: number;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to stop, then kills it if it has not exited within the grace period. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  execArgv?: string[];
  env?: Record<string, string>;
  /** How long the child may take to say it is ready. */
  readyTimeoutMs?: number;
}

/** Starts `entry` (a .ts file that calls serveChild) and waits for its ready message. */
export async function startChild<R = unknown>(entry: string, args: string[] = [], options: ChildOptions = {}): Promise<{ child: Child; ready: R }> {
  const proc: ChildProcess = fork(entry, args, {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => proc.once('exit', () => {
    exited = true;
    for (const w of waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new Error(`${entry} exited`));
    }
    waiting.clear();
    resolve();
  }));
  const ready = new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready in time`)), options.readyTimeoutMs ?? 60_000);
    proc.on('message', (m: { ready?: R } & Partial<Reply>) => {
      if (m && 'ready' in m) {
        clearTimeout(timer);
        resolve(m.ready as R);
        return;
      }
      const w = typeof m?.id === 'number' ? waiting.get(m.id) : undefined;
      if (!w) return;
      waiting.delete(m.id!);
      clearTimeout(w.timer);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(`${entry}: ${m.error}`));
    });
    void exitPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before it was ready`));
    });
  });
  const child: Child = {
    pid: proc.pid ?? -1,
    call<T>(cmd: string, a?: unknown, timeoutMs = 120_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`${entry} has exited`));
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${entry}: "${cmd}" took longer than ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        proc.send({ id, cmd, args: a } satisfies Request);
      });
    },
    async stop(graceMs = 5_000) {
      if (exited) return;
      try {
        proc.send({ id: 0, cmd: '__exit', args: null } satisfies Request);
      } catch {
        // The channel is already closed; the kill below handles it.
      }
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
  try {
    return { child, ready: await ready };
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
}

export type Handlers = Record<string, (args: never) => unknown>;

/** The child side: answers the parent's requests with `handlers`, then says it is ready. */
export function serveChild(handlers: Handlers, ready: unknown, onExit?: () => Promise<void> | void): void {
  if (!process.send) throw new Error('This file is a benchmark process; run it through npm run bench.');
  const send = (m: unknown) => process.send?.(m);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: Request) => {
    if (m.cmd === '__exit') {
      void Promise.resolve(onExit?.()).finally(() => process.exit(0));
      return;
    }
    const h = handlers[m.cmd];
    if (!h) {
      send({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => (h as (a: unknown) => unknown)(m.args))
      .then((result) => send({ id: m.id, ok: true, result }), (err: unknown) => send({ id: m.id, ok: false, error: String((err as Error)?.stack ?? err) }));
  });
  send({ ready });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Memory of this process after a full GC when --expose-gc is on. */
/**
 * memoryNow after a memory-reducing ("last resort") GC, which also gives V8's pooled free pages back
 * to the OS: tells memory the process holds for reuse from memory it uses (diagnostic only).
 */
export function memoryAfterReducingGc(): ReturnType<typeof memoryNow> {
  (globalThis as { gc?: (o?: { type: string; execution: string; flavor: string }) => void }).gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return memoryNow();
}

export function memoryNow(): { rss: number; heapUsed: number; heapTotal: number; external: number; maxRss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  // maxRss: the process's peak so far (getrusage), to tell a high peak from memory still held.
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external + m.arrayBuffers, maxRss: process.resourceUsage().maxRSS * 1024 };
}

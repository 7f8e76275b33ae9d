/**
 * The embedded store on its own thread: the same createSqliteStore (server/store/sqlite.ts) runs in
 * a worker_threads worker (sqliteWorker.ts), and this proxy forwards each Store call to it by
 * request id. Every COMMIT (an fsync) and every snapshot (canonical JSON + SHA-256 of the whole
 * state) then costs the server's event loop nothing, and an append still resolves only after the
 * worker's COMMIT returned, so an acked op survives kill -9 as before.
 *
 * Errors cross as plain records and are rebuilt here: a SeqConflictError is a real SeqConflictError
 * again, any other keeps its message, name and the `code` / `errcode` / `errstr` fields
 * server/storeFailure.ts classifies by. A worker that dies rejects every pending and later call with
 * a sentence saying so; none hangs. open() after close() (or after a crash) starts a new worker.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { SqliteStoreOptions } from './sqlite.ts';
import { SeqConflictError, type Store } from './store.ts';

/** The worker's file: next to this module from source (.ts), next to the bundle once built (scripts/build-server.ts). */
export const SQLITE_WORKER_BUNDLE_NAME = 'warroom-sqlite-worker.mjs';
const WORKER_CANDIDATES = [SQLITE_WORKER_BUNDLE_NAME, 'sqliteWorker.ts'];

export function sqliteWorkerFile(): URL {
  for (const name of WORKER_CANDIDATES) {
    const url = new URL(`./${name}`, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new Error(`The SQLite store thread's file (${WORKER_CANDIDATES.join(' or ')}) is missing next to ${import.meta.url}; rebuild the server (npm run build:server) or set WARROOM_SQLITE_THREAD=0.`);
}

/** Store methods the worker answers; `close` also ends the worker. */
export type WorkerMethod = Exclude<keyof Store, 'kind'>;
export interface WorkerRequest { id: number; method: WorkerMethod; args: unknown[] }
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string | number;
  errcode?: string | number;
  errstr?: string | number;
  incidentId?: string;
  seq?: number;
  cause?: WireError;
}
export type WorkerMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: WireError }
  | { type: 'warning'; message: string };

const FIELDS = ['code', 'errcode', 'errstr'] as const;

/** An error as a structured-clone-safe record (the worker side). */
export function toWire(e: unknown, depth = 0): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: WireError = { name: e.name, message: e.message };
  if (e.stack !== undefined) out.stack = e.stack;
  for (const key of FIELDS) {
    const v = Object.hasOwn(e, key) ? (e as unknown as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string' || typeof v === 'number') out[key] = v;
  }
  if (e instanceof SeqConflictError) {
    out.incidentId = e.incidentId;
    out.seq = e.seq;
  }
  if (e.cause !== undefined && depth < 3) out.cause = toWire(e.cause, depth + 1);
  return out;
}

/** The error again, on this side: a real SeqConflictError, or an Error with the same fields. */
export function fromWire(w: WireError): Error {
  if (w.name === 'SeqConflictError' && typeof w.incidentId === 'string' && typeof w.seq === 'number') {
    return new SeqConflictError(w.incidentId, w.seq);
  }
  const e = new Error(w.message, w.cause ? { cause: fromWire(w.cause) } : undefined);
  e.name = w.name;
  for (const key of FIELDS) if (w[key] !== undefined) (e as unknown as Record<string, unknown>)[key] = w[key];
  if (w.stack) e.stack = `${w.stack}\n    (in the SQLite store thread)`;
  return e;
}

interface Call { resolve: (value: unknown) => void; reject: (err: Error) => void; method: WorkerMethod }

export interface ThreadedSqliteOptions extends SqliteStoreOptions {
  /** The worker's module; tests give one that wraps the real sqliteWorker.ts. */
  workerFile?: URL;
}

export function createThreadedSqliteStore(options: ThreadedSqliteOptions): Store & { readonly file: string } {
  const { file } = options;
  let worker: Worker | null = null;
  /** Why the worker is gone when it was not closed: every call rejects with it until open() starts a new one. */
  let dead: Error | null = null;
  let nextId = 1;
  const calls = new Map<number, Call>();
  /** Settles when the last thread has fully stopped (its connection closed, the file released). */
  let exited: Promise<void> = Promise.resolve();

  function failAll(err: Error): void {
    const all = [...calls.values()];
    calls.clear();
    for (const c of all) c.reject(err);
  }

  function start(): Worker {
    const w = new Worker(options.workerFile ?? sqliteWorkerFile(), {
      workerData: { file },
      // The thread inherits Node's flags. Only a `node --input-type=… -e` parent needs a list of its own
      // (that flag refuses a file); a list is checked strictly, so V8 flags would be refused in it.
      ...(process.execArgv.some((a) => a.startsWith('--input-type')) ? { execArgv: process.execArgv.filter((a) => !a.startsWith('--input-type')) } : {}),
    });
    // Idle, the thread does not keep the process alive (the in-thread store never did); a pending call does.
    w.unref();
    exited = new Promise((r) => w.once('exit', () => r()));
    const gone = (why: string, cause?: unknown) => {
      if (worker !== w) return;
      worker = null;
      dead = new Error(`The SQLite store thread ${why}; the store of ${file} is unusable until the server restarts.`, cause === undefined ? undefined : { cause });
      failAll(dead);
    };
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'warning') {
        options.onWarning?.(m.message);
        return;
      }
      const c = calls.get(m.id);
      if (!c) return;
      calls.delete(m.id);
      if (calls.size === 0) w.unref();
      if (m.ok) c.resolve(m.value);
      else c.reject(fromWire(m.error));
    });
    w.on('error', (err) => gone(`failed (${err.message})`, err));
    w.on('messageerror', (err) => gone(`sent a message that could not be read (${err.message})`, err));
    w.on('exit', (code) => gone(`stopped (exit code ${code})`));
    return w;
  }

  function call<T>(method: WorkerMethod, ...args: unknown[]): Promise<T> {
    const w = worker;
    if (!w) return Promise.reject(dead ?? new Error('The SQLite store is not open.'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      if (calls.size === 0) w.ref();
      calls.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      try {
        w.postMessage({ id, method, args } satisfies WorkerRequest);
      } catch (e) {
        calls.delete(id);
        if (calls.size === 0) w.unref();
        reject(e as Error);
      }
    });
  }

  return {
    kind: 'sqlite',
    file,
    async open() {
      if (!worker) {
        dead = null;
        worker = start();
      }
      return call('open');
    },
    async close() {
      const w = worker;
      // A thread that died may still be tearing down (and closing its connection): closed means released.
      if (!w) return exited;
      try {
        await call('close');
      } catch (e) {
        // A thread that died has nothing left to close (its connection went with it).
        if (e !== dead) throw e;
      } finally {
        // From here its exit is expected: not a death to report.
        worker = null;
        await w.terminate();
        failAll(new Error('The SQLite store was closed.'));
      }
    },
    async ping() {
      return call<boolean>('ping').catch(() => false);
    },
    listIncidentIds: () => call('listIncidentIds'),
    headSeq: (incidentId) => call('headSeq', incidentId),
    findByOpId: (opId) => call('findByOpId', opId),
    readOps: (incidentId, afterSeq, limit) => (limit === undefined ? call('readOps', incidentId, afterSeq) : call('readOps', incidentId, afterSeq, limit)),
    latestSnapshot: (incidentId, atMostSeq) => (atMostSeq === undefined ? call('latestSnapshot', incidentId) : call('latestSnapshot', incidentId, atMostSeq)),
    saveSnapshot: (snapshot) => call('saveSnapshot', snapshot),
    snapshotFromLog: (incidentId, seq) => call('snapshotFromLog', incidentId, seq),
    append: (ops) => (ops.length === 0 ? Promise.resolve() : call('append', ops)),
    quarantined: () => call('quarantined'),
    backup: (toFile) => call('backup', toFile),
  };
}

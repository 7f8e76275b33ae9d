/**
 * The SQLite store's thread (see sqliteThreaded.ts): runs the unchanged createSqliteStore on the
 * file in workerData and answers the proxy's requests one at a time, in the order they came.
 *
 * snapshotFromLog(incidentId, seq) is built here: the newest valid snapshot at or below seq, the
 * stored ops after it folded with the shared reducer exactly as the engine's catch-up folds them
 * (in place, page by page; an op the reducer refuses is skipped), then saved by the store's own
 * saveSnapshot, so the row is byte for byte what the engine's state would have given. The state
 * saved last is kept for the next job of that incident, which folds on from it without reading it
 * back. Each step (read the snapshot, each page of ops, the save) takes its turn with the other
 * requests, so an append that arrives meanwhile waits for one step, not the whole job. Jobs of one
 * incident run one after the other; a job at or below a seq already saved does nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IncidentState } from '../../shared/model.ts';
import { foldBatch } from '../../shared/reducer.ts';
import { createSqliteStore } from './sqlite.ts';
import { toWire, type WorkerMessage, type WorkerRequest } from './sqliteThreaded.ts';
import type { Snapshot } from './store.ts';

/** Ops read per step while folding (the engine's READ_PAGE_OPS). */
const READ_PAGE_OPS = 5_000;

const port = parentPort;
if (!port) throw new Error('sqliteWorker.ts runs as a worker thread of the SQLite store (sqliteThreaded.ts).');
const { file } = workerData as { file: string };
const send = (m: WorkerMessage) => port.postMessage(m);
const store = createSqliteStore({ file, onWarning: (message) => send({ type: 'warning', message }) });

let turn: Promise<unknown> = Promise.resolve();
/** Runs fn after every request and step queued before it. */
function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const run = turn.then(fn);
  turn = run.catch(() => undefined);
  return run;
}

/** Highest seq each incident has a snapshot at, saved by this thread. */
const savedSeq = new Map<string, number>();
/**
 * The state this thread last saved, for the few incidents snapshotted most recently: the next job
 * folds on from it instead of reading, hashing and parsing that snapshot back (the state is the
 * same fold of the same ops; the engine too folds on from the state it holds).
 */
const lastSaved = new Map<string, Snapshot>();
const KEEP_STATES = 4;
/** The tail of each incident's chain of snapshot jobs. */
const jobs = new Map<string, Promise<void>>();

async function foldLog(incidentId: string, base: Snapshot | null, seq: number): Promise<IncidentState | null> {
  let state = base?.state ?? null;
  let head = base?.seq ?? 0;
  while (head < seq) {
    const want = Math.min(READ_PAGE_OPS, seq - head);
    const after = head;
    const ops = await inTurn(() => store.readOps(incidentId, after, want));
    const batch = foldBatch(state);
    const before = head;
    for (const op of ops) {
      if (op.seq <= head || op.seq > seq) continue;
      batch.apply(op); // refused: skipped, as in the engine's catch-up
      head = op.seq;
    }
    state = batch.state;
    if (ops.length < want || head === before) break;
  }
  return state;
}

async function snapshotJob(incidentId: string, seq: number): Promise<void> {
  if (seq <= (savedSeq.get(incidentId) ?? 0)) return;
  const kept = lastSaved.get(incidentId);
  const base = kept && kept.seq < seq ? kept : await inTurn(() => store.latestSnapshot(incidentId, seq));
  if (base && base.seq >= seq) {
    savedSeq.set(incidentId, Math.max(savedSeq.get(incidentId) ?? 0, base.seq));
    return;
  }
  lastSaved.delete(incidentId);
  let state: IncidentState | null;
  try {
    state = await foldLog(incidentId, base, seq);
  } catch (e) {
    if (!base) throw e;
    // A snapshot that passed the store's check can still be unusable; the log is the truth (engine.ts load()).
    state = await foldLog(incidentId, null, seq);
  }
  if (!state) return;
  const folded = state;
  await inTurn(() => store.saveSnapshot({ incidentId, seq, state: folded }));
  savedSeq.set(incidentId, Math.max(savedSeq.get(incidentId) ?? 0, seq));
  lastSaved.set(incidentId, { incidentId, seq, state: folded });
  for (const id of lastSaved.keys()) if (lastSaved.size > KEEP_STATES) lastSaved.delete(id);
}

function snapshotFromLog(incidentId: string, seq: number): Promise<void> {
  const run = (jobs.get(incidentId) ?? Promise.resolve()).then(() => snapshotJob(incidentId, seq));
  const tail = run.catch(() => undefined);
  jobs.set(incidentId, tail);
  void tail.then(() => {
    if (jobs.get(incidentId) === tail) jobs.delete(incidentId);
  });
  return run;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  const a = req.args;
  switch (req.method) {
    case 'snapshotFromLog':
      return snapshotFromLog(a[0] as string, a[1] as number);
    case 'close':
      // Snapshot jobs already asked for finish first, as they did when saving blocked the caller.
      await Promise.all(jobs.values());
      return inTurn(() => store.close());
    default: {
      const method = store[req.method] as (...args: unknown[]) => Promise<unknown>;
      return inTurn(() => method(...a));
    }
  }
}

port.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (value) => send({ type: 'reply', id: req.id, ok: true, value }),
    (err: unknown) => send({ type: 'reply', id: req.id, ok: false, error: toWire(err) }),
  );
});

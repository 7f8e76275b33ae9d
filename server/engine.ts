/**
 * The ordering core: a per-incident state cache folded with the shared reducer, the group-commit
 * queue and the join read path. Every step that reads or changes the cache runs under one
 * exclusive lock, so a join's answer and the room it enters never miss or repeat an op
 * committed by this node.
 *
 * The cache is an LRU bounded by an estimated byte budget (limits.cacheBytes): an incident that
 * falls out keeps a small cold record (head, summary) so the list, summaries and the duty clock
 * stay cheap, and comes back from its newest snapshot plus the ops after it on its next use.
 */
import { refuse, type Refusal } from '../shared/errors.ts';
import type { IncidentState, IncidentSummary } from '../shared/model.ts';
import type { CommittedOp, Op } from '../shared/ops.ts';
import type { JoinResult } from '../shared/protocol.ts';
import { foldBatch } from '../shared/reducer.ts';
import { summarize } from '../shared/summary.ts';
import type { Limits } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { SeqConflictError, type Store } from './store/store.ts';
import { storeRefusal } from './storeFailure.ts';

/** Ops read from the store per query while folding an incident. */
const READ_PAGE_OPS = 5_000;
/** Attempts to commit a batch when other nodes keep taking our seqs. */
const MAX_COMMIT_ATTEMPTS = 8;
/** Upper bound of the random pause before conflict retry n is n × this (ms). */
const CONFLICT_BACKOFF_MS = 15;

interface Entry {
  id: string;
  state: IncidentState | null;
  /** Highest seq in the store that this cache folded (a refused or missing op still counts). */
  head: number;
  lastServerTime: number;
  snapshotSeq: number;
  /** Estimated size of `state` (see opBytes). */
  bytes: number;
}

/** What is kept of an incident that left the cache: enough to list it and to notice a write elsewhere. */
interface Cold {
  head: number;
  lastServerTime: number;
  snapshotSeq: number;
  summary: Summary;
}

/**
 * The byte estimate: the JSON length of what was folded in (the snapshot's state once, then each
 * op). It is deterministic and costs one stringify per op or snapshot, next to the parse and fold
 * that work already does; the real heap size of a state is ≈ 1.4× it (measured on timeline
 * notes). Walking the state instead would cost O(timeline) per commit; counting ops alone would
 * make a 100-op incident with a huge snapshot look small.
 */
const opBytes = (op: CommittedOp) => JSON.stringify(op).length;

/** While serving, a snapshot waits for at least 1/this of the timeline's length in new ops (snapshotGap). */
const SNAPSHOT_GAP_SHARE = 4;
/** A cold incident whose unsnapshotted tail is at least this share of snapshotEveryOps gets a snapshot first. */
const EVICT_SNAPSHOT_SHARE = 0.25;

/** A duplicate names the incident of the original op: an opId reused for another incident is visible. */
export type SubmitAck = { ok: true; seq: number; duplicate?: boolean; incidentId?: string } | Refusal;

interface Pending {
  op: Op;
  receivedAt: bigint;
  resolve: (ack: SubmitAck) => void;
}

export interface EngineHooks {
  /** Called once per committed op, in seq order, before the submitter's ack. */
  onCommitted(op: CommittedOp): void;
  /** Called when a field the incident list shows changed. */
  onSummaryChanged(incidentId: string): void;
}

export interface EngineDeps {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  limits: Limits;
  hooks: EngineHooks;
  /** True when nothing else writes to the store (commits then skip the catch-up read). */
  soleWriter?: boolean;
}

export type Summary = Omit<IncidentSummary, 'online'>;

function byIncident<T extends { op: Op }>(items: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const g = groups.get(item.op.incidentId);
    if (g) g.push(item);
    else groups.set(item.op.incidentId, [item]);
  }
  return [...groups.values()];
}

export function summaryOf(_id: string, state: IncidentState, head: number): Summary {
  const { online: _online, ...row } = summarize(state, 0, head);
  return row;
}

const listKey = (s: Summary | null) => (s ? JSON.stringify({ ...s, headSeq: 0 }) : '');

export function createEngine(deps: EngineDeps) {
  const { store, logger, metrics, limits, hooks } = deps;
  // The only writer of its store (a server's own SQLite file under the data dir's lock): the cache is
  // never behind the store, so a commit needs no catch-up read first. On the threaded store that read
  // was a second thread round trip per batch (≈ 0.8 ms each when the thread was idle).
  const soleWriter = deps.soleWriter === true;
  /** Hot incidents in LRU order: the first is the least recently used (touch() moves one to the end). */
  const cache = new Map<string, Entry>();
  const cold = new Map<string, Cold>();
  let cachedBytes = 0;
  let evictions = 0;
  const pending: Pending[] = [];
  const inflight = new Map<string, Promise<SubmitAck>>();
  const firstIncident = new Map<string, string>();
  let flushScheduled = false;
  let lock: Promise<unknown> = Promise.resolve();
  let closed = false;

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn);
    lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Ops between two snapshots while serving: snapshotEveryOps, or a quarter of the timeline when
   * that is more. A snapshot costs O(state), so a fixed gap makes a growing incident pay O(n²) in
   * all; growing with the state keeps it O(1) per op, and a restart or a cold reload still folds at
   * most that many ops (in place: O(ops)).
   */
  function snapshotGap(state: IncidentState): number {
    return Math.max(limits.snapshotEveryOps, Math.floor(state.timeline.length / SNAPSHOT_GAP_SHARE));
  }

  /** Saves a snapshot in the background: built by the store off this thread when it can, else serialized here. */
  function snapshot(incidentId: string, seq: number, state: IncidentState): void {
    const saved = store.snapshotFromLog ? store.snapshotFromLog(incidentId, seq) : store.saveSnapshot({ incidentId, seq, state });
    saved.catch((err: unknown) => logger.warn({ err, incidentId }, 'snapshot not saved'));
  }

  function fold(entry: Entry, batch: ReturnType<typeof foldBatch>, op: CommittedOp): void {
    if (op.seq <= entry.head) return;
    const r = batch.apply(op);
    if (!r.ok) logger.warn({ incidentId: op.incidentId, seq: op.seq, code: r.code }, 'stored op refused by the reducer; skipped');
    entry.head = op.seq;
    entry.lastServerTime = Math.max(entry.lastServerTime, op.serverTime);
    grow(entry, opBytes(op));
  }

  /** Adds to an entry's estimate, and to the cache's total when the entry is in it. */
  function grow(entry: Entry, bytes: number): void {
    entry.bytes += bytes;
    if (cache.get(entry.id) === entry) cachedBytes += bytes;
  }

  function touch(entry: Entry): void {
    cache.delete(entry.id);
    cache.set(entry.id, entry);
  }

  function insert(entry: Entry): void {
    cold.delete(entry.id);
    cache.set(entry.id, entry);
    cachedBytes += entry.bytes;
  }

  /** Forgets an incident entirely (no state: held back or not found). */
  function drop(id: string): void {
    const e = cache.get(id);
    if (e) cachedBytes -= e.bytes;
    cache.delete(id);
    cold.delete(id);
  }

  /** Keeps the cold record of an entry, after a snapshot when its tail is long. Not for one a commit is working on. */
  function keepCold(entry: Entry): void {
    const state = entry.state;
    if (!state) return;
    if (entry.head - entry.snapshotSeq >= Math.max(1, limits.snapshotEveryOps * EVICT_SNAPSHOT_SHARE)) {
      entry.snapshotSeq = entry.head;
      snapshot(entry.id, entry.head, state);
    }
    cold.set(entry.id, { head: entry.head, lastServerTime: entry.lastServerTime, snapshotSeq: entry.snapshotSeq, summary: summaryOf(entry.id, state, entry.head) });
  }

  /**
   * Evicts least recently used incidents until the estimate fits the budget. Runs at the end of
   * each locked step, so no commit holds an entry; the most recently used one always stays, so a
   * single incident bigger than the budget is still served from memory.
   */
  function trim(): void {
    for (const [id, e] of cache) {
      if (cachedBytes <= limits.cacheBytes || cache.size <= 1) return;
      keepCold(e);
      cache.delete(id);
      cachedBytes -= e.bytes;
      evictions++;
    }
  }

  async function catchUp(entry: Entry): Promise<void> {
    for (;;) {
      const ops = await store.readOps(entry.id, entry.head, READ_PAGE_OPS);
      // One in-place batch per page: a long tail after a snapshot costs O(ops), not O(ops × timeline).
      const batch = foldBatch(entry.state);
      for (const op of ops) fold(entry, batch, op);
      entry.state = batch.state;
      if (ops.length < READ_PAGE_OPS) return;
    }
  }

  /**
   * Catches up, then takes the store's recorded head when it is above the last op served (a
   * quarantined head op): that seq stays taken, so the next op gets head + 1 and no seq is given
   * twice. The head is read first: every op at or below it is already readable, so none is skipped.
   */
  async function catchUpToStoredHead(entry: Entry): Promise<void> {
    const stored = await store.headSeq(entry.id);
    await catchUp(entry);
    entry.head = Math.max(entry.head, stored);
  }

  async function load(id: string): Promise<Entry> {
    const stored = await store.headSeq(id);
    const fresh = (): Entry => ({ id, state: null, head: 0, lastServerTime: 0, snapshotSeq: 0, bytes: 0 });
    const snap = await store.latestSnapshot(id);
    let entry = fresh();
    if (snap) entry = { id, state: snap.state, head: snap.seq, lastServerTime: snap.state.updatedAt, snapshotSeq: snap.seq, bytes: JSON.stringify(snap.state).length };
    try {
      await catchUp(entry);
    } catch (e) {
      if (!snap) throw e;
      // A snapshot that passed the store's shape check can still be unusable; the log is the truth.
      logger.warn({ incidentId: id, seq: snap.seq, err: e }, 'snapshot unusable; rebuilding the incident from its ops');
      entry = fresh();
      await catchUp(entry);
    }
    // A snapshot discarded by the store's check (or none) costs a long fold on every start: save a new one.
    if (entry.state && entry.head - entry.snapshotSeq >= limits.snapshotEveryOps) {
      entry.snapshotSeq = entry.head;
      snapshot(id, entry.head, entry.state);
    }
    entry.head = Math.max(entry.head, stored);
    return entry;
  }

  /** The cached entry, loaded on first use (or back from cold) and caught up with ops other nodes wrote; now the most recently used. */
  async function entryOf(id: string, fresh: boolean): Promise<Entry> {
    let entry = cache.get(id);
    if (!entry) {
      entry = await load(id);
      insert(entry);
    } else {
      touch(entry);
      if (fresh) await catchUp(entry);
    }
    return entry;
  }

  /**
   * For the list and the start: a cold incident is reloaded only when the store's head moved
   * (another node wrote), and one that does not fit the budget goes straight back to cold.
   */
  async function look(id: string): Promise<void> {
    const hot = cache.get(id);
    if (hot) {
      await catchUp(hot);
      return;
    }
    const c = cold.get(id);
    if (c && (await store.headSeq(id)) === c.head) return;
    const entry = await load(id);
    if (!entry.state) {
      drop(id);
      return;
    }
    if (cache.size === 0 || cachedBytes + entry.bytes <= limits.cacheBytes) insert(entry);
    else keepCold(entry);
  }

  /** Answers a resubmitted op with its original seq; false when the opId is new. */
  async function answeredAsDuplicate(item: Pending): Promise<boolean> {
    const dup = await store.findByOpId(item.op.opId);
    if (dup) item.resolve({ ok: true, seq: dup.seq, duplicate: true, incidentId: dup.incidentId });
    return dup !== null;
  }

  /**
   * Duplicates are looked up only where they can show: a resubmitted op is refused by the reducer
   * (its entry already exists…) or, if it still applies, the store's unique opId makes append fail
   * and the retry looks every op up. New ops, the common case, cost no lookup.
   */
  async function commit(items: Pending[], attempt: number): Promise<void> {
    const live: Pending[] = [];
    for (const item of items) if (attempt === 1 || !(await answeredAsDuplicate(item))) live.push(item);
    if (live.length === 0) return;
    // Each incident's batch folds in place into one private copy (O(timeline) once per batch, not per op);
    // a failed append drops it, and the cache keeps the state it had.
    const work = new Map<string, { entry: Entry; batch: ReturnType<typeof foldBatch>; head: number; time: number; before: string; bytes: number }>();
    const committed: { op: CommittedOp; item: Pending }[] = [];
    for (const item of live) {
      const { op } = item;
      let w = work.get(op.incidentId);
      if (!w) {
        // Fresh: on a shared store another node may have written ops this cache has not folded, and
        // judging an op against a stale state would refuse a valid edit. One range query per batch.
        const entry = await entryOf(op.incidentId, !soleWriter);
        const before = listKey(entry.state ? summaryOf(entry.id, entry.state, entry.head) : null);
        w = { entry, batch: foldBatch(entry.state), head: entry.head, time: entry.lastServerTime, before, bytes: 0 };
        work.set(op.incidentId, w);
      }
      // Seqs taken but no state: every op of it is quarantined. Not a new incident to create over.
      if (!w.batch.state && w.head > 0) {
        item.resolve(refuse('INCIDENT_HELD_BACK', op.incidentId));
        continue;
      }
      const time = Date.now();
      const c = { ...op, seq: w.head + 1, serverTime: time } as CommittedOp;
      const r = w.batch.apply(c);
      if (!r.ok) {
        if (attempt > 1 || !(await answeredAsDuplicate(item))) item.resolve(r);
        continue;
      }
      w.head = c.seq;
      w.time = Math.max(w.time, time);
      w.bytes += opBytes(c);
      committed.push({ op: c, item });
    }
    try {
      await store.append(committed.map((c) => c.op));
    } catch (e) {
      if (e instanceof SeqConflictError) metrics.seqConflicts.inc();
      if (e instanceof SeqConflictError && attempt < MAX_COMMIT_ATTEMPTS) {
        logger.info({ incidentId: e.incidentId, seq: e.seq, attempt }, 'seq or opId already in the store; catching up and retrying');
        // A random pause, growing per attempt, so nodes racing for a hot incident stop colliding in step.
        await new Promise((r) => setTimeout(r, Math.random() * CONFLICT_BACKOFF_MS * attempt));
        for (const w of work.values()) await catchUpToStoredHead(w.entry);
        // Retried one incident at a time: a race lost on one hot incident no longer sinks the others' ops.
        for (const group of byIncident(committed.map((c) => c.item))) await commit(group, attempt + 1);
        return;
      }
      // A hot incident where other nodes won every race: not this op's fault, and it can be sent again.
      if (e instanceof SeqConflictError) {
        metrics.seqConflictsExhausted.inc();
        logger.warn({ incidentId: e.incidentId, attempts: attempt, ops: committed.length }, 'seq conflicts on every attempt; refused SEQ_CONFLICT');
        for (const c of committed) c.item.resolve(refuse('SEQ_CONFLICT'));
        return;
      }
      metrics.storeErrors.inc({ op: 'append' });
      logger.error({ err: e, ops: committed.length }, 'commit failed');
      // An outage is STORE_UNAVAILABLE (clients keep the change and resend it); a bug stays INTERNAL.
      const answer = storeRefusal(e);
      for (const c of committed) c.item.resolve(answer);
      return;
    }
    for (const w of work.values()) {
      w.entry.state = w.batch.state;
      w.entry.head = w.head;
      w.entry.lastServerTime = w.time;
      grow(w.entry, w.bytes);
      if (!w.batch.state) drop(w.entry.id);
    }
    if (committed.length > 0) metrics.commitBatchSize.observe(committed.length);
    for (const { op, item } of committed) {
      hooks.onCommitted(op);
      metrics.opsCommitted.inc();
      metrics.commitLatency.observe(Number(process.hrtime.bigint() - item.receivedAt) / 1e9);
      item.resolve({ ok: true, seq: op.seq });
    }
    for (const w of work.values()) {
      const state = w.entry.state;
      if (!state) continue;
      if (listKey(summaryOf(w.entry.id, state, w.entry.head)) !== w.before) hooks.onSummaryChanged(w.entry.id);
      if (w.entry.head - w.entry.snapshotSeq >= snapshotGap(state)) {
        w.entry.snapshotSeq = w.entry.head;
        snapshot(w.entry.id, w.entry.head, state);
      }
    }
  }

  function refreshed(incidentId: string): Promise<{ state: IncidentState; head: number } | null> {
    return exclusive(async () => {
      const entry = await entryOf(incidentId, true);
      const { state, head } = entry;
      if (!state) drop(incidentId);
      trim();
      return state ? { state, head } : null;
    });
  }

  function flush(): Promise<void> {
    flushScheduled = false;
    return exclusive(async () => {
      const batch = pending.splice(0);
      if (batch.length === 0) return;
      try {
        await commit(batch, 1);
      } catch (err) {
        logger.error({ err }, 'commit pipeline failed');
        const answer = storeRefusal(err);
        for (const item of batch) item.resolve(answer);
      }
      trim();
    });
  }

  return {
    /** Loads every stored incident once, so the list is ready; as many as the budget holds stay cached. */
    start(): Promise<void> {
      return exclusive(async () => {
        for (const id of await store.listIncidentIds()) await look(id);
        trim();
      });
    },

    /**
     * Orders, applies, durably commits, then broadcasts (hooks.onCommitted) and resolves.
     * Ops that arrive in the same tick share one store transaction.
     */
    submit(op: Op): Promise<SubmitAck> {
      if (closed) return Promise.resolve(refuse('SHUTTING_DOWN'));
      const running = inflight.get(op.opId);
      if (running) {
        const first = firstIncident.get(op.opId) ?? op.incidentId;
        return running.then((r) => (r.ok ? { ok: true, seq: r.seq, duplicate: true, incidentId: r.incidentId ?? first } : r));
      }
      const p = new Promise<SubmitAck>((resolve) => pending.push({ op, receivedAt: process.hrtime.bigint(), resolve }));
      inflight.set(op.opId, p);
      firstIncident.set(op.opId, op.incidentId);
      void p.finally(() => {
        inflight.delete(op.opId);
        firstIncident.delete(op.opId);
      });
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(() => void flush());
      }
      return p;
    },

    /** `enter` runs before the answer, under the lock: the caller joins the room there. */
    join(incidentId: string, sinceSeq: number, enter: () => void): Promise<({ ok: true } & Omit<JoinResult, 'access'>) | Refusal> {
      return exclusive(async () => {
        const entry = await entryOf(incidentId, true);
        const state = entry.state;
        if (!state) {
          drop(incidentId);
          return refuse(entry.head > 0 ? 'INCIDENT_HELD_BACK' : 'INCIDENT_NOT_FOUND', incidentId);
        }
        const head = entry.head;
        let result: Omit<JoinResult, 'access'>;
        if (sinceSeq === head) result = { ops: [], headSeq: head };
        // Ahead of us means the server lost history (restored from a backup): start over from ours.
        else if (sinceSeq > head || head - sinceSeq > limits.joinMaxOpsWithoutSnapshot) result = { snapshot: { seq: head, state }, ops: [], headSeq: head };
        else {
          const ops = await store.readOps(incidentId, sinceSeq, head - sinceSeq);
          // A quarantined or lost op in the range would leave the client folding without it: send the state instead.
          const whole = ops.length === head - sinceSeq && ops.every((o, i) => o.seq === sinceSeq + 1 + i);
          result = whole ? { ops, headSeq: head } : { snapshot: { seq: head, state }, ops: [], headSeq: head };
        }
        enter();
        trim();
        return { ok: true, ...result };
      });
    },

    /** Summaries of every incident, including ones other nodes created. */
    list(): Promise<Summary[]> {
      return exclusive(async () => {
        // Fresh: with several nodes, another one may have changed a status since we last looked.
        // A cold incident costs one head query, and a reload only when that head moved.
        for (const id of await store.listIncidentIds()) await look(id);
        trim();
        const out: Summary[] = [];
        for (const e of cache.values()) if (e.state) out.push(summaryOf(e.id, e.state, e.head));
        for (const c of cold.values()) out.push(c.summary);
        return out.sort((a, b) => b.startedAt - a.startedAt);
      });
    },

    /**
     * One incident caught up with the store, under the lock for that one read only: the duty clock
     * reads incidents one at a time so commits and joins interleave with its scan.
     */
    refresh: (incidentId: string): Promise<IncidentState | null> => refreshed(incidentId).then((r) => r?.state ?? null),

    /** refresh() with the head the state was folded to, read under the same lock. */
    refreshed,

    /** The list row, cached or cold (then as of this node's last look: head heartbeats, summaries). */
    summary(incidentId: string): Summary | null {
      const e = cache.get(incidentId);
      if (e) return e.state ? summaryOf(e.id, e.state, e.head) : null;
      return cold.get(incidentId)?.summary ?? null;
    },

    /** Whether the incident is out of the cache with only its cold record kept. */
    isCold(incidentId: string): boolean {
      return cold.has(incidentId);
    },

    /** Test and CLI helper: the state as this node folded it; null for a cold incident (refresh() brings it back). */
    state(incidentId: string): IncidentState | null {
      return cache.get(incidentId)?.state ?? null;
    },

    /** What the cache holds now (tests, benchmarks). */
    cacheStats(): { cached: number; cold: number; bytes: number; budget: number; evictions: number } {
      return { cached: cache.size, cold: cold.size, bytes: cachedBytes, budget: limits.cacheBytes, evictions };
    },

    /** Finishes queued commits, then refuses new ones. */
    async close(): Promise<void> {
      closed = true;
      await flush();
      await lock;
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;

/**
 * Writes the open incident's record (committed state + headSeq + outbox) to disk.
 *
 * Two kinds of writes with different urgency:
 * - The OUTBOX growing is written at once: an edit counts as kept only when it is on disk.
 * - The committed STATE is a cache that a join with sinceSeq refreshes, and writing it structured-
 *   clones the whole incident (≈ 4 MB, ≈ 30 ms of main thread at 10k entries). It is rewritten at
 *   most every STATE_SAVE_MIN_INTERVAL_MS or after STATE_SAVE_EVERY_OPS ops, never in the first
 *   STATE_SAVE_AFTER_JOIN_MS after a join answer, and always on close and when the page is hidden.
 *   So a reload while offline shows committed state that may be a few seconds older than what was
 *   on screen; the ops in between come back with the next join.
 * An outbox write that comes when the state is not due appends just the new ops to the stored
 * outbox (persistence.appendOutbox: one small record each, not the incident), so the disk stays one
 * consistent snapshot of "state at headSeq + edits not in it": the ops that left the outbox since
 * stay on disk, their effect is not in that older state yet. Carrying an acked op is harmless (the
 * next join folds it and drops it from the outbox; the server dedupes by opId). A state write
 * replaces the stored outbox with the current one.
 * Writes are chained so a later one never lands before an earlier one.
 */
import type { IncidentState } from '../../shared/model.ts';
import type { Op } from '../../shared/ops.ts';
import type { Persistence } from '../persistence/persistence.ts';
import type { Saver } from './context.ts';
import type { WarRoomState } from './types.ts';

/** Longest wait for an idle moment before a due state write runs anyway (ms). */
const IDLE_WAIT_MS = 2_000;
const whenIdle = (fn: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: IDLE_WAIT_MS });
  else fn();
};

/** The server key used before any server is configured. */
export const LOCAL_SERVER = 'local';

export interface StateSavePolicy {
  /** Least time between two state rewrites caused by remote changes (ms). */
  minIntervalMs: number;
  /** Rewrite sooner once this many ops are not on disk. */
  everyOps: number;
  /** Quiet time after a join answer (ms). */
  afterJoinMs: number;
  /** Delay before a due write runs, so a burst is written once (ms). */
  debounceMs: number;
}

/** What the last write put on disk for one incident. */
interface OnDisk {
  key: string;
  state: IncidentState | null;
  headSeq: number;
  outbox: Op[];
}

export function createSaver(get: () => WarRoomState, persistence: Persistence, policy: StateSavePolicy,
  now: () => number = Date.now): Saver & { dispose(): void } {
  let chain: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerAt = 0;
  let warned = false;
  let disk: OnDisk | null = null;
  let lastStateAt = 0;
  let quietUntil = 0;
  let pendingOps = 0;

  function clearTimer() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  /** Writes the record; `fresh` writes the current committed state, otherwise the one on disk. */
  function write(fresh: boolean): Promise<void> {
    const s = get();
    // While loading, the store holds nothing yet: writing would wipe the record being read.
    if (!s.incidentId || s.syncPhase === 'loading') return chain;
    const serverUrl = s.prefs.serverUrl ?? LOCAL_SERVER;
    const incidentId = s.incidentId;
    const key = `${serverUrl}|${incidentId}`;
    // Without a known record for this incident, only a full write is safe.
    const known = disk?.key === key ? disk : null;
    let run: () => Promise<void>;
    if (fresh || !known) {
      clearTimer();
      pendingOps = 0;
      lastStateAt = now();
      const record = { state: s.committed, headSeq: s.headSeq, outbox: s.outbox };
      disk = { key, ...record };
      run = () => persistence.saveIncident(serverUrl, incidentId, record);
    } else {
      // Only the ops not on disk yet; what is there (carried or still queued) stays.
      const onDisk = new Set(known.outbox.map((o) => o.opId));
      const added = s.outbox.filter((o) => !onDisk.has(o.opId));
      disk = { ...known, outbox: added.length > 0 ? known.outbox.concat(added) : known.outbox };
      run = () => persistence.appendOutbox(serverUrl, incidentId, added);
    }
    // What is written is snapshotted now: the store moves on while the write waits its turn.
    const write = chain.then(run);
    chain = write.then(() => { warned = false; }, (err: unknown) => {
      if (warned) return;
      warned = true;
      get().pushNotice({ kind: 'error', code: null, opType: null,
        message: `Changes could not be saved on this device (${err instanceof Error ? err.message : String(err)}). Keep the app open until it reconnects.` });
    });
    return write;
  }

  function stateDue(): boolean {
    const t = now();
    return t >= quietUntil && (pendingOps >= policy.everyOps || t - lastStateAt >= policy.minIntervalMs);
  }

  function arm() {
    if (pendingOps === 0) return;
    const t = now();
    const due = Math.max(quietUntil, pendingOps >= policy.everyOps ? t : lastStateAt + policy.minIntervalMs, t + policy.debounceMs);
    if (timer && timerAt <= due) return;
    clearTimer();
    timerAt = due;
    timer = setTimeout(() => {
      timer = null;
      // The state write structured-clones the whole incident on the main thread: let it wait for
      // an idle moment (at most IDLE_WAIT_MS) instead of landing in the middle of a burst of ops.
      if (stateDue()) whenIdle(() => void write(true).catch(() => undefined));
      else arm();
    }, due - t);
  }

  return {
    saveNow() {
      if (stateDue()) return write(true);
      const s = get();
      const known = disk?.key === `${s.prefs.serverUrl ?? LOCAL_SERVER}|${s.incidentId ?? ''}` ? disk : null;
      const onDisk = new Set(known?.outbox.map((o) => o.opId));
      if (!known || s.outbox.some((o) => !onDisk.has(o.opId))) return write(false);
      // Only shrank (acked or refused): the ops left on disk are harmless until the next state write.
      pendingOps += 1;
      arm();
      return chain;
    },
    saveAll() {
      return write(true);
    },
    schedule(ops = 1) {
      pendingOps += ops;
      arm();
    },
    loaded(serverUrl, incidentId, record) {
      // Nothing stored is a known record too: an outbox write may then keep the state out (null).
      disk = { key: `${serverUrl}|${incidentId}`, state: record?.state ?? null, headSeq: record?.headSeq ?? 0, outbox: record?.outbox ?? [] };
      lastStateAt = now();
      pendingOps = 0;
      clearTimer();
    },
    joined() {
      quietUntil = now() + policy.afterJoinMs;
      if (timer) {
        clearTimer();
        arm();
      }
    },
    dispose() {
      clearTimer();
    },
  };
}

/**
 * Admission control: while the node is overloaded it refuses NEW work (ops, joins, pages, lists,
 * connections) with OVERLOADED and a retry hint, so the work it already took is finished in time
 * instead of everyone's acks slowing down together. Three signals, any one trips it:
 *  - event-loop delay: p99 over the last sample window (a blocked loop delays every socket);
 *  - in-flight requests: admitted and not yet answered (the engine's queue and store waits);
 *  - heap: used / limit (past it, GC thrash and then an out-of-memory crash).
 * It trips after two sample windows in a row over a threshold, and clears after one window with
 * all three under half their threshold (heap: 5 points under), so the node does not flap at the edge.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import {
  ADMISSION_MAX_HEAP_RATIO, ADMISSION_MAX_INFLIGHT, ADMISSION_MAX_LAG_MS, ADMISSION_SAMPLE_MS, OVERLOADED_RETRY_AFTER_MS,
} from '../../shared/constants.ts';

export interface AdmissionOptions {
  maxLagMs: number;
  maxInflight: number;
  maxHeapRatio: number;
  sampleMs: number;
  retryAfterMs: number;
}

export type OverloadReason = 'lag' | 'inflight' | 'heap';

export interface AdmissionSample {
  lagP99Ms: number;
  inflight: number;
  heapRatio: number;
}

export const defaultAdmission = (o: Partial<AdmissionOptions> = {}): AdmissionOptions => ({
  maxLagMs: ADMISSION_MAX_LAG_MS,
  maxInflight: ADMISSION_MAX_INFLIGHT,
  maxHeapRatio: ADMISSION_MAX_HEAP_RATIO,
  sampleMs: ADMISSION_SAMPLE_MS,
  retryAfterMs: OVERLOADED_RETRY_AFTER_MS,
  ...o,
});

/** The pure decision: which threshold (if any) trips, given whether the node is overloaded already. */
export function overloadReason(s: AdmissionSample, o: AdmissionOptions, already: boolean): OverloadReason | null {
  const f = already ? 0.5 : 1;
  if (s.lagP99Ms > o.maxLagMs * f) return 'lag';
  if (s.inflight > o.maxInflight * f) return 'inflight';
  if (s.heapRatio > o.maxHeapRatio - (already ? 0.05 : 0)) return 'heap';
  return null;
}

export function createAdmission(options: Partial<AdmissionOptions> = {}, onChange?: (reason: OverloadReason | null, s: AdmissionSample) => void) {
  const o = defaultAdmission(options);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let inflight = 0;
  let reason: OverloadReason | null = null;
  let last: AdmissionSample = { lagP99Ms: 0, inflight: 0, heapRatio: 0 };
  let lagWindowMaxMs = 0;
  const sample = (): AdmissionSample => {
    const h = getHeapStatistics();
    const s = { lagP99Ms: delay.percentile(99) / 1e6, inflight, heapRatio: h.used_heap_size / h.heap_size_limit };
    delay.reset();
    return s;
  };
  let tripped: OverloadReason | null = null;
  const timer = setInterval(() => {
    last = sample();
    lagWindowMaxMs = Math.max(lagWindowMaxMs, last.lagP99Ms);
    const seen = overloadReason(last, o, reason !== null);
    // Entering takes two windows in a row (one GC pause or a single slow tick is not overload);
    // leaving takes one window under the lower thresholds.
    const next = reason === null ? (seen !== null && tripped !== null ? seen : null) : seen;
    tripped = seen;
    if (next !== reason) {
      reason = next;
      onChange?.(reason, last);
    }
  }, o.sampleMs).unref();

  return {
    options: o,
    /** Why new work is refused now, or null when it is admitted. */
    overloaded: (): OverloadReason | null => reason ?? (inflight >= o.maxInflight ? 'inflight' : null),
    /** The retry hint, spread so refused clients do not come back in one wave. */
    retryAfterMs: () => Math.round(o.retryAfterMs * (1 + Math.random())),
    /** Counts one admitted request until `done` is called (once). */
    admit(): () => void {
      inflight++;
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        inflight--;
      };
    },
    inflight: () => inflight,
    last: () => last,
    /** The highest p99 loop delay seen in any window since the last call (ms). */
    takeLagMaxMs(): number {
      const m = lagWindowMaxMs;
      lagWindowMaxMs = 0;
      return m;
    },
    close() {
      clearInterval(timer);
      delay.disable();
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;

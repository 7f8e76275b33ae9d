/**
 * Closes the gap between an op's commit (the op log) and its event's enqueue (the webhook queue,
 * another table on another connection): a process killed between the two would lose that event.
 * At start and every WEBHOOK_RECONCILE_EVERY_MS the node re-derives, from the op log, the events of
 * every op committed in the last WEBHOOK_RECONCILE_WINDOW_MS and enqueues them again. Event ids are
 * the op's id plus the type and the queue keeps one row per (webhook, event), never resetting a
 * delivered or given-up row, so a repeat costs an ignored insert and sends nothing twice.
 *
 * Bounded: per incident one headSeq query when nothing new was committed since its last pass; else
 * a backward walk (pages of WEBHOOK_RECONCILE_PAGE_OPS, at most WEBHOOK_RECONCILE_MAX_OPS) to the
 * window's first op, and a fold from the newest snapshot before it (snapshots come every
 * SNAPSHOT_EVERY_OPS ops, so the fold reads at most that many ops more than the window holds).
 */
import { WEBHOOK_RECONCILE_MAX_OPS, WEBHOOK_RECONCILE_PAGE_OPS, WEBHOOK_RECONCILE_WINDOW_MS } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { apply } from '../../shared/reducer.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { eventOf, type WebhookEvent } from './events.ts';

export type ReconcileStore = Pick<Store, 'listIncidentIds' | 'headSeq' | 'readOps' | 'latestSnapshot'>;

export interface ReconcileOptions {
  store: ReconcileStore;
  /** Queues the event for every webhook; resolves with the rows added (0: all were there). */
  enqueue: (op: CommittedOp, event: WebhookEvent) => Promise<number>;
  logger: Pick<Logger, 'warn' | 'info'>;
  now?: () => number;
  windowMs?: number;
  pageOps?: number;
  maxOps?: number;
}

export interface ReconcileReport {
  incidents: number;
  /** Events derived from ops in the window (each enqueued again). */
  events: number;
  /** Queue rows those enqueues added: events that had been lost (or not yet queued by a live enqueue). */
  added: number;
}

export function createReconciler(o: ReconcileOptions) {
  const { store, logger } = o;
  const now = o.now ?? Date.now;
  const windowMs = o.windowMs ?? WEBHOOK_RECONCILE_WINDOW_MS;
  const pageOps = Math.max(1, o.pageOps ?? WEBHOOK_RECONCILE_PAGE_OPS);
  const maxOps = Math.max(1, o.maxOps ?? WEBHOOK_RECONCILE_MAX_OPS);
  /** Per incident, the seq through which every event is known to be in the queue (this process's passes). */
  const through = new Map<string, number>();

  /** The first seq whose op is inside the window, walking back from the head; seqs <= floor are done. */
  async function windowStart(id: string, head: number, floor: number, since: number): Promise<number> {
    let hi = head;
    while (hi > floor) {
      const lo = Math.max(floor, hi - pageOps);
      const ops = await store.readOps(id, lo, hi - lo);
      // serverTime is the committing node's clock, so nondecreasing per incident while clocks agree (NTP).
      for (let i = ops.length - 1; i >= 0; i--) if (ops[i]!.serverTime < since) return ops[i]!.seq + 1;
      hi = lo;
    }
    return floor + 1;
  }

  async function incident(id: string, since: number, report: ReconcileReport): Promise<void> {
    const head = await store.headSeq(id);
    const done = through.get(id) ?? 0;
    if (head <= done) return;
    const last = (await store.readOps(id, head - 1, 1))[0];
    if (!last || last.serverTime < since) {
      // Nothing committed inside the window (or the head is quarantined: nothing to derive from).
      if (last) through.set(id, head);
      return;
    }
    const floor = Math.max(done, head - maxOps);
    if (floor > done) logger.warn({ incidentId: id, head, maxOps }, 'webhook reconcile: more ops in the window than one pass re-derives; the oldest are not checked');
    const start = await windowStart(id, head, floor, since);
    const snap = await store.latestSnapshot(id, start - 1);
    let state: IncidentState | null = snap?.state ?? null;
    let seq = snap?.seq ?? 0;
    while (seq < head) {
      const ops = await store.readOps(id, seq, Math.min(pageOps, head - seq));
      if (ops.length === 0) break;
      for (const op of ops) {
        const r = apply(state, op);
        if (!r.ok) {
          // A stored op the reducer refuses (the engine quarantines such records): stop here, retry next pass.
          logger.warn({ incidentId: id, seq: op.seq, code: r.code }, 'webhook reconcile: stored op does not apply; incident skipped');
          return;
        }
        state = r.state;
        seq = op.seq;
        if (op.seq < start) continue;
        // The state after the op, as the live path passes (there: after the op's commit batch).
        const event = eventOf(op, state);
        if (!event) continue;
        report.events++;
        report.added += await o.enqueue(op, event);
      }
    }
    through.set(id, seq);
  }

  return {
    /**
     * One pass over every incident; `stopped` ends it early (server closing). Errors of one incident
     * are logged, the rest go on. `reachBack`: an earlier commit time to start from when it is
     * before the window (the start-up pass passes the newest queued event's, so a process that
     * was down longer than the window still finds the ops its crash left unqueued).
     */
    async pass(stopped: () => boolean = () => false, reachBack: number | null = null): Promise<ReconcileReport> {
      const report: ReconcileReport = { incidents: 0, events: 0, added: 0 };
      const since = Math.min(now() - windowMs, reachBack ?? Infinity);
      for (const id of await store.listIncidentIds()) {
        if (stopped()) break;
        report.incidents++;
        try {
          await incident(id, since, report);
        } catch (err) {
          logger.warn({ err, incidentId: id }, 'webhook reconcile: incident not checked; next pass tries again');
        }
        // SQLite answers synchronously: let sockets and commits in between incidents.
        await new Promise((r) => setImmediate(r));
      }
      if (report.added > 0) logger.info(report, 'webhook reconcile queued events a live enqueue had not');
      return report;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;

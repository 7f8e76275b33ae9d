/**
 * The server's clock-driven duties. Every node scans every DUTY_SCAN_MS, reading each incident
 * fresh from the store, and submits what is due as ordinary ops (actor SERVER_ACTOR_ID) through the
 * engine. The opIds are derived from the duty (incident + help id + level, incident + due time +
 * round), so when N nodes fire the same duty the engine's opId dedupe keeps one and answers the
 * others with its seq. Nothing depends on a client being connected; state lives in the op log, so
 * a restart picks up where the log is, and a duty that fell due while no node ran goes out once,
 * marked late.
 */
import { isTransient } from '../../shared/errors.ts';
import { SERVER_ACTOR_ID, type IncidentState } from '../../shared/model.ts';
import type { Op } from '../../shared/ops.ts';
import type { Engine, Summary } from '../engine.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { derivedUuid } from './ids.ts';
import { dueDuties, nextDutyAt, type DueDuty } from './rules.ts';

const SETTLED_MAX = 10_000;
/** Every this many scans, resolved and archived incidents are read fresh too (a reopen elsewhere). */
const FULL_SWEEP_SCANS = 15;

export interface DutyOptions {
  engine: Engine;
  store: Pick<Store, 'listIncidentIds' | 'headSeq'>;
  logger: Logger;
  escalateAfterMin: number;
  scanMs: number;
  /** Called per duty this node submitted: written (new op), duplicate (another node won), refused. */
  onOutcome?: (type: string, outcome: 'written' | 'duplicate' | 'refused') => void;
  /** Duties due before this moment were missed while the server was down: they go out marked late. */
  bootAt?: number;
  now?: () => number;
}

export function dutyOp(incidentId: string, d: DueDuty, late: boolean, now: number): Op {
  const base = { incidentId, actorId: SERVER_ACTOR_ID, clientTime: now };
  // `late` is not part of the id: a late and an on-time firing of one duty are the same op.
  if (d.kind === 'escalate') {
    return { ...base, opId: derivedUuid('help.escalate', incidentId, d.helpId, d.level), type: 'help.escalate', payload: { helpId: d.helpId, level: d.level, ...(late ? { late } : {}) } };
  }
  return {
    ...base, opId: derivedUuid('incident.reminder', incidentId, d.dueAt, d.round), type: 'incident.reminder',
    payload: { kind: 'update-overdue', dueAt: d.dueAt, ...(late ? { late } : {}) },
  };
}

export function createDuties(options: DutyOptions) {
  const { engine, store, logger, escalateAfterMin, scanMs } = options;
  const now = options.now ?? Date.now;
  const bootAt = options.bootAt ?? now();
  /** opIds this node already has a final answer for, so a scan does not resubmit them. */
  const settled = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let closed = false;

  const owesNothing = (s: IncidentState | Summary | null) => s !== null && (s.status === 'resolved' || s.archivedAt !== null);
  let scans = 0;
  /** Per incident: when its next duty falls due (null: never), as computed from the state at `head`. */
  const nextDue = new Map<string, { head: number; at: number | null }>();

  /**
   * A cold incident (out of the engine's cache) stays out while the state last read owes nothing
   * before its next due time and the store's head has not moved since: one head query instead of
   * a reload from the snapshot. An incident this node never read this way is read once.
   */
  async function staysCold(id: string, cold: Summary, full: boolean): Promise<boolean> {
    const settledDown = owesNothing(cold);
    if (settledDown && !full) return true;
    const due = nextDue.get(id);
    const quiet = settledDown || (due !== undefined && due.head === cold.headSeq && (due.at === null || due.at > now()));
    return quiet && (await store.headSeq(id)) === cold.headSeq;
  }

  /**
   * One pass. Incidents this node last saw active (or has not seen) are read fresh every scan;
   * resolved and archived ones only every FULL_SWEEP_SCANS, to notice a reopen on another node,
   * so a server full of old incidents pays one query per active incident per scan. Incidents out
   * of the engine's cache are brought back only when a duty may be due or their head moved.
   */
  async function scanOnce(full = scans % FULL_SWEEP_SCANS === 0): Promise<number> {
    scans++;
    // Forgetting costs one resubmission per due duty, answered as a duplicate: bound the memory.
    if (settled.size > SETTLED_MAX) settled.clear();
    let sent = 0;
    for (const id of await store.listIncidentIds()) {
      if (closed) break;
      const cold = engine.isCold(id) ? engine.summary(id) : null;
      if (cold ? await staysCold(id, cold, full) : !full && owesNothing(engine.state(id))) continue;
      const read = await engine.refreshed(id);
      if (!read) continue;
      const { state } = read;
      const at = now();
      nextDue.set(id, { head: read.head, at: nextDutyAt(state, at, escalateAfterMin) });
      // Resolved owes nothing; archived is put away (unarchiving brings its duties back).
      if (owesNothing(state)) continue;
      for (const d of dueDuties(state, at, escalateAfterMin)) {
        // Late only if it fell due more than one scan before this node came up: otherwise another
        // running node would have fired it, and this one merely won the race.
        const op = dutyOp(state.id, d, (d.kind === 'escalate' ? d.dueAt : d.roundAt) < bootAt - scanMs, at);
        if (settled.has(op.opId)) continue;
        const ack = await engine.submit(op);
        options.onOutcome?.(op.type, ack.ok ? (ack.duplicate ? 'duplicate' : 'written') : 'refused');
        if (ack.ok) {
          settled.add(op.opId);
          if (!ack.duplicate) sent++;
          logger.info({ incidentId: state.id, type: op.type, seq: ack.seq, duplicate: ack.duplicate ?? false }, 'duty fired');
        } else if (!isTransient(ack.code)) {
          // Refused for good (help answered in between, incident resolved): the state will not ask again.
          settled.add(op.opId);
          logger.debug({ incidentId: state.id, type: op.type, code: ack.code }, 'duty no longer applies');
        }
      }
    }
    return sent;
  }

  function schedule(delay: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      current = scanOnce().then(() => undefined, (err: unknown) => logger.warn({ err }, 'duty scan failed; trying again next scan'))
        .finally(() => {
          current = null;
          schedule(scanMs);
        });
    }, delay);
    timer.unref();
  }

  return {
    /** Starts scanning (scanMs 0: this node runs no clock); the first scan runs at once, so duties missed while down go out on start. */
    start(): void {
      if (scanMs > 0) schedule(0);
    },
    /** One scan now, full by default (tests, measurements). Resolves with how many duty ops this node wrote. */
    scanOnce: (full = true) => scanOnce(full),
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

export type Duties = ReturnType<typeof createDuties>;

/**
 * Whether a stored snapshot may be served: its hash covers its incident, seq, state version, the
 * log's chain at its seq and its canonical state, and the chain must be the one the log proves
 * there. Such a snapshot is the true state at its seq even when an op before it was quarantined
 * later (it was folded while that op was intact). A snapshot is derived data: one that is damaged is
 * quarantined (evidence of damage), one that merely disagrees with the log is discarded; either
 * way the state is rebuilt from the log.
 */
import { STATE_VERSION } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import { snapshotHash } from './chain.ts';

export interface StoredSnapshotRow {
  incidentId: string;
  seq: number;
  stateVersion: number;
  /** Canonical JSON of the state (PostgreSQL: re-serialized from JSONB), or null when not text. */
  text: string | null;
  hash: unknown;
  chain: unknown;
}

export type SnapshotCheck =
  | { ok: true; state: IncidentState }
  | { ok: false; action: 'quarantine' | 'discard'; reason: string };

/** Just enough shape to be sure the reducer can fold onto the state. */
function shapeProblem(incidentId: string, seq: number, s: unknown): string | null {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return 'not an object';
  const st = s as Record<string, unknown>;
  if (st.id !== incidentId) return 'incident id does not match';
  if (typeof st.title !== 'string' || typeof st.severity !== 'string' || typeof st.status !== 'string') return 'missing incident fields';
  if (!Array.isArray(st.timeline)) return 'timeline is not a list';
  for (const k of ['tasks', 'members', 'help', 'roles', 'postmortem']) {
    if (!st[k] || typeof st[k] !== 'object' || Array.isArray(st[k])) return `${k} is not an object`;
  }
  if (typeof st.headSeq !== 'number' || st.headSeq > seq) return 'headSeq is inconsistent';
  return null;
}

/** `logChain` is the chain the log proves at the snapshot's seq (undefined when it proves none there). */
export function checkSnapshotRow(row: StoredSnapshotRow, logChain: string | undefined): SnapshotCheck {
  if (row.stateVersion !== STATE_VERSION) return { ok: false, action: 'discard', reason: `state version ${row.stateVersion}, expected ${STATE_VERSION}` };
  if (row.text === null || typeof row.chain !== 'string' || row.hash !== snapshotHash(row.incidentId, row.seq, row.stateVersion, row.chain, row.text)) {
    return { ok: false, action: 'quarantine', reason: 'the snapshot does not match its hash (damaged or changed after it was written)' };
  }
  let state: unknown;
  try {
    state = JSON.parse(row.text);
  } catch {
    return { ok: false, action: 'quarantine', reason: 'the snapshot is not JSON' };
  }
  const shape = shapeProblem(row.incidentId, row.seq, state);
  if (shape) return { ok: false, action: 'quarantine', reason: shape };
  if (logChain !== row.chain) return { ok: false, action: 'discard', reason: 'it disagrees with the log at its seq' };
  return { ok: true, state: state as IncidentState };
}

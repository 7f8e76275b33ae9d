/**
 * Whether one stored op row is provably what the server wrote: its text matches its hash, and
 * the op inside names the row's own incident, seq and opId. The full check (on open and in
 * `warroom verify`) also runs the op schema; the read path relies on the hash for that, since
 * only validated ops are ever hashed.
 */
import { parseCommittedOp, type CommittedOp } from '../../shared/ops.ts';
import { HASH_HEX, opHash } from './chain.ts';

/** One op row as a store read it, before anything is trusted. */
export interface StoredOpRow {
  incidentId: string;
  seq: number;
  opId: unknown;
  /** The op's canonical JSON text (PostgreSQL: re-serialized from JSONB), or null when the cell is not text. */
  text: string | null;
  hash: unknown;
  chain: unknown;
}

export type OpCheck = { ok: true; op: CommittedOp } | { ok: false; reason: string };

export function isHash(v: unknown): v is string {
  return typeof v === 'string' && HASH_HEX.test(v);
}

export function checkOpRow(row: StoredOpRow, full: boolean): OpCheck {
  if (row.text === null) return { ok: false, reason: 'the stored op is not text (the row is damaged)' };
  if (!isHash(row.hash)) return { ok: false, reason: 'the row has no valid integrity hash (damaged, or written behind the server\'s back)' };
  if (opHash(row.text) !== row.hash) return { ok: false, reason: 'the stored op does not match its hash (it was changed after it was written)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.text);
  } catch {
    return { ok: false, reason: 'the stored op is not JSON' };
  }
  let op: CommittedOp;
  if (full) {
    const r = parseCommittedOp(parsed);
    if (!r.ok) return { ok: false, reason: r.message };
    op = r.value;
  } else {
    if (!parsed || typeof parsed !== 'object') return { ok: false, reason: 'the stored op is not an object' };
    op = parsed as CommittedOp;
  }
  if (op.incidentId !== row.incidentId || op.seq !== row.seq || op.opId !== row.opId) {
    return { ok: false, reason: 'the stored op does not match its row (incident, seq or opId): it was copied or moved' };
  }
  return { ok: true, op };
}

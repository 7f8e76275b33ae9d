/**
 * Join answers, bounded: ops by bytes (JOIN_MAX_OPS_BYTES of op JSON, at least one op; the rest is
 * paged by the client with incident:ops or another join — `ops` then ends before `headSeq`), the
 * snapshot serialized once and shared (sharedSnapshot.ts), and the answer's size known so the rate
 * limit can charge it.
 */
import { JOIN_BYTES_PER_TOKEN, JOIN_MAX_OPS_BYTES } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { SnapshotCache } from './sharedSnapshot.ts';

export interface RawJoin {
  ok: true;
  snapshot?: { seq: number; state: IncidentState };
  ops: CommittedOp[];
  headSeq: number;
}

export interface ShapedJoin<T extends RawJoin> {
  answer: T;
  /** Bytes of snapshot and op JSON in the answer. */
  bytes: number;
  kind: 'ops' | 'snapshot' | 'partial' | 'current';
}

/** The ops that fit in maxBytes of JSON (array brackets and commas included), never fewer than one. */
export function opsWithin(ops: CommittedOp[], maxBytes: number): { ops: CommittedOp[]; bytes: number } {
  let bytes = 2;
  let n = 0;
  for (const op of ops) {
    const size = Buffer.byteLength(JSON.stringify(op)) + (n > 0 ? 1 : 0);
    if (n > 0 && bytes + size > maxBytes) break;
    bytes += size;
    n++;
  }
  return { ops: n === ops.length ? ops : ops.slice(0, n), bytes };
}

export function shapeJoin<T extends RawJoin>(r: T, incidentId: string, cache: SnapshotCache | undefined, maxOpsBytes = JOIN_MAX_OPS_BYTES): ShapedJoin<T> {
  const { ops, bytes: opsBytes } = opsWithin(r.ops, maxOpsBytes);
  let bytes = opsBytes;
  let answer: T = ops === r.ops ? r : { ...r, ops };
  if (r.snapshot) {
    const shared = cache?.get(incidentId, r.snapshot.state);
    bytes += shared ? shared.json.length : Buffer.byteLength(JSON.stringify(r.snapshot.state));
    // Key order matters to the shared encoding: the snapshot is the first object field after ok.
    if (shared) {
      const { snapshot: _plain, ok: _ok, ...rest } = answer;
      answer = { ok: true, snapshot: { seq: r.snapshot.seq, state: shared }, ...rest } as unknown as T;
    }
  }
  const kind = r.snapshot ? 'snapshot' : ops.length < r.ops.length ? 'partial' : r.ops.length > 0 ? 'ops' : 'current';
  return { answer, bytes, kind };
}

/** Rate-limit tokens a join answer costs beyond the one every request costs. */
export const joinExtraTokens = (bytes: number): number => Math.max(0, Math.ceil(bytes / JOIN_BYTES_PER_TOKEN) - 1);

/** The optimistic view: committed state + outbox, folded with the shared reducer. */
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { apply } from '../../shared/reducer.ts';

/** A pending op as the reducer sees it: provisional seq after the head, server time = client time. */
export function provisional(op: Op, seq: number): CommittedOp {
  return { ...op, seq, serverTime: op.clientTime } as CommittedOp;
}

/**
 * Returns `committed` itself when nothing is pending, so an idle client pays nothing. Pending ops
 * that no longer apply (someone else deleted the entry…) are skipped here; the server will refuse
 * them and the user gets its sentence.
 */
export function computeView(committed: IncidentState | null, headSeq: number, outbox: readonly Op[]): IncidentState | null {
  if (outbox.length === 0) return committed;
  let state = committed;
  outbox.forEach((op, i) => {
    const r = apply(state, provisional(op, headSeq + i + 1));
    if (r.ok) state = r.state;
  });
  return state;
}

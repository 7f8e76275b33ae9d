/** Builders for committed ops in tests and fixtures: compact, deterministic. */
import type { CommittedOp, Op, OpType, PayloadOf } from './ops.ts';
import { fixedUuid } from './scenario.ts';

export const T0 = Date.UTC(2026, 10, 27, 13, 0, 0);

export interface LogBuilder {
  ops: CommittedOp[];
  add<K extends OpType>(type: K, payload: PayloadOf<K>, actorId?: string, atMin?: number): CommittedOp;
}

/** A log for one incident; each op is one minute after T0 unless `atMin` says otherwise. */
export function logFor(incidentId = 'inc-1', actor = 'alice'): LogBuilder {
  const ops: CommittedOp[] = [];
  return {
    ops,
    add(type, payload, actorId = actor, atMin) {
      const seq = ops.length + 1;
      const at = T0 + (atMin ?? seq) * 60_000;
      const op = { opId: fixedUuid(seq, 7), incidentId, actorId, clientTime: at, type, payload, seq, serverTime: at } as unknown as CommittedOp;
      ops.push(op);
      return op;
    },
  };
}

export function uncommitted(op: CommittedOp): Op {
  const { seq: _s, serverTime: _t, ...rest } = op;
  return rest as Op;
}

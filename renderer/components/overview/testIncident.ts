/** Test helper: an incident folded from a few committed ops, one minute apart. */
import type { IncidentState } from '../../../shared/model.ts';
import type { CommittedOp, OpType, PayloadOf } from '../../../shared/ops.ts';
import { apply } from '../../../shared/reducer.ts';

interface Log { state: IncidentState; seq: number; at: number }

export function createIncidentLog(t0: number): Log {
  const op = { opId: 'op-1', incidentId: 'inc', type: 'incident.create', payload: { title: 'Search down', severity: 'SEV2' }, actorId: 'ana', clientTime: t0, seq: 1, serverTime: t0 } as CommittedOp;
  const r = apply(null, op);
  if (!r.ok) throw new Error(r.message);
  return { state: r.state, seq: 1, at: t0 };
}

export function applyOps(log: Log, ops: [OpType, PayloadOf<OpType>][]): IncidentState {
  let { state, seq, at } = log;
  for (const [type, payload] of ops) {
    seq++;
    at += 60_000;
    const r = apply(state, { opId: `op-${seq}`, incidentId: 'inc', type, payload, actorId: 'ana', clientTime: at, seq, serverTime: at } as CommittedOp);
    if (!r.ok) throw new Error(`${type}: ${r.message}`);
    state = r.state;
  }
  return state;
}

/** Small incidents for export unit tests: a draft list becomes committed ops and a folded state. */
import { fixedUuid } from '../../shared/scenario.ts';
import { replay } from '../../shared/reducer.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';

export type Draft = { [K in Op['type']]: { type: K; payload: Extract<Op, { type: K }>['payload'] } }[Op['type']];
export type Step = [iso: string, actorId: string, draft: Draft];

export const T0 = Date.parse('2026-03-02T09:00:00Z');

export function commit(steps: readonly Step[], incidentId = 'inc-1', firstSeq = 1): CommittedOp[] {
  return steps.map(([iso, actorId, d], i) => {
    const at = Date.parse(iso);
    return { ...d, opId: fixedUuid(firstSeq + i, 0xabc), incidentId, actorId, clientTime: at, seq: firstSeq + i, serverTime: at } as CommittedOp;
  });
}

export function fold(ops: readonly CommittedOp[]): IncidentState {
  const r = replay(ops);
  if (!r.ok) throw new Error(`${r.code} at seq ${r.seq}: ${r.message}`);
  return r.state!;
}

/** A two-person incident with one entry of each user kind, a pin, an edit and a delete. */
export function smallSteps(): Step[] {
  return [
    ['2026-03-02T09:00:00Z', 'ana', { type: 'incident.create', payload: { title: 'Checkout latency', severity: 'SEV2', summary: 'Slow checkout.', impact: 'Orders delayed.' } }],
    ['2026-03-02T09:00:00Z', 'ana', { type: 'member.join', payload: { name: 'Ana Silva', timeZone: 'America/Sao_Paulo' } }],
    ['2026-03-02T09:01:00Z', 'ken', { type: 'member.join', payload: { name: 'Ken Sato', timeZone: 'Asia/Tokyo' } }],
    ['2026-03-02T09:02:00Z', 'ana', { type: 'incident.role', payload: { role: 'commander', memberId: 'ana' } }],
    ['2026-03-02T09:03:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-note', kind: 'note', text: 'p99 at 4s' } }],
    ['2026-03-02T09:04:00Z', 'ana', { type: 'timeline.add', payload: { entryId: 'e-dec', kind: 'decision', text: 'Scale the pool' } }],
    ['2026-03-02T09:05:00Z', 'ana', { type: 'timeline.pin', payload: { entryId: 'e-dec', pinned: true } }],
    ['2026-03-02T09:06:00Z', 'ken', { type: 'timeline.edit', payload: { entryId: 'e-note', text: 'p99 at 4.2s' } }],
    ['2026-03-02T09:07:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-oops', kind: 'note', text: 'wrong channel' } }],
    ['2026-03-02T09:07:30Z', 'ken', { type: 'timeline.delete', payload: { entryId: 'e-oops' } }],
    ['2026-03-02T09:08:00Z', 'ana', { type: 'timeline.add', payload: { entryId: 'e-upd', kind: 'update', text: 'We are scaling the pool.' } }],
    ['2026-03-02T09:20:00Z', 'ana', { type: 'incident.status', payload: { status: 'resolved' } }],
    ['2026-03-02T09:21:00Z', 'ana', { type: 'task.add', payload: { taskId: 'f-1', title: 'Alert on pool saturation', assigneeId: 'ken', followUp: true, dueAt: Date.parse('2026-03-01T12:00:00Z') } }],
  ];
}

export const EXPORTED_AT = Date.parse('2026-03-03T10:00:00Z');

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { IncidentState } from '../../../shared/model.ts';
import { apply } from '../../../shared/reducer.ts';
import type { CommittedOp } from '../../../shared/ops.ts';
import { updateDueFor } from './BannersContainer.tsx';
import { AwayBanner, UpdateDueBanner } from '../banners/Banners.tsx';

afterEach(cleanup);

const t0 = Date.parse('2026-11-27T13:00:00Z');
let seq = 0;
const op = (type: string, payload: object, at = t0, actorId = 'cam'): CommittedOp =>
  ({ opId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, incidentId: 'inc', actorId, clientTime: at, serverTime: at, seq, type, payload }) as CommittedOp;
function fold(...ops: CommittedOp[]): IncidentState {
  let s: IncidentState | null = null;
  for (const o of ops) {
    const r = apply(s, o);
    if (!r.ok) throw new Error(r.message);
    s = r.state;
  }
  return s!;
}

describe('update-due banner condition', () => {
  seq = 0;
  const state = fold(
    op('incident.create', { title: 'Checkout down', severity: 'SEV1' }),
    op('member.join', { name: 'Camille', timeZone: 'Europe/Paris' }),
    op('incident.role', { role: 'commander', memberId: 'cam' }),
  );
  const due = t0 + 15 * 60_000; // SEV1 default cadence
  it.each([
    ['commander, overdue', 'cam', 'lead', due + 1, due],
    ['commander, not yet due', 'cam', 'lead', due - 1, null],
    ['someone else', 'other', 'responder', due + 1, null],
    ['viewer', 'cam', 'viewer', due + 1, null],
  ] as const)('%s', (_what, me, access, now, expected) => {
    expect(updateDueFor(state, me, access, now)).toBe(expected);
  });

  it('moves on once an update is posted, and stops when resolved', () => {
    const updated = fold(
      op('incident.create', { title: 'Checkout down', severity: 'SEV1' }),
      op('member.join', { name: 'Camille', timeZone: 'Europe/Paris' }),
      op('incident.role', { role: 'commander', memberId: 'cam' }),
      op('timeline.add', { entryId: 'u1', kind: 'update', text: 'Investigating' }, t0 + 14 * 60_000),
    );
    expect(updateDueFor(updated, 'cam', 'lead', due + 1)).toBeNull();
    const resolved = apply(updated, op('incident.status', { status: 'resolved' }, t0 + 20 * 60_000));
    expect(resolved.ok && updateDueFor(resolved.state, 'cam', 'lead', t0 + 99 * 60_000)).toBeNull();
  });
});

describe('banners', () => {
  it('offers to write the update and to put it off', () => {
    const onWrite = vi.fn();
    const onDismiss = vi.fn();
    render(<UpdateDueBanner dueAt={Date.now() - 3 * 60_000} onWrite={onWrite} onDismiss={onDismiss} />);
    expect(screen.getByTestId('update-due-banner').textContent).toContain('update overdue by 3 min');
    fireEvent.click(screen.getByTestId('update-write'));
    expect(onWrite).toHaveBeenCalled();
  });

  it('summarises what changed while away', () => {
    seq = 0;
    const s = fold(op('incident.create', { title: 'x', severity: 'SEV2' }), op('incident.status', { status: 'identified' }, t0 + 60_000));
    const change = s.timeline.find((e) => e.kind === 'status' && e.text.startsWith('Status changed'))!;
    render(<AwayBanner summary={{ sinceSeq: 1, sinceAt: t0, newEntries: [], changes: [change], tasksForMe: [], helpForMe: [], total: 1 }} onDismiss={() => undefined} />);
    const text = screen.getByTestId('away-summary').textContent ?? '';
    expect(text).toContain('0 new entries · 1 status/role change');
    expect(text).toContain('Status changed from investigating to identified');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { IncidentSummary } from '../../../shared/model.ts';
import { IncidentList } from './IncidentList.tsx';

afterEach(cleanup);

const now = Date.now();
const summary = (id: string, over: Partial<IncidentSummary>): IncidentSummary => ({
  id, title: id, severity: 'SEV2', status: 'investigating', startedAt: now - 3_600_000, declaredAt: now - 3_600_000, resolvedAt: null,
  archivedAt: null, lastUpdateAt: null, headSeq: 3, commanderId: null, commanderName: null, memberCount: 2, online: 1, ...over,
});

describe('IncidentList', () => {
  it('puts active, resolved and archived incidents in their own sections, with commander and last update', () => {
    render(
      <IncidentList
        incidents={[
          summary('db-fire', { commanderId: 'ana', commanderName: 'Ana Lima', lastUpdateAt: now - 12.5 * 60_000 }),
          summary('old-outage', { status: 'resolved', resolvedAt: now - 60_000 }),
          summary('ancient', { status: 'resolved', resolvedAt: now - 86_400_000, archivedAt: now - 3_600_000 }),
          summary('new-one', {}),
        ]}
        loaded connection={{ kind: 'connected' } as never} canDeclare onOpen={vi.fn()} onDeclare={vi.fn()} onSignOut={vi.fn()}
      />,
    );
    const ids = (testId: string) => within(screen.getByTestId(testId)).getAllByTestId('incident-row').map((r) => r.getAttribute('data-incident-id'));
    expect(ids('incidents-active').sort()).toEqual(['db-fire', 'new-one']);
    expect(ids('incidents-resolved')).toEqual(['old-outage']);
    expect(ids('incidents-archived')).toEqual(['ancient']);
    const fire = screen.getAllByTestId('incident-row').find((r) => r.getAttribute('data-incident-id') === 'db-fire')!;
    expect(within(fire).getByTestId('incident-commander').textContent).toBe('Commander: Ana Lima');
    expect(within(fire).getByTestId('incident-last-update').textContent).toBe('12m ago');
    const fresh = screen.getAllByTestId('incident-row').find((r) => r.getAttribute('data-incident-id') === 'new-one')!;
    expect(within(fresh).getByTestId('incident-last-update').textContent).toBe('none yet');
  });

  it('offers no Declare to a read-only invite', () => {
    render(<IncidentList incidents={[]} loaded connection={{ kind: 'connected' } as never} canDeclare={false} readOnly onOpen={vi.fn()} onDeclare={vi.fn()} onSignOut={vi.fn()} />);
    expect(screen.queryByTestId('declare-open')).toBeNull();
    expect(screen.getByTestId('readonly-pill').textContent).toBe('Read-only invite');
  });
});

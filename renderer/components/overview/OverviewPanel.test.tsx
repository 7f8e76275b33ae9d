import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { applyOps, createIncidentLog } from './testIncident.ts';
import { OverviewPanel } from './OverviewPanel.tsx';
import { ResolutionSummary, openItemsOf } from './ResolutionSummary.tsx';

afterEach(cleanup);

const t0 = Date.UTC(2026, 10, 27, 13, 0);
const times = { startedAt: t0, detectedAt: null, declaredAt: t0, acknowledgedAt: t0, mitigatedAt: null, impactEndedAt: null, resolvedAt: null };
const overview = { summary: 'Search down', impact: '', customerImpact: '', services: ['search-api'], links: [] };

function panel(onSave = vi.fn(() => true)) {
  render(<OverviewPanel overview={overview} times={times} timeline={[]} nameOf={(id) => id} canEdit onSave={onSave} onTimes={vi.fn(() => true)} onShowHistory={vi.fn()} />);
  fireEvent.click(screen.getByTestId('overview-edit'));
  return onSave;
}

describe('OverviewPanel', () => {
  it('sends only the fields that changed', () => {
    const onSave = panel();
    fireEvent.change(screen.getByTestId('overview-customerImpact'), { target: { value: 'Stale results in the EU' } });
    fireEvent.change(screen.getByTestId('overview-services'), { target: { value: 'search-api, search-indexer, search-api' } });
    fireEvent.click(screen.getByTestId('overview-save'));
    expect(onSave.mock.calls).toEqual([[{ customerImpact: 'Stale results in the EU', services: ['search-api', 'search-indexer'] }]]);
  });

  it('refuses a link that is not a web address, with a sentence', () => {
    const onSave = panel();
    fireEvent.click(screen.getByTestId('overview-add-link'));
    fireEvent.change(screen.getByTestId('overview-link-url-0'), { target: { value: 'javascript:alert(1)' } });
    expect(screen.getByRole('alert').textContent).toContain('is not a web address');
    expect((screen.getByTestId('overview-save') as HTMLButtonElement).disabled).toBe(true);
    expect(onSave).not.toHaveBeenCalled();
  });

  it('saves nothing and closes when nothing changed', () => {
    const onSave = panel();
    fireEvent.click(screen.getByTestId('overview-save'));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.queryByTestId('overview-save')).toBeNull();
  });
});

describe('ResolutionSummary', () => {
  it('shows the duration, the key moments and what is still open', () => {
    const state = applyOps(createIncidentLog(t0), [
      ['task.add', { taskId: 'tk1', title: 'Roll back' }],
      ['task.add', { taskId: 'tk2', title: 'Page the DBA', column: 'done' }],
      ['incident.status', { status: 'monitoring' }],
      ['incident.status', { status: 'resolved' }],
    ]);
    expect(openItemsOf(state)).toEqual({ tasks: 1, help: 0, actions: 0 });
    render(<ResolutionSummary state={state} onPostmortem={vi.fn()} />);
    expect(screen.getByTestId('resolution-duration').textContent).toBe('4m');
    const moments = screen.getByTestId('resolution-moments').textContent!;
    for (const m of ['Declared', 'Mitigated', 'Resolved']) expect(moments).toContain(m);
    expect(screen.getByTestId('resolution-open').textContent).toBe('1 task still open. Carry what matters into the postmortem’s action items.');
  });
});

import { useMemo } from 'react';
import { metrics, reopens, updateGaps } from '../../../shared/export/index.ts';
import type { IncidentState } from '../../../shared/model.ts';

/**
 * What the postmortem will say up front, before anyone opens the file: the response metrics, any
 * reopen, update gaps over the cadence, action items and backdated entries.
 */
export function ExportHighlights({ state, exportedAt }: { state: IncidentState; exportedAt: number }) {
  const facts = useMemo(() => {
    const m = metrics(state, exportedAt).filter((x) => x.value !== null && x.label !== 'Duration');
    const again = reopens(state).length;
    const late = updateGaps(state, exportedAt).late.length;
    const actions = state.postmortem.actionItems.filter((a) => a.deletedAt === null);
    const open = actions.filter((a) => a.status === 'open').length;
    const sections = (['summary', 'trigger', 'rootCause', 'detection'] as const).filter((k) => state.postmortem[k].trim() === '');
    return { m, again, late, actions: actions.length, open, sections };
  }, [state, exportedAt]);
  return (
    <section aria-label="What the postmortem says" className="export-highlights" data-testid="export-highlights" style={{ fontSize: 13 }}>
      <ul style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px', listStyle: 'none', padding: 0, margin: 0 }}>
        {facts.m.map((x) => <li key={x.label}><span className="muted">{x.label}:</span> {x.value}</li>)}
        <li>{facts.again === 0 ? 'Not reopened' : `Reopened ${facts.again === 1 ? 'once' : `${facts.again} times`}`}</li>
        <li>{facts.late === 0 ? 'Updates kept to the cadence' : `${facts.late} update gap${facts.late === 1 ? '' : 's'} over the cadence`}</li>
        <li>{facts.actions === 0 ? 'No action items yet' : `${facts.actions} action item${facts.actions === 1 ? '' : 's'} (${facts.open} open)`}</li>
      </ul>
      {facts.sections.length > 0 && (
        <p className="muted" style={{ margin: '4px 0 0' }}>Not written yet: {facts.sections.map((k) => ({ summary: 'summary', trigger: 'trigger', rootCause: 'root cause', detection: 'detection' })[k]).join(', ')}.</p>
      )}
    </section>
  );
}

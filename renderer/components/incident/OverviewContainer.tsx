import { useShallow } from 'zustand/react/shallow';
import { selectCanEdit, selectMembers } from '../../store/index.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { formatDuration } from '../../../shared/time.ts';
import { OverviewPanel } from '../overview/OverviewPanel.tsx';
import { ResolutionSummary } from '../overview/ResolutionSummary.tsx';
import { report } from './report.ts';

/** The Overview tab: the resolution summary first once resolved, then the overview and key times. */
export function OverviewContainer({ onShowHistory, onPostmortem }: { onShowHistory: () => void; onPostmortem: () => void }) {
  const store = useWarRoomStore();
  const view = useWarRoom((s) => s.view);
  const canEdit = useWarRoom(selectCanEdit);
  const members = useWarRoom(selectMembers);
  if (!view) return null;
  const nameOf = (id: string) => members.find((m) => m.id === id)?.name ?? (id === 'warroom-server' ? 'War Room' : 'someone who left');
  return (
    <div className="overview-tab">
      {view.status === 'resolved' && (
        <section className="resolved-card" aria-labelledby="resolved-heading">
          <h2 id="resolved-heading">Resolved</h2>
          <ResolutionSummary state={view} onPostmortem={onPostmortem} canEdit={canEdit} />
        </section>
      )}
      <OverviewPanel
        overview={{ summary: view.summary, impact: view.impact, customerImpact: view.customerImpact, services: view.services, links: view.links }}
        times={view}
        timeline={view.timeline}
        nameOf={nameOf}
        canEdit={canEdit}
        onSave={(patch) => report(store.getState().updateIncident(patch))}
        onTimes={(patch) => report(store.getState().setTimes(patch))}
        onShowHistory={onShowHistory}
      />
      {view.status !== 'resolved' && (
        <p className="muted small postmortem-early">
          Notes for the postmortem can start now: <button className="link" onClick={onPostmortem} data-testid="overview-postmortem">open the postmortem (w)</button>
        </p>
      )}
    </div>
  );
}

/** Above the timeline once resolved: how long it lasted and the next step, for everyone. */
export function ResolvedBanner({ onSummary, onPostmortem }: { onSummary: () => void; onPostmortem: () => void }) {
  const r = useWarRoom(useShallow((s) => (s.view?.status === 'resolved'
    ? { startedAt: s.view.startedAt, resolvedAt: s.view.resolvedAt ?? s.view.updatedAt } : null)));
  const canEdit = useWarRoom(selectCanEdit);
  if (!r) return null;
  return (
    <div className="banner resolved" role="status" data-testid="resolved-banner">
      <span className="grow">
        <strong>Resolved</strong> after {formatDuration(r.resolvedAt - r.startedAt)}.
        {canEdit ? ' Next step: the postmortem, while memories are fresh.' : ' The postmortem comes next.'}
      </span>
      <button onClick={onSummary} data-testid="resolved-summary">Summary</button>
      <button className="primary" onClick={onPostmortem} data-testid="resolved-postmortem">{canEdit ? 'Write the postmortem (w)' : 'Read the postmortem (w)'}</button>
    </div>
  );
}

import { useWarRoom } from '../../hooks/useWarRoom.ts';
import { useShortcuts } from '../../hooks/useShortcuts.ts';
import { SeverityBadge } from '../common/SeverityBadge.tsx';
import { PostmortemView } from '../postmortem/index.ts';
import { ResolutionSummary } from '../overview/ResolutionSummary.tsx';

interface Props {
  onBack: () => void;
  onExport: () => void;
}

/**
 * The postmortem as a screen of its own (the war room's next step once resolved): a slim header
 * with the way back, and the postmortem editor filling the rest.
 */
export function PostmortemScreen({ onBack, onExport }: Props) {
  const title = useWarRoom((s) => s.view?.title ?? '');
  const severity = useWarRoom((s) => s.view?.severity ?? 'SEV3');
  const view = useWarRoom((s) => s.view);
  useShortcuts({ w: onBack, e: onExport });
  return (
    <div className="postmortem-screen" data-testid="postmortem-screen">
      <header className="incident-header">
        <button onClick={onBack} data-testid="postmortem-back" title="Back to the war room (w)">← War room</button>
        <SeverityBadge severity={severity} />
        <h1 className="title">Postmortem: {title}</h1>
        <span className="header-end">
          <button onClick={onExport} title="Export (e)" data-testid="postmortem-export">Export</button>
        </span>
      </header>
      <div className="postmortem-body">
        <main className="postmortem-main" aria-label="Postmortem">
          <PostmortemView />
        </main>
        {view && (
          <aside className="postmortem-facts" aria-label="What the timeline recorded">
            <h2>From the timeline</h2>
            <ResolutionSummary state={view} onPostmortem={null} />
          </aside>
        )}
      </div>
    </div>
  );
}

import { useWarRoom } from '../../hooks/useWarRoom.ts';
import { useShortcuts } from '../../hooks/useShortcuts.ts';
import { SeverityBadge } from '../common/SeverityBadge.tsx';
import { PostmortemView } from '../postmortem/index.ts';

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
      <main className="postmortem-body" aria-label="Postmortem">
        <PostmortemView />
      </main>
    </div>
  );
}

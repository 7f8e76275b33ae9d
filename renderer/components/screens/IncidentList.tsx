import type { IncidentSummary } from '../../../shared/model.ts';
import { formatDuration } from '../../../shared/time.ts';
import { useNow } from '../../hooks/useNow.ts';
import { clockLabel, dateLabel, useTimeFormat } from '../../hooks/timeFormat.ts';
import { SeverityBadge } from '../common/SeverityBadge.tsx';
import { ConnectionIndicator, type ConnectionView } from '../header/ConnectionIndicator.tsx';

interface Props {
  incidents: IncidentSummary[];
  loaded: boolean;
  connection: ConnectionView;
  canDeclare: boolean;
  onOpen: (id: string) => void;
  onDeclare: () => void;
  onSignOut: () => void;
}

export function IncidentList({ incidents, loaded, connection, canDeclare, onOpen, onDeclare, onSignOut }: Props) {
  const now = useNow(10_000);
  const fmt = useTimeFormat();
  return (
    <div className="list-screen" data-testid="incident-list">
      <header>
        <h1 className="grow">Incidents</h1>
        <ConnectionIndicator connection={connection} />
        {canDeclare && <button className="primary" onClick={onDeclare} data-testid="declare-open">Declare incident (d)</button>}
        <button onClick={onSignOut}>Sign out</button>
      </header>
      {!loaded && incidents.length === 0 && <p className="muted">Loading incidents…</p>}
      {loaded && incidents.length === 0 && <p className="muted">No incidents on this server. Press <kbd>d</kbd> to declare one.</p>}
      {incidents.length > 0 && (
        <table className="incident-table">
          <thead>
            <tr><th>Severity</th><th>Title</th><th>Status</th><th>Started</th><th>Elapsed</th><th>People</th></tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr
                key={i.id}
                className="clickable"
                tabIndex={0}
                data-testid="incident-row"
                data-incident-id={i.id}
                onClick={() => onOpen(i.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') onOpen(i.id);
                  else if (e.key === 'ArrowDown' || e.key === 'j') (e.currentTarget.nextElementSibling as HTMLElement | null)?.focus();
                  else if (e.key === 'ArrowUp' || e.key === 'k') (e.currentTarget.previousElementSibling as HTMLElement | null)?.focus();
                }}
              >
                <td><SeverityBadge severity={i.severity} /></td>
                <td><strong>{i.title}</strong></td>
                <td><span className={`status status-${i.status}`}>{i.status}</span></td>
                <td className="mono">{dateLabel(i.startedAt, fmt) === dateLabel(now, fmt) ? '' : `${dateLabel(i.startedAt, fmt)} `}{clockLabel(i.startedAt, fmt)}</td>
                <td className="mono">{formatDuration((i.resolvedAt ?? now) - i.startedAt)}</td>
                <td>{i.memberCount} member{i.memberCount === 1 ? '' : 's'} · <span className={i.online > 0 ? 'hours-in' : 'faint'}>{i.online} online</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

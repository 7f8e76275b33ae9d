import type { ReactNode } from 'react';
import type { IncidentSummary } from '../../../shared/model.ts';
import { formatDuration } from '../../../shared/time.ts';
import { useNow } from '../../hooks/useNow.ts';
import { clockLabel, dateLabel, fullLabel, shortDate, useTimeFormat } from '../../hooks/timeFormat.ts';
import { SeverityBadge } from '../common/SeverityBadge.tsx';
import { ConnectionIndicator, type ConnectionView } from '../header/ConnectionIndicator.tsx';

interface Props {
  incidents: IncidentSummary[];
  loaded: boolean;
  connection: ConnectionView;
  canDeclare: boolean;
  /** Shown beside the title when the invite is read-only. */
  readOnly?: boolean;
  onOpen: (id: string) => void;
  onDeclare: () => void;
  onSignOut: () => void;
  /** The "Open an export…" control. */
  openExport?: ReactNode;
}

function ago(ms: number): string {
  return ms < 60_000 ? 'just now' : `${formatDuration(ms)} ago`;
}

function Rows({ incidents, now, onOpen }: { incidents: IncidentSummary[]; now: number; onOpen: (id: string) => void }) {
  const fmt = useTimeFormat();
  return (
    <tbody>
      {incidents.map((i) => {
        const open = i.resolvedAt === null && i.status !== 'resolved';
        return (
          <tr
            key={i.id}
            className="clickable"
            tabIndex={0}
            data-testid="incident-row"
            data-incident-id={i.id}
            aria-label={`${i.severity} ${i.title}, ${i.status}`}
            onClick={() => onOpen(i.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onOpen(i.id);
              else if (e.key === 'ArrowDown' || e.key === 'j') (e.currentTarget.nextElementSibling as HTMLElement | null)?.focus();
              else if (e.key === 'ArrowUp' || e.key === 'k') (e.currentTarget.previousElementSibling as HTMLElement | null)?.focus();
            }}
          >
            <td><SeverityBadge severity={i.severity} /></td>
            <td>
              <strong>{i.title}</strong>
              <div className="muted small" data-testid="incident-commander">{i.commanderName ? `Commander: ${i.commanderName}` : 'No commander'}</div>
            </td>
            <td><span className={`status status-${i.status}`}>{i.status}</span></td>
            <td className="nowrap" title={fullLabel(i.startedAt, fmt)}>
              {dateLabel(i.startedAt, fmt) === dateLabel(now, fmt) ? '' : `${shortDate(i.startedAt, fmt, now)}, `}{clockLabel(i.startedAt, fmt)}
            </td>
            <td className="mono">{formatDuration((i.resolvedAt ?? now) - i.startedAt)}</td>
            <td className="nowrap" data-testid="incident-last-update">
              {i.lastUpdateAt !== null ? <span title={fullLabel(i.lastUpdateAt, fmt)}>{ago(now - i.lastUpdateAt)}</span>
                : <span className={open ? 'warn-text' : 'muted'}>{open ? 'none yet' : '—'}</span>}
            </td>
            <td className="nowrap">{i.memberCount} · <span className={i.online > 0 ? 'hours-in' : 'muted'}>{i.online} online</span></td>
          </tr>
        );
      })}
    </tbody>
  );
}

function Section({ title, incidents, now, onOpen, testId }: { title: string; incidents: IncidentSummary[]; now: number; onOpen: (id: string) => void; testId: string }) {
  const id = `section-${testId}`;
  return (
    <section aria-labelledby={id} data-testid={testId}>
      <h2 id={id} className="section-title">{title} <span className="muted">({incidents.length})</span></h2>
      <div className="table-scroll">
        <table className="incident-table">
          <thead>
            <tr><th scope="col">Severity</th><th scope="col">Incident</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Last update</th><th scope="col">People</th></tr>
          </thead>
          <Rows incidents={incidents} now={now} onOpen={onOpen} />
        </table>
      </div>
    </section>
  );
}

/** Active incidents first (what needs people now), then resolved, then the archive folded away. */
export function IncidentList({ incidents, loaded, connection, canDeclare, readOnly = false, onOpen, onDeclare, onSignOut, openExport }: Props) {
  const now = useNow(10_000);
  const archived = incidents.filter((i) => i.archivedAt !== null);
  const live = incidents.filter((i) => i.archivedAt === null);
  const active = live.filter((i) => i.status !== 'resolved');
  const resolved = live.filter((i) => i.status === 'resolved').sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
  return (
    <div className="list-screen" data-testid="incident-list">
      <header>
        <h1 className="grow">Incidents</h1>
        {readOnly && <span className="readonly-pill" data-testid="readonly-pill">Read-only invite</span>}
        <ConnectionIndicator connection={connection} />
        {openExport}
        {canDeclare && <button className="primary" onClick={onDeclare} data-testid="declare-open">Declare incident (d)</button>}
        <button onClick={onSignOut}>Sign out</button>
      </header>
      <main aria-label="Incident list">
        {!loaded && incidents.length === 0 && <p className="muted">Loading incidents…</p>}
        {loaded && incidents.length === 0 && (
          <p className="muted">No incidents on this server.{canDeclare && <> Press <kbd>d</kbd> to declare one.</>}</p>
        )}
        {active.length > 0 && <Section title="Active" testId="incidents-active" incidents={active} now={now} onOpen={onOpen} />}
        {loaded && incidents.length > 0 && active.length === 0 && <p className="muted" data-testid="no-active">No active incident. All quiet.</p>}
        {resolved.length > 0 && <Section title="Resolved" testId="incidents-resolved" incidents={resolved} now={now} onOpen={onOpen} />}
        {archived.length > 0 && (
          <details className="archived">
            <summary>Archived ({archived.length})</summary>
            <Section title="Archived" testId="incidents-archived" incidents={archived} now={now} onOpen={onOpen} />
          </details>
        )}
      </main>
    </div>
  );
}

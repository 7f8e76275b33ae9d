import { memo, type Ref } from 'react';
import { ROLES, SEVERITIES, STATUSES, type IncidentRole, type Member, type Severity, type Status } from '../../../shared/model.ts';
import { formatDuration } from '../../../shared/time.ts';
import { useNow } from '../../hooks/useNow.ts';
import { SeverityBadge } from '../common/SeverityBadge.tsx';
import { ConnectionIndicator, type ConnectionView } from './ConnectionIndicator.tsx';
import { UpdateCountdown } from './UpdateCountdown.tsx';

export interface HeaderIncident {
  title: string;
  severity: Severity;
  status: Status;
  startedAt: number;
  resolvedAt: number | null;
  roles: Record<IncidentRole, string | null>;
  cadenceMin: number;
  nextUpdateDueAt: number | null;
}

interface Props {
  incident: HeaderIncident;
  members: Member[];
  connection: ConnectionView;
  canEdit: boolean;
  statusRef?: Ref<HTMLSelectElement>;
  onBack: () => void;
  onStatus: (status: Status) => void;
  onSeverity: (severity: Severity) => void;
  onRole: (role: IncidentRole, memberId: string | null) => void;
  onCadence: (minutes: number | null) => void;
  onExport?: () => void;
  onHelp: () => void;
}

function Elapsed({ startedAt, resolvedAt }: { startedAt: number; resolvedAt: number | null }) {
  const now = useNow();
  return (
    <span className="elapsed" data-testid="elapsed" title="Time since the incident started">
      {formatDuration((resolvedAt ?? now) - startedAt)}
    </span>
  );
}

function Countdown({ dueAt, cadenceMin }: { dueAt: number | null; cadenceMin: number }) {
  const now = useNow();
  return <UpdateCountdown dueAt={dueAt} now={now} cadenceMin={cadenceMin} />;
}

const CADENCES = [5, 10, 15, 30, 60, 120];

export const IncidentHeader = memo(function IncidentHeader(p: Props) {
  const { incident: inc } = p;
  return (
    <>
      <header className="incident-header" data-testid="incident-header">
        <button className="link" onClick={p.onBack} title="Back to the incident list (i)" aria-label="Back to the incident list">←</button>
        <SeverityBadge severity={inc.severity} />
        <h1 className="title" data-testid="incident-title" title={inc.title}>{inc.title}</h1>
        <span className="header-group">
          <select
            ref={p.statusRef}
            className={`status status-${inc.status}`}
            aria-label="Status"
            data-testid="status-select"
            value={inc.status}
            disabled={!p.canEdit}
            onChange={(e) => p.onStatus(e.target.value as Status)}
          >
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
          <select aria-label="Severity" data-testid="severity-select" value={inc.severity} disabled={!p.canEdit}
            onChange={(e) => p.onSeverity(e.target.value as Severity)}>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </span>
        <Elapsed startedAt={inc.startedAt} resolvedAt={inc.resolvedAt} />
        <Countdown dueAt={inc.nextUpdateDueAt} cadenceMin={inc.cadenceMin} />
        <ConnectionIndicator connection={p.connection} />
        {p.onExport && <button onClick={p.onExport} title="Export (e)" data-testid="export-button">Export</button>}
        <button onClick={p.onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
      </header>
      <div className="roles" data-testid="roles">
        {ROLES.map((role) => (
          <label key={role} className="role inline">
            <span className="role-name">{role === 'commander' ? 'Commander' : role}</span>
            <select
              aria-label={role === 'commander' ? 'Hand over command' : `Assign ${role}`}
              data-testid={`role-${role}`}
              value={inc.roles[role] ?? ''}
              disabled={!p.canEdit}
              onChange={(e) => p.onRole(role, e.target.value || null)}
            >
              <option value="">— nobody —</option>
              {p.members.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
            </select>
          </label>
        ))}
        <label className="role inline">
          <span className="role-name" style={{ textTransform: 'none' }}>Updates every</span>
          <select aria-label="Update cadence" data-testid="cadence" value={String(inc.cadenceMin)} disabled={!p.canEdit}
            onChange={(e) => p.onCadence(Number(e.target.value))}>
            {[...new Set([...CADENCES, inc.cadenceMin])].sort((a, b) => a - b).map((m) => <option key={m} value={m}>{m} min</option>)}
          </select>
        </label>
      </div>
    </>
  );
});

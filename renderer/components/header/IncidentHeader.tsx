import { memo, type Ref } from 'react';
import { ROLES, SEVERITIES, STATUSES, own, type IncidentRole, type Member, type Severity, type Status } from '../../../shared/model.ts';
import { formatDuration } from '../../../shared/time.ts';
import { useNow } from '../../hooks/useNow.ts';
import { Avatar } from '../common/Avatar.tsx';
import { CommitSelect } from '../common/CommitSelect.tsx';
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
  /** The viewer's own member row, for the profile button. */
  me?: { id: string; name: string };
  statusRef?: Ref<HTMLSelectElement>;
  onBack: () => void;
  onStatus: (status: Status) => void;
  onSeverity: (severity: Severity) => void;
  onRole: (role: IncidentRole, memberId: string | null) => void;
  onCadence: (minutes: number | null) => void;
  onExport?: () => void;
  onHelp: () => void;
  onProfile?: () => void;
}

function Elapsed({ startedAt, resolvedAt }: { startedAt: number; resolvedAt: number | null }) {
  const now = useNow();
  return (
    <span className="elapsed" data-testid="elapsed" title={resolvedAt ? 'How long the incident lasted' : 'Time since the impact started'}>
      {formatDuration((resolvedAt ?? now) - startedAt)}
    </span>
  );
}

function Countdown({ dueAt, cadenceMin }: { dueAt: number | null; cadenceMin: number }) {
  const now = useNow();
  return <UpdateCountdown dueAt={dueAt} now={now} cadenceMin={cadenceMin} />;
}

const CADENCES = [5, 10, 15, 30, 60, 120];
const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'Commander', comms: 'Comms', scribe: 'Scribe', ops: 'Ops' };

export const IncidentHeader = memo(function IncidentHeader(p: Props) {
  const { incident: inc } = p;
  const nameOf = (id: string | null) => (id ? own(Object.fromEntries(p.members.map((m) => [m.id, m])), id)?.name ?? 'someone who left' : 'nobody');
  return (
    <>
      <header className="incident-header" data-testid="incident-header">
        <button className="icon-button" onClick={p.onBack} title="Back to the incident list (i)" aria-label="Back to the incident list">←</button>
        <SeverityBadge severity={inc.severity} />
        <h1 className="title" data-testid="incident-title" title={inc.title}>{inc.title}</h1>
        {p.canEdit ? (
          <span className="header-group">
            <CommitSelect
              selectRef={p.statusRef}
              className={`status status-${inc.status}`}
              aria-label="Status"
              data-testid="status-select"
              value={inc.status}
              onCommit={(v) => p.onStatus(v as Status)}
            >
              {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </CommitSelect>
            <CommitSelect aria-label="Severity" data-testid="severity-select" value={inc.severity} onCommit={(v) => p.onSeverity(v as Severity)}>
              {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
            </CommitSelect>
          </span>
        ) : (
          <span className={`status status-${inc.status} status-text`} data-testid="status-text">{inc.status}</span>
        )}
        <Elapsed startedAt={inc.startedAt} resolvedAt={inc.resolvedAt} />
        <Countdown dueAt={inc.nextUpdateDueAt} cadenceMin={inc.cadenceMin} />
        <label className="cadence inline">
          <span className="visually-hidden">Stakeholder updates every</span>
          {p.canEdit ? (
            <CommitSelect aria-label="Update cadence" data-testid="cadence" value={String(inc.cadenceMin)} onCommit={(v) => p.onCadence(Number(v))}
              title="How often stakeholder updates are due">
              {[...new Set([...CADENCES, inc.cadenceMin])].sort((a, b) => a - b).map((m) => <option key={m} value={m}>every {m} min</option>)}
            </CommitSelect>
          ) : <span className="muted">every {inc.cadenceMin} min</span>}
        </label>
        <span className="header-break" aria-hidden="true" />
        <span className="header-end">
          {!p.canEdit && <span className="readonly-pill" data-testid="readonly-pill" title="Your invite lets you read and export, not write">Read-only</span>}
          <ConnectionIndicator connection={p.connection} />
          {p.onExport && <button onClick={p.onExport} title="Export (e)" data-testid="export-button">Export</button>}
          {p.me && p.onProfile && (
            <button className="profile-button" onClick={p.onProfile} data-testid="profile-button" title={`Your profile (${p.me.name}): skills, time zone, hours, availability`}>
              <Avatar id={p.me.id} name={p.me.name} size={22} decorative={false} /><span className="visually-hidden"> Your profile</span>
            </button>
          )}
          <button className="icon-button" onClick={p.onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
        </span>
      </header>
      <div className="roles" data-testid="roles">
        {ROLES.map((role) => (
          <label key={role} className="role inline">
            <span className="role-name">{ROLE_LABEL[role]}</span>
            {p.canEdit ? (
              <CommitSelect
                aria-label={role === 'commander' ? 'Hand over command' : `Assign ${role}`}
                data-testid={`role-${role}`}
                value={inc.roles[role] ?? ''}
                onCommit={(v) => p.onRole(role, v || null)}
              >
                <option value="">— nobody —</option>
                {p.members.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
              </CommitSelect>
            ) : (
              <span className="role-holder" data-testid={`role-${role}`}>{nameOf(inc.roles[role])}</span>
            )}
          </label>
        ))}
      </div>
    </>
  );
});

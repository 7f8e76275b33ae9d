import { AVAILABILITIES, type Availability, type IncidentRole, type Member } from '../../../shared/model.ts';
import { formatOffset, isWithinWorkingHours } from '../../../shared/time.ts';
import { clockLabel, useTimeFormat } from '../../hooks/timeFormat.ts';
import { useNow } from '../../hooks/useNow.ts';
import { Avatar } from '../common/Avatar.tsx';

interface Props {
  members: Member[];
  meId: string | null;
  online: ReadonlySet<string>;
  typing: ReadonlySet<string>;
  roles: Record<IncidentRole, string | null>;
  canEdit: boolean;
  onAvailability: (a: Availability) => void;
  onAsk: (memberId: string) => void;
  onProfile: () => void;
}

/** Who is in the incident: online now, their local time and whether they are inside working hours. */
export function Roster({ members, meId, online, typing, roles, canEdit, onAvailability, onAsk, onProfile }: Props) {
  const now = useNow(30_000);
  const fmt = useTimeFormat();
  const sorted = [...members].sort((a, b) => Number(online.has(b.id)) - Number(online.has(a.id)) || a.name.localeCompare(b.name));
  const rolesOf = (id: string) => (Object.entries(roles) as [IncidentRole, string | null][]).filter(([, m]) => m === id).map(([r]) => r);
  return (
    <ul className="roster" data-testid="roster" aria-label="People in this incident">
      {sorted.map((m) => {
        const isOnline = online.has(m.id);
        const inHours = isWithinWorkingHours(now, m.timeZone, m.workingHours);
        const held = rolesOf(m.id);
        const mine = m.id === meId;
        return (
          <li key={m.id} className="roster-member" data-testid="roster-member" data-member-id={m.id} data-online={isOnline}>
            <span className="roster-avatar">
              <Avatar id={m.id} name={m.name} size={32} />
              <span className={`presence${isOnline ? ' online' : ''}`} role="img" aria-label={isOnline ? 'Connected now' : 'Not connected'} title={isOnline ? 'Connected now' : 'Not connected'} />
            </span>
            <div className="roster-who">
              <div>
                <strong>{m.name}</strong>{mine && <span className="muted"> (you)</span>}
                {typing.has(m.id) && <span className="muted"> · typing…</span>}
                {held.length > 0 && <span className="role-chip">{held.join(', ')}</span>}
              </div>
              <div className="muted">
                <span className="mono" data-testid="member-local-time">{clockLabel(now, { zone: m.timeZone, utc: false, ...(fmt.locale ? { locale: fmt.locale } : {}) })}</span>{' '}
                <span className={inHours ? 'hours-in' : 'hours-out'} data-testid="member-hours" title={`Working hours ${m.workingHours.start}–${m.workingHours.end}`}>
                  {inHours ? 'working hours' : 'off hours'}
                </span>
                {' · '}{m.timeZone.split('/').pop()!.replace(/_/g, ' ')} ({formatOffset(now, m.timeZone)})
              </div>
              {m.skills.length > 0 && <div>{m.skills.map((s) => <span key={s} className="skill">{s}</span>)}</div>}
            </div>
            <div className="roster-actions">
              {mine && canEdit ? (
                <select aria-label="My availability" data-testid="my-availability" value={m.availability} onChange={(e) => onAvailability(e.target.value as Availability)}>
                  {AVAILABILITIES.map((a) => <option key={a} value={a}>{a}</option>)}
                </select>
              ) : (
                <span className={`avail-${m.availability}`}>{m.availability}</span>
              )}
              {mine && <button onClick={onProfile} data-testid="roster-edit-profile">Edit profile</button>}
              {canEdit && !mine && <button onClick={() => onAsk(m.id)} aria-label={`Ask ${m.name} for help`}>Ask</button>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

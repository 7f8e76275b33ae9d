import { AVAILABILITIES, type Availability, type IncidentRole, type Member } from '../../../shared/model.ts';
import { formatClock, formatOffset, isWithinWorkingHours } from '../../../shared/time.ts';
import { useNow } from '../../hooks/useNow.ts';

interface Props {
  members: Member[];
  meId: string | null;
  online: ReadonlySet<string>;
  typing: ReadonlySet<string>;
  roles: Record<IncidentRole, string | null>;
  canEdit: boolean;
  onAvailability: (a: Availability) => void;
  onAsk: (memberId: string) => void;
}

/** Who is in the incident: online now, their local time and whether they are inside working hours. */
export function Roster({ members, meId, online, typing, roles, canEdit, onAvailability, onAsk }: Props) {
  const now = useNow(30_000);
  const sorted = [...members].sort((a, b) => Number(online.has(b.id)) - Number(online.has(a.id)) || a.name.localeCompare(b.name));
  const rolesOf = (id: string) => (Object.entries(roles) as [IncidentRole, string | null][]).filter(([, m]) => m === id).map(([r]) => r);
  return (
    <table className="roster" data-testid="roster">
      <thead>
        <tr><th>Member</th><th>Local time</th><th>Skills</th><th>Availability</th><th /></tr>
      </thead>
      <tbody>
        {sorted.map((m) => {
          const isOnline = online.has(m.id);
          const inHours = isWithinWorkingHours(now, m.timeZone, m.workingHours);
          const held = rolesOf(m.id);
          return (
            <tr key={m.id} data-testid="roster-member" data-member-id={m.id} data-online={isOnline}>
              <td>
                <span className={`presence${isOnline ? ' online' : ''}`} title={isOnline ? 'Connected now' : 'Not connected'} />
                <strong>{m.name}</strong>{m.id === meId && <span className="faint"> (you)</span>}
                {typing.has(m.id) && <span className="faint"> · typing…</span>}
                {held.length > 0 && <div className="faint" style={{ textTransform: 'capitalize' }}>{held.join(', ')}</div>}
              </td>
              <td>
                <span className="mono" data-testid="member-local-time">{formatClock(now, m.timeZone)}</span>{' '}
                <span className={inHours ? 'hours-in' : 'hours-out'} data-testid="member-hours">
                  {inHours ? 'working hours' : 'off hours'}
                </span>
                <div className="faint" title={`Working hours ${m.workingHours.start}–${m.workingHours.end}`}>
                  {m.timeZone} ({formatOffset(now, m.timeZone)})
                </div>
              </td>
              <td>{m.skills.map((s) => <span key={s} className="skill">{s}</span>)}</td>
              <td>
                {m.id === meId && canEdit ? (
                  <select aria-label="My availability" data-testid="my-availability" value={m.availability} onChange={(e) => onAvailability(e.target.value as Availability)}>
                    {AVAILABILITIES.map((a) => <option key={a} value={a}>{a}</option>)}
                  </select>
                ) : (
                  <span className={`avail-${m.availability}`}>{m.availability}</span>
                )}
              </td>
              <td>{canEdit && m.id !== meId && <button className="link" onClick={() => onAsk(m.id)} title={`Ask ${m.name} for help`}>ask</button>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

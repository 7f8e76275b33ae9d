import { useState } from 'react';
import type { IncidentState } from '../../../shared/model.ts';
import type { PayloadOf } from '../../../shared/ops.ts';
import { formatDuration } from '../../../shared/time.ts';
import { fullLabel, useTimeFormat, utcToWallTime, wallTimeToUtc, whenLabel } from '../../hooks/timeFormat.ts';

type Times = Pick<IncidentState, 'startedAt' | 'detectedAt' | 'declaredAt' | 'acknowledgedAt' | 'mitigatedAt' | 'impactEndedAt' | 'resolvedAt'>;
type Editable = 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'mitigatedAt' | 'impactEndedAt';

const ROWS: [keyof Times, string, boolean][] = [
  ['startedAt', 'Impact started', true],
  ['detectedAt', 'Detected', true],
  ['declaredAt', 'Declared', false],
  ['acknowledgedAt', 'Acknowledged', true],
  ['mitigatedAt', 'Mitigated', true],
  ['impactEndedAt', 'Impact ended', true],
  ['resolvedAt', 'Resolved', false],
];

interface Props {
  times: Times;
  canEdit: boolean;
  zone: string;
  onTimes: (patch: PayloadOf<'incident.times'>) => boolean;
}

/** The key times a postmortem measures (time to detect, to mitigate…), each settable by hand. */
export function KeyTimes({ times, canEdit, zone, onTimes }: Props) {
  const fmt = useTimeFormat();
  const [editing, setEditing] = useState<Editable | null>(null);
  const [wall, setWall] = useState('');
  const start = (key: Editable) => {
    setWall(utcToWallTime(times[key] ?? Date.now(), zone));
    setEditing(key);
  };
  const save = () => {
    if (!editing) return;
    const at = wallTimeToUtc(wall, zone);
    if (at === null) return;
    if (at === times[editing] || onTimes({ [editing]: at })) setEditing(null);
  };
  return (
    <div className="key-times" data-testid="key-times">
      <h3>Key times <span className="faint">({zone})</span></h3>
      <table>
        <tbody>
          {ROWS.map(([key, label, editable]) => {
            const at = times[key];
            return (
              <tr key={key} data-testid={`time-${key}`}>
                <th scope="row">{label}</th>
                <td>
                  {editing === key ? (
                    <span className="row">
                      <input type="datetime-local" aria-label={`${label} (${zone})`} value={wall} autoFocus data-testid={`time-input-${key}`}
                        onChange={(e) => setWall(e.target.value)}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') { e.preventDefault(); save(); }
                          if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setEditing(null); }
                        }} />
                      <button type="button" onClick={save}>Set</button>
                      <button type="button" onClick={() => setEditing(null)}>Cancel</button>
                    </span>
                  ) : at === null ? <span className="faint">—</span> : (
                    <time dateTime={new Date(at).toISOString()} title={fullLabel(at, fmt)}>
                      {whenLabel(at, fmt)}
                      {key !== 'startedAt' && at >= times.startedAt && <span className="faint"> · +{formatDuration(at - times.startedAt)}</span>}
                    </time>
                  )}
                </td>
                <td>
                  {canEdit && editable && editing !== key && (
                    <button className="link" onClick={() => start(key as Editable)} aria-label={`Set the ${label.toLowerCase()} time`}>set</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

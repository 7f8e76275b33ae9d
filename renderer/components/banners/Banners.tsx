import type { AwaySummary } from '../../store/awaySummary.ts';
import { clockLabel, useTimeFormat } from '../../hooks/timeFormat.ts';
import { useNow } from '../../hooks/useNow.ts';
import { updateCountdownText } from '../header/UpdateCountdown.tsx';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function AwayBanner({ summary, onDismiss }: { summary: AwaySummary; onDismiss: () => void }) {
  const fmt = useTimeFormat();
  return (
    <div className="banner info" data-testid="away-summary" role="region" aria-label="Since you were away">
      <div className="grow">
        <strong>Since you were away:</strong>{' '}
        {plural(summary.newEntries.length, 'new entry', 'new entries')}
        {summary.changes.length > 0 && <> · {plural(summary.changes.length, 'status/role change', 'status/role changes')}</>}
        {summary.tasksForMe.length > 0 && <> · {plural(summary.tasksForMe.length, 'task', 'tasks')} for you</>}
        {summary.helpForMe.length > 0 && <> · <strong>{plural(summary.helpForMe.length, 'open help request', 'open help requests')} for you</strong></>}
        <span className="faint"> (since {clockLabel(summary.sinceAt, fmt)})</span>
        {summary.changes.length > 0 && (
          <ul>
            {summary.changes.slice(-4).map((e) => <li key={e.id}><span className="mono faint">{clockLabel(e.occurredAt, fmt)}</span> {e.text}</li>)}
          </ul>
        )}
        {(summary.tasksForMe.length > 0 || summary.helpForMe.length > 0) && (
          <ul>
            {summary.tasksForMe.slice(0, 4).map((t) => <li key={t.id}>Task ({t.column}): {t.title}</li>)}
            {summary.helpForMe.slice(0, 4).map((h) => <li key={h.id}>Help ({h.urgency}): {h.text}</li>)}
          </ul>
        )}
      </div>
      <button onClick={onDismiss} data-testid="away-dismiss">Dismiss</button>
    </div>
  );
}

export function UpdateDueBanner({ dueAt, onWrite, onDismiss }: { dueAt: number; onWrite: () => void; onDismiss: () => void }) {
  const now = useNow();
  return (
    <div className="banner warn" data-testid="update-due-banner" role="alert">
      <div className="grow">
        <strong>Stakeholder update due.</strong> {updateCountdownText(dueAt, now)}. Post an entry of kind “update” to reset the clock.
      </div>
      <button className="primary" onClick={onWrite} data-testid="update-write">Write update</button>
      <button onClick={onDismiss}>Later</button>
    </div>
  );
}

import { formatDuration } from '../../../shared/time.ts';

/** "next update due in 7 min" / "update overdue by 3 min"; nothing once resolved. */
export function updateCountdownText(dueAt: number | null, now: number): string | null {
  if (dueAt === null) return null;
  const left = dueAt - now;
  return left <= 0 ? `update overdue by ${minutes(-left)}` : `next update due in ${minutes(left)}`;
}

/** Whole minutes rounded up ("7 min"), or "1h 05m" beyond an hour. */
function minutes(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return m < 60 ? `${m} min` : formatDuration(m * 60_000);
}

export function UpdateCountdown({ dueAt, now, cadenceMin }: { dueAt: number | null; now: number; cadenceMin: number }) {
  const text = updateCountdownText(dueAt, now);
  if (text === null) return null;
  const left = (dueAt ?? 0) - now;
  const tone = left <= 0 ? 'overdue' : left < 3 * 60_000 ? 'soon' : '';
  return (
    <span className={`countdown ${tone}`} data-testid="update-countdown" title={`Stakeholder updates every ${cadenceMin} min`}>
      {text}
    </span>
  );
}

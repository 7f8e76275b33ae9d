import { useState } from 'react';
import type { AccessRole, IncidentState } from '../../../shared/model.ts';
import { nextUpdateDueAt } from '../../../shared/reducer.ts';
import { useNow } from '../../hooks/useNow.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { AwayBanner, UpdateDueBanner } from '../banners/Banners.tsx';

/** The commander sees the banner once the stakeholder update is due (viewers never do). */
export function updateDueFor(view: IncidentState | null, meId: string, access: AccessRole | null, now: number): number | null {
  if (!view || access === 'viewer' || view.roles.commander !== meId) return null;
  const dueAt = nextUpdateDueAt(view);
  return dueAt !== null && now >= dueAt ? dueAt : null;
}

function UpdateDue({ onWrite }: { onWrite: () => void }) {
  const now = useNow(5_000);
  const dueAt = useWarRoom((s) => updateDueFor(s.view, s.prefs.clientId, s.access, now));
  const [laterFor, setLaterFor] = useState<number | null>(null);
  if (dueAt === null || laterFor === dueAt) return null;
  return <UpdateDueBanner dueAt={dueAt} onWrite={onWrite} onDismiss={() => setLaterFor(dueAt)} />;
}

/** Above the timeline: "since you were away" and, for the commander, the due stakeholder update. */
export function BannersContainer({ onWriteUpdate }: { onWriteUpdate: () => void }) {
  const store = useWarRoomStore();
  const summary = useWarRoom((s) => s.awaySummary);
  return (
    <>
      {summary && <AwayBanner summary={summary} onDismiss={() => store.getState().dismissAwaySummary()} />}
      <UpdateDue onWrite={onWriteUpdate} />
    </>
  );
}

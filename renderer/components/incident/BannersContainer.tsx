import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { nextUpdateDueAt } from '../../../shared/reducer.ts';
import { useNow } from '../../hooks/useNow.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { AwayBanner, UpdateDueBanner } from '../banners/Banners.tsx';

function UpdateDue({ onWrite }: { onWrite: () => void }) {
  const now = useNow(5_000);
  const { dueAt, commander } = useWarRoom(useShallow((s) => ({
    dueAt: s.view ? nextUpdateDueAt(s.view) : null,
    commander: s.view !== null && s.view.roles.commander === s.prefs.clientId && s.access !== 'viewer',
  })));
  const [laterFor, setLaterFor] = useState<number | null>(null);
  if (!commander || dueAt === null || now < dueAt || laterFor === dueAt) return null;
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

import { useMemo, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { own, type HelpRequest, type Task } from '../../../shared/model.ts';
import { selectCanEdit, selectMembers, selectMyId } from '../../store/index.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { pushToast } from '../../hooks/toasts.ts';
import { TaskBoard, type BoardCallbacks } from '../board/TaskBoard.tsx';
import { Roster } from '../roster/Roster.tsx';
import { HelpPanel } from '../help/HelpPanel.tsx';
import { report } from './report.ts';

export type SideTab = 'timeline' | 'overview' | 'board' | 'roster' | 'help';

const EMPTY_TASKS: Record<string, Task> = {};

function BoardContainer({ newTaskRef }: { newTaskRef: Ref<HTMLInputElement> }) {
  const store = useWarRoomStore();
  const taskMap = useWarRoom((s) => s.view?.tasks ?? EMPTY_TASKS);
  const tasks = useMemo(() => Object.values(taskMap), [taskMap]);
  const members = useWarRoom(selectMembers);
  const canEdit = useWarRoom(selectCanEdit);
  const callbacks = useMemo<BoardCallbacks>(() => {
    const a = () => store.getState();
    return {
      add: (title, assigneeId, followUp) => report(a().addTask({ title, assigneeId, followUp })),
      move: (id, m) => report(a().moveTask(id, m.column, m.rank)),
      assign: (id, assigneeId) => report(a().updateTask(id, { assigneeId })),
      setFollowUp: (id, followUp) => report(a().updateTask(id, { followUp })),
      remove: (t) => {
        if (!report(a().deleteTask(t.id))) return;
        pushToast({ text: `Task “${t.title}” deleted.`, tone: 'info', action: { label: 'Undo', run: () => report(a().restoreTask(t.id)) } });
      },
      restore: (t) => report(a().restoreTask(t.id)),
    };
  }, [store]);
  return <TaskBoard tasks={tasks} members={members} canEdit={canEdit} callbacks={callbacks} newTaskRef={newTaskRef} />;
}

export function useOnlineIds(): ReadonlySet<string> {
  const presence = useWarRoom((s) => s.presence);
  return useMemo(() => new Set(Object.keys(presence).filter((id) => (own(presence, id)?.connections ?? 0) > 0)), [presence]);
}

function RosterContainer({ onAsk, onProfile }: { onAsk: (memberId: string) => void; onProfile: () => void }) {
  const store = useWarRoomStore();
  const members = useWarRoom(selectMembers);
  const meId = useWarRoom(selectMyId);
  const canEdit = useWarRoom(selectCanEdit);
  const roles = useWarRoom(useShallow((s) => s.view?.roles ?? { commander: null, comms: null, scribe: null, ops: null }));
  const presence = useWarRoom((s) => s.presence);
  const online = useOnlineIds();
  const typing = useMemo(() => new Set(Object.keys(presence).filter((id) => own(presence, id)?.typing)), [presence]);
  return (
    <Roster
      members={members}
      meId={meId}
      online={online}
      typing={typing}
      roles={roles}
      canEdit={canEdit}
      onAvailability={(availability) => report(store.getState().updateMember({ availability }))}
      onAsk={onAsk}
      onProfile={onProfile}
    />
  );
}

const EMPTY_HELP: Record<string, HelpRequest> = {};

function HelpContainer({ onAsk }: { onAsk: () => void }) {
  const store = useWarRoomStore();
  const helpMap = useWarRoom((s) => s.view?.help ?? EMPTY_HELP);
  const requests = useMemo(() => Object.values(helpMap), [helpMap]);
  const members = useWarRoom(selectMembers);
  const meId = useWarRoom(selectMyId);
  const canEdit = useWarRoom(selectCanEdit);
  const me = members.find((m) => m.id === meId);
  const nameOf = (id: string) => members.find((m) => m.id === id)?.name ?? id;
  const a = () => store.getState();
  return (
    <HelpPanel
      requests={requests}
      me={me}
      nameOf={nameOf}
      canEdit={canEdit}
      onAsk={onAsk}
      onAck={(id) => report(a().ackHelp(id))}
      onResolve={(id) => report(a().resolveHelp(id))}
      onCancel={(id) => report(a().cancelHelp(id))}
    />
  );
}

interface Props {
  tab: SideTab;
  onTab: (t: SideTab) => void;
  newTaskRef: Ref<HTMLInputElement>;
  onAsk: (memberIds?: string[]) => void;
  onProfile: () => void;
  /** Narrow windows: the timeline is one of the tabs instead of a column of its own. */
  narrow: boolean;
  overview: ReactNode;
}

const TAB_KEYS: Record<SideTab, string> = { timeline: 'n', overview: 'o', board: '1', roster: '2', help: '3' };
const TAB_LABEL: Record<SideTab, string> = { timeline: 'Timeline', overview: 'Overview', board: 'Board', roster: 'Roster', help: 'Help' };

export function SidePanels({ tab, onTab, newTaskRef, onAsk, onProfile, narrow, overview }: Props) {
  // Resolving closes help requests; a resolved incident asks nobody for anything, so no badge.
  const openHelp = useWarRoom((s) => {
    if (!s.view || s.view.status === 'resolved') return 0;
    let n = 0;
    for (const h of Object.values(s.view.help)) if (h.status === 'open') n++;
    return n;
  });
  const tabs: SideTab[] = narrow ? ['timeline', 'overview', 'board', 'roster', 'help'] : ['overview', 'board', 'roster', 'help'];
  const shown = !narrow && tab === 'timeline' ? 'board' : tab;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // The tab list is one stop for Tab; arrows move between tabs (WAI-ARIA tabs pattern).
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const i = tabs.indexOf(shown);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    onTab(next);
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
  };
  return (
    <aside className={`side${narrow && shown === 'timeline' ? ' side-collapsed' : ''}`} aria-label="Incident panels">
      <div className="tabs" role="tablist" aria-label="Panels" onKeyDown={onKeyDown}>
        {tabs.map((id) => (
          <button
            key={id} id={`tab-${id}`} role="tab" aria-selected={shown === id} aria-controls={id === 'timeline' ? 'timeline-panel' : 'side-panel'}
            tabIndex={shown === id ? 0 : -1} data-testid={`tab-${id}`} onClick={() => onTab(id)} title={`${TAB_LABEL[id]} (${TAB_KEYS[id]})`}
          >
            {TAB_LABEL[id]}{id === 'help' && openHelp > 0 && <span className="badge" aria-label={`${openHelp} open`}>{openHelp}</span>}
          </button>
        ))}
      </div>
      {shown !== 'timeline' && (
        <div className="tab-panel" role="tabpanel" id="side-panel" aria-labelledby={`tab-${shown}`} tabIndex={0}>
          {shown === 'overview' && overview}
          {shown === 'board' && <BoardContainer newTaskRef={newTaskRef} />}
          {shown === 'roster' && <RosterContainer onAsk={(id) => onAsk([id])} onProfile={onProfile} />}
          {shown === 'help' && <HelpContainer onAsk={() => onAsk()} />}
        </div>
      )}
    </aside>
  );
}

import { useEffect, useMemo, type Ref } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { own, type HelpRequest, type Task } from '../../../shared/model.ts';
import { selectCanEdit, selectMembers, selectMyId } from '../../store/index.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { pushToast } from '../../hooks/toasts.ts';
import { TaskBoard, type BoardCallbacks } from '../board/TaskBoard.tsx';
import { Roster } from '../roster/Roster.tsx';
import { HelpPanel } from '../help/HelpPanel.tsx';
import { report } from './report.ts';
import { onOpenPostmortem, PostmortemPrompt, PostmortemView } from '../postmortem/index.ts';

export type SideTab = 'board' | 'roster' | 'help' | 'postmortem';

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

function RosterContainer({ onAsk }: { onAsk: (memberId: string) => void }) {
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
}

export function SidePanels({ tab, onTab, newTaskRef, onAsk }: Props) {
  const openHelp = useWarRoom((s) => {
    let n = 0;
    for (const h of Object.values(s.view?.help ?? EMPTY_HELP)) if (h.status === 'open') n++;
    return n;
  });
  const tabs: [SideTab, string, string | null][] = [['board', 'Board', '1'], ['roster', 'Roster', '2'], ['help', 'Help', '3'], ['postmortem', 'Postmortem', null]];
  useEffect(() => onOpenPostmortem(() => onTab('postmortem')), [onTab]);
  return (
    <aside className="side">
      {tab !== 'postmortem' && <PostmortemPrompt />}
      <div className="tabs" role="tablist">
        {tabs.map(([id, label, key]) => (
          <button key={id} role="tab" aria-selected={tab === id} data-testid={`tab-${id}`} onClick={() => onTab(id)} title={key ? `${label} (${key})` : label}>
            {label}{id === 'help' && openHelp > 0 && <span className="badge">{openHelp}</span>}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel">
        {tab === 'board' && <BoardContainer newTaskRef={newTaskRef} />}
        {tab === 'roster' && <RosterContainer onAsk={(id) => onAsk([id])} />}
        {tab === 'help' && <HelpContainer onAsk={() => onAsk()} />}
        {tab === 'postmortem' && <PostmortemView />}
      </div>
    </aside>
  );
}

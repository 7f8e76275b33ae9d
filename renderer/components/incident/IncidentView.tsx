import { useRef, useState } from 'react';
import type { UserEntryKind } from '../../../shared/model.ts';
import { selectCanEdit, selectMembers } from '../../store/index.ts';
import { useShortcuts } from '../../hooks/useShortcuts.ts';
import { useUiCommand } from '../../hooks/uiCommands.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { HelpOverlay } from '../common/HelpOverlay.tsx';
import { AskHelpDialog } from '../help/AskHelpDialog.tsx';
import { StatusDialog } from '../header/StatusDialog.tsx';
import { BannersContainer } from './BannersContainer.tsx';
import { HeaderContainer } from './HeaderContainer.tsx';
import { SidePanels, useOnlineIds, type SideTab } from './SidePanels.tsx';
import { TimelineContainer } from './TimelineContainer.tsx';
import { UnsentTray } from '../unsent/UnsentTray.tsx';
import { report } from './report.ts';

type Overlay = { kind: 'none' } | { kind: 'help' } | { kind: 'ask'; memberIds: string[] } | { kind: 'status' };

interface Props {
  onExport: () => void;
}

/** The war-room screen: header, banners and timeline in the middle, board / roster / help on the right. */
export function IncidentView({ onExport }: Props) {
  const store = useWarRoomStore();
  const phase = useWarRoom((s) => s.syncPhase);
  const hasView = useWarRoom((s) => s.view !== null);
  const status = useWarRoom((s) => s.view?.status ?? 'investigating');
  const canEdit = useWarRoom(selectCanEdit);
  const members = useWarRoom(selectMembers);
  const meId = useWarRoom((s) => s.prefs.clientId);
  const online = useOnlineIds();
  const [tab, setTab] = useState<SideTab>('board');
  const [overlay, setOverlay] = useState<Overlay>({ kind: 'none' });
  const [kind, setKind] = useState<UserEntryKind>('note');
  const composerRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const newTaskRef = useRef<HTMLInputElement>(null);

  const focusSoon = (ref: { current: HTMLElement | null }) => requestAnimationFrame(() => ref.current?.focus());
  const back = () => store.getState().closeIncident();
  const ask = (memberIds: string[] = []) => { if (canEdit) setOverlay({ kind: 'ask', memberIds }); };

  useUiCommand('new-entry', () => composerRef.current?.focus());
  useShortcuts({
    n: () => composerRef.current?.focus(),
    t: () => { setTab('board'); focusSoon(newTaskRef); },
    a: () => ask(),
    u: () => store.getState().toggleUtc(),
    '/': () => searchRef.current?.focus(),
    'mod+k': () => searchRef.current?.focus(),
    e: onExport,
    s: () => { if (canEdit) setOverlay({ kind: 'status' }); },
    '1': () => setTab('board'),
    '2': () => setTab('roster'),
    '3': () => setTab('help'),
    i: back,
    '?': () => setOverlay({ kind: 'help' }),
    Escape: () => (document.activeElement as HTMLElement | null)?.blur(),
  });

  if (!hasView) {
    const text = phase === 'not-found' ? 'This incident does not exist on this server.'
      : phase === 'forbidden' ? 'Your invite does not give access to this incident.'
      : 'Loading the incident…';
    return (
      <div className="screen-center" data-testid="incident-loading">
        <div className="card"><p>{text}</p><button onClick={back}>Back to incidents</button></div>
      </div>
    );
  }

  return (
    <div className="incident" data-testid="incident-view" data-sync-phase={phase}>
      <HeaderContainer onBack={back} onExport={onExport} onHelp={() => setOverlay({ kind: 'help' })} />
      <div className="incident-body">
        <main className="center">
          <UnsentTray />
          <BannersContainer onWriteUpdate={() => { setKind('update'); composerRef.current?.focus(); }} />
          <TimelineContainer composerRef={composerRef} searchRef={searchRef} kind={kind} onKind={setKind} />
        </main>
        <SidePanels tab={tab} onTab={setTab} newTaskRef={newTaskRef} onAsk={ask} />
      </div>
      {overlay.kind === 'help' && <HelpOverlay onClose={() => setOverlay({ kind: 'none' })} />}
      {overlay.kind === 'status' && (
        <StatusDialog current={status} onClose={() => setOverlay({ kind: 'none' })}
          onSet={(next, note) => report(store.getState().setStatus(next, note || undefined))} />
      )}
      {overlay.kind === 'ask' && (
        <AskHelpDialog
          members={members}
          meId={meId}
          online={online}
          initialMemberIds={overlay.memberIds}
          onAsk={(req) => report(store.getState().askHelp(req))}
          onClose={() => setOverlay({ kind: 'none' })}
        />
      )}
    </div>
  );
}

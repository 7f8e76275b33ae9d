import { useEffect, useRef, useState } from 'react';
import type { Status, UserEntryKind } from '../../../shared/model.ts';
import { NARROW_LAYOUT_MAX_PX } from '../../../shared/constants.ts';
import { selectCanEdit, selectMembers } from '../../store/index.ts';
import { useShortcuts } from '../../hooks/useShortcuts.ts';
import { useUiCommand } from '../../hooks/uiCommands.ts';
import { useMediaQuery } from '../../hooks/useMediaQuery.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { HelpOverlay } from '../common/HelpOverlay.tsx';
import { Dialog } from '../common/Dialog.tsx';
import { AskHelpDialog } from '../help/AskHelpDialog.tsx';
import { StatusDialog } from '../header/StatusDialog.tsx';
import { ProfileDialog } from '../profile/ProfileDialog.tsx';
import { ResolutionSummary } from '../overview/ResolutionSummary.tsx';
import { EMPTY_FILTER, type TimelineFilter } from '../timeline/filter.ts';
import { BannersContainer } from './BannersContainer.tsx';
import { HeaderContainer } from './HeaderContainer.tsx';
import { OverviewContainer, ResolvedBanner } from './OverviewContainer.tsx';
import { PostmortemScreen } from './PostmortemScreen.tsx';
import { onOpenPostmortem } from '../postmortem/index.ts';
import { SidePanels, useOnlineIds, type SideTab } from './SidePanels.tsx';
import { TimelineContainer } from './TimelineContainer.tsx';
import { UnsentTray } from '../unsent/UnsentTray.tsx';
import { report } from './report.ts';

type Overlay = { kind: 'none' } | { kind: 'help' } | { kind: 'ask'; memberIds: string[] } | { kind: 'status' } | { kind: 'profile' } | { kind: 'resolved' };

interface Props {
  onExport: () => void;
}

/** Below this width the timeline becomes one of the tabs instead of a column beside them. */
export const NARROW_QUERY = `(max-width: ${NARROW_LAYOUT_MAX_PX}px)`;

/** The war-room screen: header, banners and timeline in the middle, overview / board / roster / help on the right. */
export function IncidentView({ onExport }: Props) {
  const store = useWarRoomStore();
  const phase = useWarRoom((s) => s.syncPhase);
  const hasView = useWarRoom((s) => s.view !== null);
  const status = useWarRoom((s) => s.view?.status ?? 'investigating');
  const canEdit = useWarRoom(selectCanEdit);
  const members = useWarRoom(selectMembers);
  const meId = useWarRoom((s) => s.prefs.clientId);
  const online = useOnlineIds();
  const narrow = useMediaQuery(NARROW_QUERY);
  // On a narrow screen (a phone following a link) the timeline comes first.
  const [tab, setTab] = useState<SideTab>(() => (typeof window !== 'undefined' && window.matchMedia?.(NARROW_QUERY).matches ? 'timeline' : 'board'));
  const [screen, setScreen] = useState<'war-room' | 'postmortem'>('war-room');
  const [overlay, setOverlay] = useState<Overlay>({ kind: 'none' });
  const [kind, setKind] = useState<UserEntryKind>('note');
  const [filterRequest, setFilterRequest] = useState<{ filter: TimelineFilter; n: number } | null>(null);
  const composerRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const newTaskRef = useRef<HTMLInputElement>(null);

  const focusSoon = (ref: { current: HTMLElement | null }) => requestAnimationFrame(() => ref.current?.focus());
  const back = () => store.getState().closeIncident();
  const ask = (memberIds: string[] = []) => { if (canEdit) setOverlay({ kind: 'ask', memberIds }); };
  const toTimeline = () => { if (narrow) setTab('timeline'); };
  const focusComposer = () => { toTimeline(); focusSoon(composerRef); };
  const setStatus = (next: Status, note?: string) => {
    const was = store.getState().view?.status;
    const ok = report(store.getState().setStatus(next, note || undefined));
    // Resolving is a moment to take stock: show what it amounted to and the way to the postmortem.
    if (ok && next === 'resolved' && was !== 'resolved') setOverlay({ kind: 'resolved' });
    return ok;
  };
  const openPostmortem = () => { setOverlay({ kind: 'none' }); setScreen('postmortem'); };
  const showHistory = () => {
    toTimeline();
    setFilterRequest((r) => ({ filter: { ...EMPTY_FILTER, kind: 'system', search: 'updated:' }, n: (r?.n ?? 0) + 1 }));
  };

  useUiCommand('new-entry', focusComposer);
  // Anything may ask for the postmortem (openPostmortem() in components/postmortem): it is a screen here.
  useEffect(() => onOpenPostmortem(() => { setOverlay({ kind: 'none' }); setScreen('postmortem'); }), []);
  useShortcuts({
    n: focusComposer,
    t: () => { setTab('board'); focusSoon(newTaskRef); },
    a: () => ask(),
    u: () => store.getState().toggleUtc(),
    '/': () => { toTimeline(); focusSoon(searchRef); },
    'mod+k': () => { toTimeline(); focusSoon(searchRef); },
    e: onExport,
    s: () => { if (canEdit) setOverlay({ kind: 'status' }); },
    o: () => setTab('overview'),
    '1': () => setTab('board'),
    '2': () => setTab('roster'),
    '3': () => setTab('help'),
    w: () => setScreen((s) => (s === 'postmortem' ? 'war-room' : 'postmortem')),
    i: back,
    '?': () => setOverlay({ kind: 'help' }),
    Escape: () => (document.activeElement as HTMLElement | null)?.blur(),
  }, screen === 'war-room');

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

  const closeOverlay = () => setOverlay({ kind: 'none' });
  const overlays = (
    <>
      {overlay.kind === 'help' && <HelpOverlay onClose={closeOverlay} />}
      {overlay.kind === 'status' && <StatusDialog current={status} onClose={() => setOverlay((o) => (o.kind === 'status' ? { kind: 'none' } : o))} onSet={(next, note) => setStatus(next, note)} />}
      {overlay.kind === 'ask' && (
        <AskHelpDialog members={members} meId={meId} online={online} initialMemberIds={overlay.memberIds}
          onAsk={(req) => report(store.getState().askHelp(req))} onClose={closeOverlay} />
      )}
      {overlay.kind === 'profile' && <ProfileContainer onClose={closeOverlay} />}
      {overlay.kind === 'resolved' && <ResolvedDialog onPostmortem={openPostmortem} onClose={closeOverlay} />}
    </>
  );

  if (screen === 'postmortem') {
    return (
      <>
        <PostmortemScreen onBack={() => setScreen('war-room')} onExport={onExport} />
        {overlays}
      </>
    );
  }

  const timelineShown = !narrow || tab === 'timeline';
  return (
    <div className={`incident${narrow ? ' narrow' : ''}`} data-testid="incident-view" data-sync-phase={phase}>
      <HeaderContainer onBack={back} onExport={onExport} onHelp={() => setOverlay({ kind: 'help' })} onProfile={() => setOverlay({ kind: 'profile' })}
        onStatus={(s) => setStatus(s)} />
      <div className="incident-body">
        <main className="center" id="timeline-panel" hidden={!timelineShown} aria-label="Timeline">
          <UnsentTray />
          <ResolvedBanner onSummary={() => setOverlay({ kind: 'resolved' })} onPostmortem={openPostmortem} />
          <BannersContainer onWriteUpdate={() => { setKind('update'); focusComposer(); }} />
          <TimelineContainer composerRef={composerRef} searchRef={searchRef} kind={kind} onKind={setKind} filterRequest={filterRequest} />
        </main>
        <SidePanels tab={tab} onTab={setTab} newTaskRef={newTaskRef} onAsk={ask} onProfile={() => setOverlay({ kind: 'profile' })} narrow={narrow}
          overview={<OverviewContainer onShowHistory={showHistory} onPostmortem={openPostmortem} />} />
      </div>
      {overlays}
    </div>
  );
}

function ResolvedDialog({ onPostmortem, onClose }: { onPostmortem: () => void; onClose: () => void }) {
  const view = useWarRoom((s) => s.view);
  if (!view) return null;
  return (
    <Dialog title={`Resolved: ${view.title}`} onClose={onClose} testId="resolution-dialog">
      <ResolutionSummary state={view} onPostmortem={null} />
      <div className="form">
        <div className="actions">
          <button onClick={onClose}>Back to the war room</button>
          <button className="primary" data-autofocus onClick={onPostmortem} data-testid="resolution-postmortem">Write the postmortem</button>
        </div>
      </div>
    </Dialog>
  );
}

function ProfileContainer({ onClose }: { onClose: () => void }) {
  const store = useWarRoomStore();
  const readOnly = useWarRoom((s) => s.access === 'viewer');
  const [initial] = useState(() => {
    const p = store.getState().prefs;
    return { name: p.name, timeZone: p.timeZone, skills: p.skills, workingHours: p.workingHours, availability: p.availability };
  });
  return (
    <ProfileDialog initial={initial} readOnly={readOnly} onClose={onClose}
      onSave={(f) => { store.getState().setPreferences(f); onClose(); }} />
  );
}

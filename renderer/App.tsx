import { useMemo, useState, type ReactNode } from 'react';
import { selectIncidentList } from './store/index.ts';
import { useWarRoom, useWarRoomShallow, useWarRoomStore } from './hooks/useWarRoom.ts';
import { useNetworkStatus } from './hooks/useNetworkStatus.ts';
import { useShortcuts } from './hooks/useShortcuts.ts';
import { useConnectionView } from './hooks/useConnectionView.ts';
import { TimeFormatContext, systemZone } from './hooks/timeFormat.ts';
import { ConnectScreen, isInviteLink, type ConnectForm } from './components/screens/ConnectScreen.tsx';
import { IncidentList } from './components/screens/IncidentList.tsx';
import { DeclareDialog } from './components/screens/DeclareDialog.tsx';
import { IncidentView } from './components/incident/IncidentView.tsx';
import { HelpOverlay } from './components/common/HelpOverlay.tsx';
import { Toasts } from './components/common/Toasts.tsx';
import { Notices } from './components/common/Notices.tsx';
import { report } from './components/incident/report.ts';

interface Props {
  /** An invite link the page was opened with, waiting for the member's name. */
  pendingInvite: string | null;
  /** Opens the export dialog, when the export UI is built in. */
  exportUi?: (props: { onClose: () => void }) => ReactNode;
}

function ListScreen() {
  const store = useWarRoomStore();
  const incidents = useWarRoom(selectIncidentList);
  const loaded = useWarRoom((s) => s.incidentsLoaded);
  const connection = useConnectionView();
  const [declaring, setDeclaring] = useState(false);
  const [help, setHelp] = useState(false);
  useShortcuts({ d: () => setDeclaring(true), '?': () => setHelp(true) });
  return (
    <>
      <IncidentList
        incidents={incidents}
        loaded={loaded}
        connection={connection}
        canDeclare
        onOpen={(id) => void store.getState().openIncident(id)}
        onDeclare={() => setDeclaring(true)}
        onSignOut={() => store.getState().signOut()}
      />
      {declaring && (
        <DeclareDialog
          onClose={() => setDeclaring(false)}
          onDeclare={(f) => {
            if (report(store.getState().declareIncident({ title: f.title, severity: f.severity, ...(f.summary ? { summary: f.summary } : {}) }))) setDeclaring(false);
          }}
        />
      )}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </>
  );
}

export function App({ pendingInvite, exportUi }: Props) {
  const store = useWarRoomStore();
  useNetworkStatus(store);
  const prefs = useWarRoomShallow((s) => ({
    serverUrl: s.prefs.serverUrl, token: s.prefs.token, name: s.prefs.name, timeZone: s.prefs.timeZone,
    skills: s.prefs.skills, workingHours: s.prefs.workingHours, showUtc: s.prefs.showUtc,
  }));
  const incidentId = useWarRoom((s) => s.incidentId);
  const connection = useWarRoom((s) => s.connection);
  const [invite, setInvite] = useState(pendingInvite);
  const [connectError, setConnectError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const timeFormat = useMemo(() => ({ zone: prefs.timeZone || systemZone(), utc: prefs.showUtc }), [prefs.timeZone, prefs.showUtc]);

  const refused = connection.kind === 'refused' && !incidentId ? connection.message : null;
  const needsConnect = invite !== null || !prefs.serverUrl || !prefs.token || !prefs.name.trim() || refused !== null;

  const onConnect = (f: ConnectForm) => {
    const s = store.getState();
    s.setPreferences({ name: f.name, timeZone: f.timeZone, skills: f.skills, workingHours: f.workingHours });
    const r = isInviteLink(f.invite) ? s.connect({ invite: f.invite }) : s.connect({ serverUrl: f.serverUrl, token: f.invite });
    if (!r.ok) {
      setConnectError(r.message);
      return;
    }
    setConnectError(null);
    setInvite(null);
  };

  const defaultServer = typeof location !== 'undefined' && location.protocol.startsWith('http') ? location.origin : '';
  let screen: ReactNode;
  if (needsConnect) {
    screen = (
      <ConnectScreen
        initial={{
          invite: invite ?? (refused ? '' : prefs.token ?? ''),
          serverUrl: prefs.serverUrl ?? defaultServer,
          name: prefs.name,
          timeZone: prefs.timeZone || systemZone(),
          skills: prefs.skills,
          workingHours: prefs.workingHours,
        }}
        error={connectError ?? refused}
        busy={false}
        onConnect={onConnect}
      />
    );
  } else if (incidentId) {
    screen = <IncidentView key={incidentId} exportAvailable={!!exportUi} onExport={exportUi ? () => setExporting(true) : undefined} />;
  } else {
    screen = <ListScreen />;
  }

  return (
    <TimeFormatContext value={timeFormat}>
      {screen}
      {exporting && exportUi?.({ onClose: () => setExporting(false) })}
      <Notices />
      <Toasts />
    </TimeFormatContext>
  );
}

import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { webInviteLink } from '../shared/invite.ts';
import type { ShellCommand } from '../shared/bridge.ts';
import { assertNever } from '../shared/errors.ts';
import { getPlatform } from './platform/index.ts';
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
import { ExportContainer, ReviewView, type DialogFormat } from './components/export/index.ts';
import { OpenExportButton } from './components/screens/OpenExportButton.tsx';
import { tokenRole } from './store/tokenClaims.ts';
import { emitUiCommand, useUiCommand } from './hooks/uiCommands.ts';
import { pushToast } from './hooks/toasts.ts';

interface Props {
  /** An invite link the page was opened with, waiting for the member's name. */
  pendingInvite: string | null;
}

function ListScreen() {
  const store = useWarRoomStore();
  const incidents = useWarRoom(selectIncidentList);
  const loaded = useWarRoom((s) => s.incidentsLoaded);
  const connection = useConnectionView();
  const [declaring, setDeclaring] = useState(false);
  const [help, setHelp] = useState(false);
  const [review, setReview] = useState<{ text: string; fileName: string } | null>(null);
  const zone = useWarRoom((s) => s.prefs.timeZone);
  const role = useWarRoom((s) => tokenRole(s.prefs.token));
  // Viewers (and integrations) cannot declare: no button to press and be refused by.
  const canDeclare = role !== 'viewer' && role !== 'integration';
  const declare = () => { if (canDeclare) setDeclaring(true); };
  useShortcuts({ d: declare, '?': () => setHelp(true) }, review === null);
  useUiCommand('new-incident', declare);
  if (review) {
    return <ReviewView text={review.text} fileName={review.fileName} bridge={getPlatform()} defaultTimeZone={zone} onClose={() => setReview(null)} />;
  }
  return (
    <>
      <IncidentList
        incidents={incidents}
        loaded={loaded}
        connection={connection}
        canDeclare={canDeclare}
        readOnly={role === 'viewer'}
        onOpen={(id) => void store.getState().openIncident(id)}
        onDeclare={declare}
        onSignOut={() => store.getState().signOut()}
        openExport={<OpenExportButton onOpen={(text, fileName) => setReview({ text, fileName })} onError={(text) => pushToast({ text, tone: 'error' })} />}
      />
      {declaring && (
        <DeclareDialog
          onClose={() => setDeclaring(false)}
          onDeclare={(f) => {
            const s = store.getState();
            if (!report(s.declareIncident({ title: f.title, severity: f.severity, ...(f.summary ? { summary: f.summary } : {}) }))) return;
            setDeclaring(false);
            // Whoever declares commands until they hand over; the handover is one select away.
            report(store.getState().assignRole('commander', s.prefs.clientId));
          }}
        />
      )}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </>
  );
}

/** Desktop menus and deep links (through the platform bridge) drive the same actions as the keys. */
function useShellCommands(setInvite: (link: string) => void, openExport: (format?: DialogFormat) => void): void {
  const store = useWarRoomStore();
  useEffect(() => getPlatform().onCommand((cmd: ShellCommand) => {
    const s = store.getState();
    switch (cmd.type) {
      case 'new-incident':
        if (s.incidentId) s.closeIncident();
        setTimeout(() => emitUiCommand('new-incident'));
        return;
      case 'new-entry':
        emitUiCommand('new-entry');
        return;
      case 'export':
        if (s.incidentId) openExport();
        return;
      case 'print-pdf':
        if (s.incidentId) openExport('pdf');
        return;
      case 'toggle-utc':
        s.toggleUtc();
        return;
      case 'open-incident':
        void s.openIncident(cmd.incidentId);
        return;
      case 'join': {
        if (!s.prefs.name.trim()) {
          setInvite(webInviteLink(cmd.serverUrl, cmd.token, cmd.incidentId));
          return;
        }
        const r = s.connect({ serverUrl: cmd.serverUrl, token: cmd.token });
        if (!r.ok) pushToast({ text: r.message, tone: 'error' });
        else if (cmd.incidentId) void s.openIncident(cmd.incidentId);
        return;
      }
      case 'notice':
        // Something the desktop shell did on its own (settings reset, window reloaded, server stopped).
        pushToast({ text: cmd.message, tone: 'error' });
        return;
      default:
        assertNever(cmd, 'shell command');
    }
  }), [store, setInvite, openExport]);
}

/**
 * Escape closes the dialog even when focus left it: after "Print to PDF" (or an OS save dialog)
 * focus lands on <body>, where the dialog's own key handler never hears it.
 */
function useEscapeCloses(open: boolean, selector: string, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const dialog = document.querySelector(selector);
      if (!dialog || dialog.contains(e.target as Node)) return;
      e.preventDefault();
      close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, selector, close]);
}

export function App({ pendingInvite }: Props) {
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
  const [exporting, setExporting] = useState<{ format?: DialogFormat } | null>(null);
  const closeExport = useCallback(() => setExporting(null), []);
  const openExport = useCallback((format?: DialogFormat) => setExporting({ format }), []);
  useShellCommands(setInvite, openExport);
  useEscapeCloses(exporting !== null, '[data-testid=export-dialog]', closeExport);
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
    screen = <IncidentView key={incidentId} onExport={() => setExporting({})} />;
  } else {
    screen = <ListScreen />;
  }

  return (
    <TimeFormatContext value={timeFormat}>
      {screen}
      {exporting && incidentId && <ExportContainer initialFormat={exporting.format} onClose={() => setExporting(null)} />}
      <Notices />
      <Toasts />
    </TimeFormatContext>
  );
}

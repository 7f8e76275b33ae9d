import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { cadenceMinutes, nextUpdateDueAt } from '../../../shared/reducer.ts';
import type { Status } from '../../../shared/model.ts';
import { selectCanEdit, selectMembers } from '../../store/index.ts';
import { useConnectionView } from '../../hooks/useConnectionView.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { IncidentHeader, type HeaderIncident } from '../header/IncidentHeader.tsx';
import { report } from './report.ts';

interface Props {
  onBack: () => void;
  onExport: (() => void) | undefined;
  onHelp: () => void;
  onProfile: () => void;
  /** Status changes go through the view, which shows the resolution summary on resolve. */
  onStatus: (status: Status) => void;
}

export function HeaderContainer({ onBack, onExport, onHelp, onProfile, onStatus }: Props) {
  const store = useWarRoomStore();
  const f = useWarRoom(useShallow((s) => {
    const v = s.view;
    return v ? {
      title: v.title, severity: v.severity, status: v.status, startedAt: v.startedAt, declaredAt: v.declaredAt, resolvedAt: v.resolvedAt,
      roles: v.roles, cadenceMin: v.cadenceMin, lastUpdateAt: v.lastUpdateAt,
    } : null;
  }));
  const members = useWarRoom(selectMembers);
  const canEdit = useWarRoom(selectCanEdit);
  const myId = useWarRoom((s) => s.prefs.clientId);
  const myName = useWarRoom((s) => s.prefs.name);
  const me = members.find((m) => m.id === myId);
  const connection = useConnectionView();
  const incident = useMemo<HeaderIncident | null>(() => {
    if (!f) return null;
    const shape = { ...f, cadenceMin: f.cadenceMin } as Parameters<typeof cadenceMinutes>[0];
    return {
      ...f,
      cadenceMin: cadenceMinutes(shape),
      nextUpdateDueAt: nextUpdateDueAt(shape),
    };
  }, [f]);
  if (!incident) return null;
  const a = () => store.getState();
  return (
    <IncidentHeader
      incident={incident}
      members={members}
      connection={connection}
      canEdit={canEdit}
      onBack={onBack}
      onStatus={onStatus}
      onSeverity={(sev) => report(a().setSeverity(sev))}
      onRole={(role, id) => report(a().assignRole(role, id))}
      onCadence={(min) => report(a().updateIncident({ cadenceMin: min }))}
      onExport={onExport}
      onHelp={onHelp}
      onProfile={onProfile}
      me={me ? { id: me.id, name: me.name } : { id: myId, name: myName || 'You' }}
    />
  );
}

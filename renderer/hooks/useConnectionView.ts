import type { ConnectionView } from '../components/header/ConnectionIndicator.tsx';
import type { ConnectionStatus } from '../store/index.ts';
import { troubleLabel } from '../sync/refusals.ts';
import { useWarRoomShallow } from './useWarRoom.ts';

/** Maps the store's connection status and outbox size onto what the indicator shows. */
export function toConnectionView(c: ConnectionStatus, unsynced: number): ConnectionView {
  switch (c.kind) {
    case 'idle':
      return { status: 'offline', attempt: 0, unsynced };
    case 'connecting':
      return { status: 'connecting', attempt: 0, unsynced };
    case 'connected':
      return { status: 'connected', attempt: 0, unsynced };
    case 'reconnecting':
      return { status: 'reconnecting', attempt: c.attempt, unsynced, message: c.lastError };
    case 'offline':
      return { status: 'offline', attempt: 0, unsynced, message: c.reason };
    case 'refused':
      return { status: 'refused', attempt: 0, unsynced, message: c.message };
    default: {
      const never: never = c;
      return never;
    }
  }
}

export function useConnectionView(): ConnectionView {
  const [connection, unsynced, catchingUp, rttMs, trouble] = useWarRoomShallow((s) =>
    [s.connection, s.outbox.length, s.incidentId !== null && (s.syncPhase === 'local' || s.syncPhase === 'joining'), s.rttMs, s.serverTrouble] as const);
  const label = trouble ? troubleLabel(trouble.code) : null;
  const view = { ...toConnectionView(connection, unsynced), rttMs, ...(label ? { trouble: label, troubleMessage: trouble?.message ?? null } : {}) };
  return catchingUp && view.status === 'connected' ? { ...view, catchingUp } : view;
}

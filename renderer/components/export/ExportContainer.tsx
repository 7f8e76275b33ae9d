import { getPlatform } from '../../platform/index.ts';
import { useWarRoom } from '../../store/react.ts';
import { ExportDialog } from './ExportDialog.tsx';
import type { DialogFormat } from './exportFile.ts';

/**
 * The Export dialog wired to the store: the open incident as this device holds it (committed
 * state, outbox, optimistic view), the server's full log for JSON when connected (fetchOpLog), and
 * the platform bridge. Renders nothing without an open incident.
 */
export function ExportContainer({ onClose, initialFormat }: { onClose: () => void; initialFormat?: DialogFormat }) {
  const view = useWarRoom((s) => s.view);
  const committed = useWarRoom((s) => s.committed);
  const outbox = useWarRoom((s) => s.outbox);
  const zone = useWarRoom((s) => s.prefs.timeZone);
  const online = useWarRoom((s) => s.connection.kind === 'connected');
  const fetchLog = useWarRoom((s) => s.fetchOpLog);
  if (!view) return null;
  return (
    <ExportDialog
      state={view} committed={committed} pending={outbox} bridge={getPlatform()} onClose={onClose}
      defaultTimeZone={zone} online={online} fetchLog={fetchLog} initialFormat={initialFormat}
    />
  );
}

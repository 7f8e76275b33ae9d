import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';

/** Refusals and errors the store reports (a change the server refused, with its sentence). */
export function Notices() {
  const notices = useWarRoom((s) => s.notices);
  const store = useWarRoomStore();
  if (notices.length === 0) return null;
  return (
    <div className="toasts" style={{ bottom: 'auto', top: 16 }} role="alert">
      {notices.slice(-4).map((n) => (
        <div key={n.id} className={`toast ${n.kind === 'info' ? '' : 'error'}`} data-testid="notice" data-code={n.code ?? ''}>
          <span>{n.message}</span>
          <button className="link" aria-label="Dismiss" onClick={() => store.getState().dismissNotice(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}

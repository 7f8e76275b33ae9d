import { toastStore, useToasts } from '../../hooks/toasts.ts';
import { useShortcuts } from '../../hooks/useShortcuts.ts';

export function Toasts() {
  const toasts = useToasts();
  // z takes the newest toast's action (the undo of the last delete) without reaching for the mouse.
  const latest = [...toasts].reverse().find((t) => t.action);
  useShortcuts({
    z: () => {
      if (!latest?.action) return;
      latest.action.run();
      toastStore.getState().dismiss(latest.id);
    },
  }, latest !== undefined);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.tone}`} data-testid="toast">
          <span>{t.text}</span>
          {t.action && (
            <button
              className="primary"
              data-testid="toast-action"
              onClick={() => {
                t.action?.run();
                toastStore.getState().dismiss(t.id);
              }}
            >
              {t.action.label} <kbd>z</kbd>
            </button>
          )}
          <button className="link" aria-label="Dismiss" onClick={() => toastStore.getState().dismiss(t.id)}>×</button>
        </div>
      ))}
    </div>
  );
}

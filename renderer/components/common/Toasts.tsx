import { toastStore, useToasts } from '../../hooks/toasts.ts';

export function Toasts() {
  const toasts = useToasts();
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
              {t.action.label}
            </button>
          )}
          <button className="link" aria-label="Dismiss" onClick={() => toastStore.getState().dismiss(t.id)}>×</button>
        </div>
      ))}
    </div>
  );
}

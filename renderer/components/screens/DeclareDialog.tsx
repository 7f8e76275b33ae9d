import { useState, type KeyboardEvent } from 'react';
import { SEVERITIES, type Severity } from '../../../shared/model.ts';
import { MAX_TEXT_CHARS, MAX_TITLE_CHARS } from '../../../shared/constants.ts';
import { Dialog } from '../common/Dialog.tsx';

export interface DeclareForm {
  title: string;
  severity: Severity;
  summary: string;
}

/** Declare in a few keystrokes: type the title, Alt+1..4 for severity, Enter. */
export function DeclareDialog({ onDeclare, onClose }: { onDeclare: (f: DeclareForm) => void; onClose: () => void }) {
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('SEV2');
  const [summary, setSummary] = useState('');
  const submit = () => {
    if (!title.trim()) return;
    onDeclare({ title: title.trim(), severity, summary: summary.trim() });
  };
  const sevKeys = (e: KeyboardEvent) => {
    const n = Number(e.key);
    if (e.altKey && n >= 1 && n <= SEVERITIES.length) {
      e.preventDefault();
      setSeverity(SEVERITIES[n - 1]!);
    }
  };
  return (
    <Dialog title="Declare an incident" onClose={onClose} testId="declare-dialog">
      <form className="form" onSubmit={(e) => { e.preventDefault(); submit(); }} onKeyDown={sevKeys}>
        <label>
          Title
          <input autoFocus data-testid="declare-title" maxLength={MAX_TITLE_CHARS} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Checkout returns 500 for EU customers" />
        </label>
        <fieldset className="row" style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend className="muted" style={{ fontSize: 13 }}>Severity (Alt+1..4)</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className="inline">
              <input type="radio" name="severity" value={s} checked={severity === s} onChange={() => setSeverity(s)} data-testid={`declare-${s}`} />
              <span className={`sev sev-${s}`}>{s}</span>
            </label>
          ))}
        </fieldset>
        <label>
          Summary (optional)
          <textarea rows={3} maxLength={MAX_TEXT_CHARS} data-testid="declare-summary" value={summary} onChange={(e) => setSummary(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }} />
        </label>
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!title.trim()} data-testid="declare-submit">Declare</button>
        </div>
      </form>
    </Dialog>
  );
}

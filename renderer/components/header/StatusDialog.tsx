import { useState } from 'react';
import { STATUSES, type Status } from '../../../shared/model.ts';
import { MAX_SHORT_TEXT_CHARS } from '../../../shared/constants.ts';
import { Dialog } from '../common/Dialog.tsx';

/**
 * Status change from the keyboard (s): a closed <select> changes on every arrow key, which would
 * record one status change per key press. Here 1–4 pick, Enter records once, with an optional note.
 */
export function StatusDialog({ current, onSet, onClose }: { current: Status; onSet: (s: Status, note: string) => void; onClose: () => void }) {
  const [status, setStatus] = useState<Status>(current);
  const [note, setNote] = useState('');
  const submit = () => {
    if (status !== current) onSet(status, note.trim());
    onClose();
  };
  return (
    <Dialog title="Change status" onClose={onClose} testId="status-dialog">
      <form
        className="form"
        onSubmit={(e) => { e.preventDefault(); submit(); }}
        onKeyDown={(e) => {
          const n = Number(e.key);
          if (!(e.target instanceof HTMLInputElement && e.target.type === 'text') && n >= 1 && n <= STATUSES.length) {
            e.preventDefault();
            setStatus(STATUSES[n - 1]!);
          }
        }}
      >
        <div className="row" role="radiogroup" aria-label="Status">
          {STATUSES.map((s, i) => (
            <label key={s} className="inline">
              <input type="radio" name="status" value={s} checked={status === s} onChange={() => setStatus(s)} data-testid={`status-${s}`} autoFocus={s === current} />
              <span className={`status status-${s}`}>{s}</span> <kbd>{i + 1}</kbd>
            </label>
          ))}
        </div>
        <label>
          Note for the timeline (optional)
          <input type="text" maxLength={MAX_SHORT_TEXT_CHARS} value={note} onChange={(e) => setNote(e.target.value)} data-testid="status-note" />
        </label>
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={status === current} data-testid="status-submit">Set {status}</button>
        </div>
      </form>
    </Dialog>
  );
}

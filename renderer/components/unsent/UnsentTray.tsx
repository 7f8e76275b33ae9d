/**
 * The unsent tray: every change the server refused for good, with its sentence and what the person
 * wrote, so nothing typed is silently gone. Copy the text, edit it and send it again (a new change),
 * or dismiss it. Self-contained (its own markup and a few inline styles) so screens can be restyled
 * around it; every control is a native button or field with a label, so it works from the keyboard.
 */
import { useId, useState } from 'react';
import { STUCK_AFTER_ATTEMPTS } from '../../../shared/constants.ts';
import type { Op, OpType } from '../../../shared/ops.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { mainTextOf, type UnsentItem } from '../../persistence/unsent.ts';
import { LOCAL_SERVER } from '../../store/saver.ts';

/** How a change reads in the tray ("Timeline note"); the op type for anything unusual. */
export function describeChange(type: OpType): string {
  const [area, verb] = type.split('.');
  const areas: Record<string, string> = {
    timeline: 'Timeline entry', task: 'Task', help: 'Help request', incident: 'Incident', member: 'Member',
    postmortem: 'Postmortem', alert: 'Alert',
  };
  const name = area !== undefined && Object.hasOwn(areas, area) ? areas[area]! : type;
  return verb ? `${name} (${verb.replace(/([A-Z])/g, ' $1').toLowerCase()})` : name;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function UnsentRow({ item, canRetry, why }: { item: UnsentItem; canRetry: boolean; why: string | null }) {
  const store = useWarRoomStore();
  const main = mainTextOf(item.op);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(main?.text ?? '');
  const [status, setStatus] = useState<string | null>(null);
  const fieldId = useId();
  const text = main?.text ?? JSON.stringify(item.op.payload, null, 2);

  const retry = (edited?: string) => {
    const r = store.getState().retryUnsent(item.id, edited);
    if (!r.ok) setStatus(r.message);
  };
  const copy = async () => setStatus((await copyText(text)) ? 'Copied.' : 'Copy failed: select the text and copy it by hand.');

  return (
    <li data-testid="unsent-item" data-code={item.code} style={{ borderTop: '1px solid rgba(127,127,127,.3)', padding: '8px 0' }}>
      <div>
        <strong>{describeChange(item.op.type)}</strong>
        {item.incidentTitle ? <span> in “{item.incidentTitle}”</span> : null}
        <span> · refused {new Date(item.at).toLocaleTimeString()}</span>
      </div>
      <p data-testid="unsent-reason" style={{ margin: '4px 0' }}>{item.message} <code>({item.code})</code></p>
      {editing && main ? (
        <div>
          <label htmlFor={fieldId}>Edit before sending again</label>
          <textarea id={fieldId} data-testid="unsent-edit" value={draft} rows={3} style={{ display: 'block', width: '100%' }}
            onChange={(e) => setDraft(e.target.value)} />
          <button type="button" data-testid="unsent-send" onClick={() => retry(draft)} disabled={!canRetry || !draft.trim()}>Send again</button>
          <button type="button" onClick={() => setEditing(false)}>Cancel edit</button>
        </div>
      ) : (
        // Long text scrolls inside its box (focusable, so the keyboard scrolls it too) rather than pushing the timeline away.
        <pre data-testid="unsent-text" tabIndex={0} aria-label="What you wrote"
          style={{ whiteSpace: 'pre-wrap', margin: '4px 0', userSelect: 'text', maxHeight: '8em', overflow: 'auto' }}>{text}</pre>
      )}
      {!editing && (
        <div role="group" aria-label={`Actions for the unsent ${describeChange(item.op.type)}`}>
          <button type="button" data-testid="unsent-copy" onClick={() => void copy()}>Copy text</button>
          {main ? (
            <button type="button" data-testid="unsent-edit-button" onClick={() => setEditing(true)} disabled={!canRetry}>Edit and send again</button>
          ) : (
            <button type="button" data-testid="unsent-retry" onClick={() => retry()} disabled={!canRetry}>Send again</button>
          )}
          <button type="button" data-testid="unsent-dismiss" onClick={() => store.getState().dismissUnsent(item.id)}
            aria-label={`Dismiss the unsent ${describeChange(item.op.type)} for good`}>Dismiss</button>
        </div>
      )}
      {!canRetry && why ? <p style={{ margin: '4px 0', opacity: 0.8 }}>{why}</p> : null}
      {status ? <p role="status" data-testid="unsent-status" style={{ margin: '4px 0' }}>{status}</p> : null}
    </li>
  );
}

/**
 * The change at the head of the outbox that the server keeps failing on (not an outage: a bug or
 * a hot incident). It holds back everything queued after it; the person may set it aside.
 */
function StuckChange({ op, attempts, message }: { op: Op; attempts: number; message: string }) {
  const store = useWarRoomStore();
  const main = mainTextOf(op);
  return (
    <div data-testid="unsent-stuck" role="group" aria-label="A change the server keeps failing on">
      <p style={{ margin: '4px 0' }}>
        <strong>{describeChange(op.type)}</strong> has failed {attempts} times: {message} It is still being sent again;
        the changes after it wait behind it.
      </p>
      {main ? <pre style={{ whiteSpace: 'pre-wrap', margin: '4px 0', maxHeight: '8em', overflow: 'auto' }}>{main.text}</pre> : null}
      <button type="button" data-testid="unsent-set-aside" onClick={() => void store.getState().setAside(op.opId)}>
        Stop sending it and keep it here
      </button>
    </div>
  );
}

export function UnsentTray() {
  const serverUrl = useWarRoom((s) => s.prefs.serverUrl ?? LOCAL_SERVER);
  const items = useWarRoom((s) => s.unsent);
  const incidentId = useWarRoom((s) => s.incidentId);
  const canEdit = useWarRoom((s) => s.access !== 'viewer');
  const stuck = useWarRoom((s) => {
    const t = s.serverTrouble;
    if (!t || t.source !== 'submit' || (t.code !== 'INTERNAL' && t.code !== 'SEQ_CONFLICT') || (t.attempts ?? 0) < STUCK_AFTER_ATTEMPTS) return null;
    return s.outbox[0]?.opId === t.opId ? t : null;
  });
  const stuckOp = useWarRoom((s) => (stuck ? s.outbox[0] ?? null : null));
  const [open, setOpen] = useState(true);
  const listId = useId();
  const mine = items.filter((i) => i.serverUrl === serverUrl);
  if (mine.length === 0 && !stuckOp) return null;
  const heading = mine.length === 0 ? 'A change is not saved yet'
    : `${mine.length} change${mine.length === 1 ? ' was' : 's were'} not saved: the server refused ${mine.length === 1 ? 'it' : 'them'}. What you wrote is kept here`;
  return (
    // Enter on a button here is ours: page-wide single-key shortcuts (Enter edits a timeline entry)
    // call preventDefault on it, which would cancel the button's own activation.
    <section aria-label="Unsent changes" data-testid="unsent-tray" className="unsent-tray"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target instanceof HTMLButtonElement && !e.target.disabled) {
          e.preventDefault();
          e.target.click();
        }
      }}
      style={{ border: '1px solid var(--warn, #c90)', borderRadius: 6, padding: '8px 12px', margin: '8px 0' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
        <h2 style={{ fontSize: 14, margin: 0 }}>{heading}.</h2>
        {mine.length > 0 && (
          <button type="button" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>{open ? 'Hide' : 'Show'}</button>
        )}
      </div>
      {stuck && stuckOp ? <StuckChange op={stuckOp} attempts={stuck.attempts ?? 0} message={stuck.message} /> : null}
      {open && mine.length > 0 && (
        <ul id={listId} style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: '40vh', overflowY: 'auto' }}>
          {mine.map((item) => {
            const here = item.incidentId === incidentId;
            const why = !here ? 'Open its incident to send it again.' : !canEdit ? 'Your invite is read-only here.' : null;
            return <UnsentRow key={item.id} item={item} canRetry={here && canEdit} why={why} />;
          })}
        </ul>
      )}
    </section>
  );
}

import { memo, useState } from 'react';
import type { TimelineEntry } from '../../../shared/model.ts';
import { clockLabel, fullLabel, type TimeFormat } from '../../hooks/timeFormat.ts';
import { Avatar } from '../common/Avatar.tsx';
import { MOMENT_LABEL } from '../overview/ResolutionSummary.tsx';

export interface RowActions {
  select: (id: string) => void;
  pin: (id: string, pinned: boolean) => void;
  startEdit: (id: string) => void;
  saveEdit: (id: string, text: string) => void;
  cancelEdit: () => void;
  remove: (id: string) => void;
  restore: (id: string) => void;
}

interface Props {
  entry: TimelineEntry;
  authorName: string;
  nameOf: (id: string) => string;
  zone: string;
  utc: boolean;
  selected: boolean;
  editing: boolean;
  /** Made here and not yet confirmed by the server. */
  pending?: boolean;
  canEdit: boolean;
  actions: RowActions;
}

const SYSTEM_KINDS = new Set(['status', 'role', 'system', 'help']);
const KIND_LABEL: Record<string, string> = { status: 'status', role: 'role', system: 'system', help: 'help', alert: 'alert' };
/** An entry counts as backdated when it was logged more than a minute after it happened. */
const BACKDATE_MS = 60_000;

function EditBox({ entry, actions }: { entry: TimelineEntry; actions: RowActions }) {
  const [text, setText] = useState(entry.text);
  return (
    <input
      className="grow"
      autoFocus
      aria-label="Edit entry"
      data-testid="entry-edit-input"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && text.trim()) {
          e.preventDefault();
          if (text !== entry.text) actions.saveEdit(entry.id, text);
          else actions.cancelEdit();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          actions.cancelEdit();
        }
      }}
      onBlur={() => actions.cancelEdit()}
    />
  );
}

/** One timeline entry. Memoized: a remote op re-renders only the rows whose entry object changed. */
export const TimelineRow = memo(function TimelineRow({ entry, authorName, nameOf, zone, utc, selected, editing, pending = false, canEdit, actions }: Props) {
  const [showHistory, setShowHistory] = useState(false);
  const fmt: TimeFormat = { zone, utc };
  const system = SYSTEM_KINDS.has(entry.kind);
  const deleted = entry.deletedAt !== null;
  const backdated = entry.loggedAt - entry.occurredAt > BACKDATE_MS;
  const moment = entry.moment;
  const cls = ['entry', system ? 'system' : '', moment ? 'moment' : '', entry.pinned ? 'pinned' : '', deleted ? 'deleted' : '', selected ? 'selected' : ''].join(' ');
  const title = fullLabel(entry.occurredAt, fmt);
  return (
    <div
      className={cls}
      data-testid="timeline-entry"
      data-entry-id={entry.id}
      data-kind={entry.kind}
      data-selected={selected || undefined}
      data-moment={moment ?? undefined}
      onClick={() => actions.select(entry.id)}
    >
      <time className="time" dateTime={new Date(entry.occurredAt).toISOString()} title={title} data-testid="entry-time">
        {clockLabel(entry.occurredAt, fmt)}
      </time>
      {system ? (
        <span className={`kind kind-${entry.kind}`}>{moment ? MOMENT_LABEL[moment] : KIND_LABEL[entry.kind] ?? entry.kind}</span>
      ) : (
        <span className="author" title={authorName}><Avatar id={entry.authorId} name={authorName} size={22} /><span className={`kind kind-${entry.kind}`}>{entry.kind}</span></span>
      )}
      <div className="grow">
        {editing ? <EditBox entry={entry} actions={actions} /> : (
          <div className="text" data-testid="entry-text">
            {entry.pinned && <span className="pin-mark" title="Pinned">PINNED</span>}
            {entry.text}
          </div>
        )}
        <div className="meta">
          {system ? null : authorName}
          {system && <span>{authorName}</span>}
          {pending && <span className="pending" data-testid="entry-pending" title="Saved on this device; not yet confirmed by the server"> · not sent yet</span>}
          {backdated && <span title={`Logged at ${fullLabel(entry.loggedAt, fmt)}`}> · logged {clockLabel(entry.loggedAt, fmt)}</span>}
          {entry.history.length > 0 && (
            <button className="link" data-testid="entry-history-toggle" onClick={(e) => { e.stopPropagation(); setShowHistory((v) => !v); }}>
              edited{entry.editedBy ? ` by ${nameOf(entry.editedBy)}` : ''} ({entry.history.length})
            </button>
          )}
          {deleted && <span> · deleted{entry.deletedBy ? ` by ${nameOf(entry.deletedBy)}` : ''}</span>}
        </div>
      </div>
      <div className="row-actions">
        {canEdit && !deleted && (
          <button onClick={(e) => { e.stopPropagation(); actions.pin(entry.id, !entry.pinned); }} title="Pin (p)" data-testid="entry-pin">
            {entry.pinned ? 'Unpin' : 'Pin'}
          </button>
        )}
        {canEdit && !system && !deleted && (
          <>
            <button onClick={(e) => { e.stopPropagation(); actions.startEdit(entry.id); }} title="Edit (Enter)" data-testid="entry-edit">Edit</button>
            <button onClick={(e) => { e.stopPropagation(); actions.remove(entry.id); }} title="Delete (x)" data-testid="entry-delete">Delete</button>
          </>
        )}
        {canEdit && deleted && (
          <button onClick={(e) => { e.stopPropagation(); actions.restore(entry.id); }} data-testid="entry-restore">Restore</button>
        )}
      </div>
      {showHistory && entry.history.length > 0 && (
        <ol className="history" data-testid="entry-history">
          {entry.history.map((h, i) => (
            <li key={i}><s>{h.text}</s> <span className="faint">— {nameOf(h.by)}, {clockLabel(h.at, fmt)}</span></li>
          ))}
        </ol>
      )}
    </div>
  );
});

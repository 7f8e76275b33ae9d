import { useId, useState, type CSSProperties, type FormEvent } from 'react';
import {
  ACTION_PRIORITIES, ACTION_TYPES, type ActionItem, type ActionPriority, type ActionType, type Member,
} from '../../../shared/model.ts';
import type { PayloadOf } from '../../../shared/ops.ts';

export type ActionInput = Omit<PayloadOf<'postmortem.action.add'>, 'actionId'>;
export type ActionPatch = Omit<PayloadOf<'postmortem.action.update'>, 'actionId'>;

export interface ActionCallbacks {
  add: (input: ActionInput) => boolean;
  update: (id: string, patch: ActionPatch) => boolean;
  remove: (item: ActionItem) => void;
  restore: (id: string) => void;
}

export const TYPE_LABEL: Record<ActionType, string> = { prevent: 'Prevent', detect: 'Detect', mitigate: 'Mitigate', process: 'Process' };

const S: Record<string, CSSProperties> = {
  form: { display: 'grid', gap: 8, gridTemplateColumns: 'repeat(auto-fit, minmax(150px, 1fr))', alignItems: 'end', padding: 10, border: '1px solid var(--border)', borderRadius: 'var(--radius)' },
  wide: { gridColumn: '1 / -1', display: 'grid', gap: 4 },
  cell: { display: 'grid', gap: 4 },
  item: { borderBottom: '1px solid var(--border)', padding: '8px 0', display: 'grid', gap: 4 },
  meta: { display: 'flex', flexWrap: 'wrap', gap: 12, fontSize: 13 },
  buttons: { display: 'flex', gap: 8, flexWrap: 'wrap' },
  desc: { whiteSpace: 'pre-wrap', margin: 0 },
};

/** "2026-11-03" (UTC) for a date input. */
export const dateInputValue = (at: number | null): string => (at === null ? '' : new Date(at).toISOString().slice(0, 10));
/** A date input's value as a due time: the end of that day in UTC (the export prints due dates in UTC). */
export function dueFromInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59) : null;
}

interface Draft {
  title: string;
  description: string;
  ownerId: string;
  priority: ActionPriority;
  type: ActionType;
  due: string;
  ticketUrl: string;
}

const emptyDraft: Draft = { title: '', description: '', ownerId: '', priority: 'P2', type: 'prevent', due: '', ticketUrl: '' };
const draftOf = (a: ActionItem): Draft => ({
  title: a.title, description: a.description, ownerId: a.ownerId ?? '', priority: a.priority, type: a.type, due: dateInputValue(a.dueAt), ticketUrl: a.ticketUrl,
});

/** Checks the form the way the op schema will, so the person hears why before anything is sent. */
export function checkDraft(d: Draft): string | null {
  if (!d.title.trim()) return 'Give the action item a title.';
  if (d.ticketUrl.trim() && !/^https?:\/\/\S+$/i.test(d.ticketUrl.trim())) return 'A ticket link must start with http:// or https://.';
  return null;
}

const toInput = (d: Draft): ActionInput => ({
  title: d.title.trim(), description: d.description, ownerId: d.ownerId || null, priority: d.priority, type: d.type,
  dueAt: dueFromInput(d.due), ticketUrl: d.ticketUrl.trim(),
});

function ActionForm({ initial, members, submitLabel, onSubmit, onCancel }: {
  initial: Draft; members: Member[]; submitLabel: string; onSubmit: (input: ActionInput) => boolean; onCancel?: () => void;
}) {
  const id = useId();
  const [d, setD] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const why = checkDraft(d);
    setError(why);
    if (why) return;
    if (onSubmit(toInput(d)) && !onCancel) setD(emptyDraft);
  };
  return (
    <form style={S.form} onSubmit={submit} aria-label={submitLabel} onKeyDown={(e) => { if (e.key === 'Escape' && onCancel) { e.stopPropagation(); onCancel(); } }}>
      <div style={S.wide}>
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} data-testid="action-title" value={d.title} onChange={(e) => set('title', e.target.value)} aria-invalid={error !== null && !d.title.trim()} />
      </div>
      <div style={S.cell}>
        <label htmlFor={`${id}-owner`}>Owner</label>
        <select id={`${id}-owner`} value={d.ownerId} onChange={(e) => set('ownerId', e.target.value)}>
          <option value="">No owner yet</option>
          {members.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
        </select>
      </div>
      <div style={S.cell}>
        <label htmlFor={`${id}-priority`}>Priority</label>
        <select id={`${id}-priority`} value={d.priority} onChange={(e) => set('priority', e.target.value as ActionPriority)}>
          {ACTION_PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </div>
      <div style={S.cell}>
        <label htmlFor={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={d.type} onChange={(e) => set('type', e.target.value as ActionType)}>
          {ACTION_TYPES.map((t) => <option key={t} value={t}>{TYPE_LABEL[t]}</option>)}
        </select>
      </div>
      <div style={S.cell}>
        <label htmlFor={`${id}-due`}>Due date (UTC)</label>
        <input id={`${id}-due`} type="date" value={d.due} onChange={(e) => set('due', e.target.value)} />
      </div>
      <div style={S.wide}>
        <label htmlFor={`${id}-ticket`}>Ticket link</label>
        <input id={`${id}-ticket`} type="url" inputMode="url" placeholder="https://…" value={d.ticketUrl} onChange={(e) => set('ticketUrl', e.target.value)} />
      </div>
      <div style={S.wide}>
        <label htmlFor={`${id}-desc`}>Description</label>
        <textarea id={`${id}-desc`} rows={3} value={d.description} onChange={(e) => set('description', e.target.value)} />
      </div>
      {error && <p role="alert" className="error-text" style={S.wide}>{error}</p>}
      <div style={{ ...S.buttons, gridColumn: '1 / -1' }}>
        <button type="submit" className="primary" data-testid="action-submit">{submitLabel}</button>
        {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}

function ItemView({ item, owner, canEdit, onEdit, cb }: { item: ActionItem; owner: string; canEdit: boolean; onEdit: () => void; cb: ActionCallbacks }) {
  const done = item.status === 'done';
  return (
    <li style={S.item} data-testid={`action-${item.id}`}>
      <strong>{item.priority} · {TYPE_LABEL[item.type]} · {item.title}</strong>
      <div style={S.meta} className="muted">
        <span>Owner: {owner}</span>
        <span>Due: {item.dueAt === null ? 'no date' : dateInputValue(item.dueAt)}</span>
        <span>Status: {done ? 'Done' : 'Open'}</span>
        <span>Ticket: {item.ticketUrl ? <a href={item.ticketUrl} target="_blank" rel="noreferrer noopener">{item.ticketUrl}</a> : 'none'}</span>
      </div>
      {item.description.trim() && <p style={S.desc}>{item.description}</p>}
      {canEdit && (
        <div style={S.buttons}>
          <button type="button" onClick={onEdit} aria-label={`Edit action item “${item.title}”`}>Edit</button>
          <button type="button" onClick={() => cb.update(item.id, { status: done ? 'open' : 'done' })} aria-label={`${done ? 'Reopen' : 'Mark done'}: “${item.title}”`}>
            {done ? 'Reopen' : 'Mark done'}
          </button>
          <button type="button" onClick={() => cb.remove(item)} aria-label={`Delete action item “${item.title}”`}>Delete</button>
        </div>
      )}
    </li>
  );
}

/** The postmortem's action items: add, edit, mark done, delete (soft) and restore. */
export function ActionItems({ items, members, canEdit, callbacks }: { items: readonly ActionItem[]; members: Member[]; canEdit: boolean; callbacks: ActionCallbacks }) {
  const [editing, setEditing] = useState<string | null>(null);
  const nameOf = (id: string | null) => (id === null ? 'No owner' : members.find((m) => m.id === id)?.name ?? id);
  const live = items.filter((a) => a.deletedAt === null);
  const deleted = items.filter((a) => a.deletedAt !== null);
  return (
    <section aria-labelledby="pm-actions-h">
      <h3 id="pm-actions-h">Action items ({live.length})</h3>
      {live.length === 0 && <p className="muted">No action items yet.</p>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {live.map((a) => (editing === a.id ? (
          <li key={a.id} style={S.item}>
            <ActionForm initial={draftOf(a)} members={members} submitLabel={`Save “${a.title}”`} onCancel={() => setEditing(null)}
              onSubmit={(input) => { const ok = callbacks.update(a.id, input); if (ok) setEditing(null); return ok; }} />
          </li>
        ) : <ItemView key={a.id} item={a} owner={nameOf(a.ownerId)} canEdit={canEdit} onEdit={() => setEditing(a.id)} cb={callbacks} />))}
      </ul>
      {canEdit && (
        <>
          <h4>New action item</h4>
          <ActionForm initial={emptyDraft} members={members} submitLabel="Add action item" onSubmit={callbacks.add} />
        </>
      )}
      {deleted.length > 0 && (
        <details>
          <summary>Deleted action items ({deleted.length})</summary>
          <ul>
            {deleted.map((a) => (
              <li key={a.id}>
                {a.priority} · {a.title}{' '}
                {canEdit && <button type="button" onClick={() => callbacks.restore(a.id)} aria-label={`Restore action item “${a.title}”`}>Restore</button>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

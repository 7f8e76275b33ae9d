import { useEffect, useId, useRef, useState, type CSSProperties } from 'react';
import type { Postmortem } from '../../../shared/model.ts';
import type { PayloadOf } from '../../../shared/ops.ts';

export type PostmortemPatch = PayloadOf<'postmortem.update'>;
type TextKey = 'summary' | 'trigger' | 'rootCause' | 'detection';
type ListKey = 'contributingFactors' | 'whatWentWell' | 'whatWentWrong' | 'whereWeGotLucky' | 'lessons';
type CountKey = 'customersAffected' | 'requestsFailed' | 'ordersLost';

export const TEXT_FIELDS: [TextKey, string, string][] = [
  ['summary', 'Summary', 'What happened, in a paragraph, for a reader who was not there.'],
  ['trigger', 'Trigger', 'What set it off: the change or the event.'],
  ['rootCause', 'Root cause', 'Why it could happen.'],
  ['detection', 'Detection', 'How we found out, and how we could have sooner.'],
];
export const LIST_FIELDS: [ListKey, string][] = [
  ['contributingFactors', 'Contributing factors'], ['whatWentWell', 'What went well'], ['whatWentWrong', 'What went wrong'],
  ['whereWeGotLucky', 'Where we got lucky'], ['lessons', 'Lessons'],
];
export const COUNT_FIELDS: [CountKey, string][] = [['customersAffected', 'Customers affected'], ['requestsFailed', 'Requests failed'], ['ordersLost', 'Orders lost']];

const S: Record<string, CSSProperties> = {
  field: { display: 'grid', gap: 4, marginBottom: 12 },
  area: { width: '100%', minHeight: '4.5em', resize: 'vertical', font: 'inherit' },
  counts: { display: 'flex', flexWrap: 'wrap', gap: 12 },
  hint: { fontSize: 12 },
};

/** One item per line: what a list field is edited as. Blank lines are dropped. */
export const toLines = (text: string): string[] => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** A count input's text as the op wants it: '' → null (unknown); anything else a whole number ≥ 0, or an error sentence. */
export function parseCount(text: string): { ok: true; value: number | null } | { ok: false; message: string } {
  const t = text.replace(/[\s,_]/g, '');
  if (t === '') return { ok: true, value: null };
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) return { ok: false, message: 'Enter a whole number, or leave it empty when it is not known.' };
  return { ok: true, value: Number(t) };
}

interface FieldProps {
  label: string;
  hint?: string;
  value: string;
  readOnly: boolean;
  rows?: number;
  /** Called on blur (or Ctrl+Enter) when the text differs from what is stored. */
  onCommit: (text: string) => void;
  testId: string;
}

/**
 * A text area that keeps what the person typed until it is saved: a change made meanwhile by
 * someone else shows once this field is not being edited (last writer wins, as everywhere).
 */
export function DraftField({ label, hint, value, readOnly, rows = 3, onCommit, testId }: FieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? value;
  const commit = () => {
    if (draft !== null && draft !== value) onCommit(draft);
    setDraft(null);
  };
  // Leaving the view (another tab, another incident) without leaving the field still saves it.
  const latest = useRef({ draft, value, onCommit });
  latest.current = { draft, value, onCommit };
  useEffect(() => () => {
    const l = latest.current;
    if (l.draft !== null && l.draft !== l.value) l.onCommit(l.draft);
  }, []);
  return (
    <div style={S.field}>
      <label htmlFor={id}>{label}{draft !== null && draft !== value ? <span className="muted"> (not saved yet)</span> : null}</label>
      {hint && <span id={`${id}-hint`} className="muted" style={S.hint}>{hint}</span>}
      <textarea
        id={id} data-testid={testId} rows={rows} style={S.area} value={shown} readOnly={readOnly}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => setDraft(e.target.value)} onBlur={commit}
        onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); commit(); } }}
      />
    </div>
  );
}

function CountField({ label, value, readOnly, onCommit, testId }: { label: string; value: number | null; readOnly: boolean; onCommit: (v: number | null) => void; testId: string }) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const r = parseCount(draft);
    if (!r.ok) { setError(r.message); return; }
    setError(null);
    setDraft(null);
    if (r.value !== value) onCommit(r.value);
  };
  return (
    <div style={S.field}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id} data-testid={testId} inputMode="numeric" value={draft ?? (value === null ? '' : String(value))} readOnly={readOnly}
        placeholder="unknown" aria-invalid={error !== null} aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }}
      />
      {error && <span id={`${id}-err`} role="alert" className="error-text">{error}</span>}
    </div>
  );
}

/** Every free-text and quantified section of the postmortem; each saves on its own when left. */
export function PostmortemFields({ postmortem, readOnly, onUpdate }: { postmortem: Postmortem; readOnly: boolean; onUpdate: (patch: PostmortemPatch) => void }) {
  return (
    <>
      {TEXT_FIELDS.map(([key, label, hint]) => (
        <DraftField key={key} label={label} hint={hint} value={postmortem[key]} readOnly={readOnly} rows={key === 'summary' || key === 'rootCause' ? 4 : 3}
          testId={`pm-${key}`} onCommit={(text) => onUpdate({ [key]: text })} />
      ))}
      <fieldset style={{ border: 0, padding: 0, margin: '0 0 12px' }}>
        <legend>Impact, quantified</legend>
        <div style={S.counts}>
          {COUNT_FIELDS.map(([key, label]) => (
            <CountField key={key} label={label} value={postmortem[key]} readOnly={readOnly} testId={`pm-${key}`} onCommit={(v) => onUpdate({ [key]: v })} />
          ))}
        </div>
      </fieldset>
      {LIST_FIELDS.map(([key, label]) => (
        <DraftField key={key} label={label} hint="One item per line." value={postmortem[key].join('\n')} readOnly={readOnly}
          testId={`pm-${key}`} onCommit={(text) => onUpdate({ [key]: toLines(text) })} />
      ))}
    </>
  );
}

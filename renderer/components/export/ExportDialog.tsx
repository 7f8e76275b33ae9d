import { useDeferredValue, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { PlatformBridge } from '../../../shared/bridge.ts';
import { MAX_PDF_HTML_CHARS } from '../../../shared/constants.ts';
import { exportFileName, formatHtml, type ExportOptions } from '../../../shared/export/index.ts';
import { ENTRY_KINDS, type EntryKind } from '../../../shared/model.ts';
import type { OpLogResult } from '../../store/index.ts';
import { buildExportFile, FORMAT_LABEL, jsonSource, jsonUnavailable, textOf, type DialogFormat, type LocalIncident } from './exportFile.ts';
import { ExportHighlights } from './ExportHighlights.tsx';
import { HtmlPreview } from './HtmlPreview.tsx';

export interface ExportDialogProps extends LocalIncident {
  bridge: Pick<PlatformBridge, 'saveFile' | 'printToPdf'>;
  onClose: () => void;
  /** Offered first for the local-time column (the user's zone). */
  defaultTimeZone?: string | null;
  /** Export never needs the server; online, JSON is the server's full history (with fetchLog). */
  online?: boolean;
  /** The incident's whole committed log from the server (the store's fetchOpLog); used for JSON when online. */
  fetchLog?: () => Promise<OpLogResult>;
  /** Clock for the export time; tests pass a fixed one. */
  now?: () => number;
  initialFormat?: DialogFormat;
}

/** Long incidents: the preview shows the beginning, the saved file has everything. */
const PREVIEW_MAX_CHARS = 200_000;
const FORMATS = Object.keys(FORMAT_LABEL) as DialogFormat[];

const S: Record<string, CSSProperties> = {
  dialog: { width: 'min(1100px, 96vw)', display: 'grid', gap: 12 },
  row: { display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'center' },
  kinds: { display: 'flex', flexWrap: 'wrap', gap: 10, border: 0, padding: 0, margin: 0 },
  pre: { maxHeight: 'min(45vh, 560px)', overflow: 'auto', whiteSpace: 'pre-wrap', margin: 0, padding: 12, borderRadius: 6, fontSize: 12 },
  actions: { display: 'flex', gap: 8, justifyContent: 'flex-end', alignItems: 'center' },
  warn: { color: 'var(--warn)' },
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a JSON file from this device's copy holds, said plainly (it is not the full history). */
function snapshotSentence(seq: number | undefined, unsynced: number): string {
  return `the file holds the incident as of change #${seq ?? 0}${unsynced > 0 ? ` plus your ${plural(unsynced, 'unsynced change')}` : ''}`;
}

function zonesOf(src: LocalIncident, preferred: string | null | undefined): string[] {
  const zones = new Set<string>();
  if (preferred && preferred !== 'UTC') zones.add(preferred);
  for (const m of Object.values(src.state.members).sort((a, b) => a.timeZone.localeCompare(b.timeZone))) zones.add(m.timeZone);
  return [...zones];
}

/**
 * Export the open incident from this device's copy: works with the server unreachable and
 * includes unsynced changes, marked as such. Markdown and HTML preview live as options change.
 */
export function ExportDialog(props: ExportDialogProps) {
  const { bridge, onClose, defaultTimeZone, online = true, fetchLog, now = Date.now, initialFormat = 'md' } = props;
  const src: LocalIncident = { state: props.state, committed: props.committed, ops: props.ops, pending: props.pending };
  const [format, setFormat] = useState<DialogFormat>(initialFormat);
  const [zone, setZone] = useState<string>(defaultTimeZone && defaultTimeZone !== 'UTC' ? defaultTimeZone : '');
  const [pinnedOnly, setPinnedOnly] = useState(false);
  const [includeDeleted, setIncludeDeleted] = useState(false);
  // Off by default: a blameless postmortem is read widely, and what an author retracted is not for every reader.
  const [includeEditHistory, setIncludeEditHistory] = useState(false);
  const [kinds, setKinds] = useState<ReadonlySet<EntryKind>>(() => new Set(ENTRY_KINDS));
  const [busy, setBusy] = useState<'fetching' | 'saving' | null>(null);
  const [result, setResult] = useState<{ tone: 'ok' | 'warn' | 'error'; text: string } | null>(null);
  const [openedAt] = useState(now);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    dialog.current?.querySelector<HTMLElement>('select')?.focus();
    return () => previous?.focus?.();
  }, []);

  const options = useMemo<ExportOptions>(() => ({
    exportedAt: openedAt, timeZone: zone || null, pinnedOnly, includeDeleted, includeEditHistory,
    kinds: kinds.size === ENTRY_KINDS.length ? undefined : ENTRY_KINDS.filter((k) => kinds.has(k)),
  }), [openedAt, zone, pinnedOnly, includeDeleted, includeEditHistory, kinds]);
  // Formatting a long incident takes a moment: keep the controls responsive, let the preview follow.
  const request = useMemo(() => ({ format, options }), [format, options]);
  const deferred = useDeferredValue(request);
  const { state, committed, ops, pending } = props;
  const preview = useMemo(() => {
    const f = deferred.format === 'pdf' ? 'html' : deferred.format;
    if (f === 'json') return null;
    const text = textOf(f, { state, committed, ops, pending }, deferred.options) as string;
    return text.length > PREVIEW_MAX_CHARS ? `${text.slice(0, PREVIEW_MAX_CHARS)}\n…` : text;
  }, [deferred, state, committed, ops, pending]);

  const jsonBlocked = format === 'json' ? jsonUnavailable(src) : null;
  const zones = zonesOf(src, defaultTimeZone);
  const fromServer = online && fetchLog !== undefined;
  const heldOps = src.ops?.length ?? 0;

  /** The JSON file: the server's full history when it can be had, else this device's copy, and the note that says which. */
  async function saveJson(opts: ExportOptions) {
    if (fromServer) setBusy('fetching');
    const source = await jsonSource(src, fromServer ? fetchLog : undefined);
    setBusy('saving');
    const file = await buildExportFile('json', source.src, opts);
    const r = await bridge.saveFile({ suggestedName: file.name, mimeType: file.mimeType, data: file.text });
    if (!r.ok) return r;
    const where = r.path ? `Saved to ${r.path}` : `Exported ${file.name}`;
    const unsynced = source.src.pending.length;
    if (source.full) {
      const count = source.src.ops?.length ?? 0;
      setResult({ tone: 'ok', text: fromServer ? `${where}: the full history, ${plural(count, 'committed change')}${unsynced > 0 ? ` and ${unsynced} unsynced` : ''}.` : where });
    } else if (source.why !== null) {
      setResult({ tone: 'warn', text: `${where} from this device’s copy: ${snapshotSentence(src.committed?.headSeq, unsynced)}. The server’s full history could not be fetched: ${source.why} Export again for the full history.` });
    } else {
      setResult({ tone: 'ok', text: where });
    }
    return r;
  }

  async function save() {
    if (busy || jsonBlocked) return;
    setBusy('saving');
    setResult(null);
    try {
      const at = now();
      const opts = { ...options, exportedAt: at };
      let r;
      if (format === 'pdf') {
        const html = formatHtml(src.state, { ...opts, pendingOps: src.pending });
        if (html.length > MAX_PDF_HTML_CHARS) {
          setResult({ tone: 'error', text: 'This incident is too large to print in one go. Export it as HTML and print that from a browser, or filter the timeline.' });
          return;
        }
        r = await bridge.printToPdf({ html, suggestedName: exportFileName(src.state.id, 'pdf', at) });
      } else if (format === 'json') {
        r = await saveJson(opts);
      } else {
        const file = await buildExportFile(format, src, opts);
        r = await bridge.saveFile({ suggestedName: file.name, mimeType: file.mimeType, data: file.text });
        if (r.ok) setResult({ tone: 'ok', text: r.path ? `Saved to ${r.path}` : `Exported ${file.name}` });
      }
      if (r.ok && format === 'pdf') setResult({ tone: 'ok', text: r.path ? `Saved to ${r.path}` : 'Sent to the print dialog.' });
      if (!r.ok && !r.cancelled) setResult({ tone: 'error', text: r.message });
    } catch (e) {
      setResult({ tone: 'error', text: `The export failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(null);
    }
  }

  const toggleKind = (k: EntryKind) => setKinds((prev) => {
    const next = new Set(prev);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    return next;
  });
  const n = src.pending.length;

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div
        ref={dialog} className="dialog export-dialog" role="dialog" aria-modal="true" aria-label="Export incident" data-testid="export-dialog" style={S.dialog}
        onKeyDown={(e) => {
          if (e.key === 'Escape') { e.stopPropagation(); onClose(); }
          if (e.key.toLowerCase() === 's' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void save(); }
        }}
      >
        <h2>Export “{src.state.title}”</h2>
        <div style={S.row}>
          <label>Format{' '}
            <select aria-label="Format" value={format} onChange={(e) => { setFormat(e.target.value as DialogFormat); setResult(null); }}>
              {FORMATS.map((f) => <option key={f} value={f}>{FORMAT_LABEL[f]}</option>)}
            </select>
          </label>
          {format !== 'json' && (
            <label>Local time column{' '}
              <select aria-label="Local time column" value={zone} onChange={(e) => setZone(e.target.value)}>
                <option value="">None (UTC only)</option>
                {zones.map((z) => <option key={z} value={z}>{z}</option>)}
              </select>
            </label>
          )}
          {format !== 'json' && <label className="inline"><input type="checkbox" checked={pinnedOnly} onChange={(e) => setPinnedOnly(e.target.checked)} /> Pinned entries only</label>}
          {format !== 'json' && <label className="inline"><input type="checkbox" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} /> Include deleted entries</label>}
          {format !== 'json' && format !== 'csv' && (
            <label className="inline" title="Earlier versions of edited entries, in an appendix. Off by default: a blameless postmortem need not republish what an author retracted.">
              <input type="checkbox" checked={includeEditHistory} onChange={(e) => setIncludeEditHistory(e.target.checked)} /> Include edit history
            </label>
          )}
        </div>
        <ExportHighlights state={src.state} exportedAt={openedAt} />
        {format !== 'json' && (
          <fieldset style={S.kinds}>
            <legend className="visually-hidden">Entry kinds</legend>
            {ENTRY_KINDS.map((k) => (
              <label key={k} className="inline"><input type="checkbox" checked={kinds.has(k)} onChange={() => toggleKind(k)} aria-label={`Include ${k} entries`} /> {k}</label>
            ))}
          </fieldset>
        )}
        <p className="export-note" data-testid="export-note">
          {format === 'json' && fromServer ? 'The JSON file is built from the server’s full history.'
            : online ? 'Exported from this device’s copy of the incident.' : 'The server is unreachable: exporting from this device’s copy of the incident.'}
          {n > 0 && ` Includes ${n} unsynced change${n === 1 ? '' : 's'}, marked “unsynced”.`}
        </p>
        {format === 'json' ? (
          <p data-testid="json-summary">
            {jsonBlocked ?? (heldOps > 0 ? `The full record: ${plural(heldOps, 'committed change')}${n > 0 ? ` and ${n} unsynced` : ''}, with a SHA-256 checksum. Open it later with “Open an export…” on the incident list.`
              : fromServer ? `The full history: every committed change, fetched from the server when you save${n > 0 ? `, and your ${plural(n, 'unsynced change')} marked as such` : ''}, with a SHA-256 checksum. Open it later with “Open an export…” on the incident list.`
                : `${online ? 'This device does not hold the full history: ' : 'Offline: '}${snapshotSentence(src.committed?.headSeq, n)}; export again online for the full history.`)}
          </p>
        ) : format === 'md' || format === 'csv' ? (
          <pre data-testid={`${format}-preview`} className="export-preview" style={S.pre} tabIndex={0} aria-label="Preview">{preview}</pre>
        ) : (
          <HtmlPreview html={preview ?? ''} label="Postmortem preview" />
        )}
        <div style={S.actions}>
          {result && (
            <span role={result.tone === 'error' ? 'alert' : 'status'} className={`${result.tone}-text`} style={result.tone === 'warn' ? S.warn : undefined}>{result.text}</span>
          )}
          <button type="button" onClick={onClose}>Close</button>
          <button type="button" className="primary" disabled={busy !== null || jsonBlocked !== null} onClick={() => void save()} title="Ctrl+S">
            {busy === 'fetching' ? 'Fetching the history…' : busy ? 'Exporting…' : format === 'pdf' ? 'Print to PDF…' : 'Save…'}
          </button>
        </div>
      </div>
    </div>
  );
}

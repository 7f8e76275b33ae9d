import { useEffect, useMemo, useState } from 'react';
import type { PlatformBridge } from '../../../shared/bridge.ts';
import { formatHtml, importJson, type ImportedIncident } from '../../../shared/export/index.ts';
import { formatDateTime } from '../../../shared/time.ts';
import { ExportDialog } from './ExportDialog.tsx';
import { ExportHighlights } from './ExportHighlights.tsx';
import { HtmlPreview } from './HtmlPreview.tsx';

export interface ReviewViewProps {
  /** The text of a JSON export. */
  text: string;
  fileName?: string;
  /** For exporting the reviewed incident again (Markdown, PDF…). */
  bridge: Pick<PlatformBridge, 'saveFile' | 'printToPdf'>;
  onClose: () => void;
  defaultTimeZone?: string | null;
}

type Loaded = { kind: 'loading' } | { kind: 'refused'; message: string } | { kind: 'ok'; value: ImportedIncident };

/**
 * Opens a JSON export read-only, without any server: the file is checked (schema, SHA-256,
 * refold of the log) and the incident is shown as its postmortem. Nothing here can change it.
 */
export function ReviewView({ text, fileName, bridge, onClose, defaultTimeZone }: ReviewViewProps) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [zone, setZone] = useState(defaultTimeZone && defaultTimeZone !== 'UTC' ? defaultTimeZone : '');
  const [exporting, setExporting] = useState(false);
  const [editHistory, setEditHistory] = useState(false);

  useEffect(() => {
    let live = true;
    setLoaded({ kind: 'loading' });
    void importJson(text).then((r) => {
      if (live) setLoaded(r.ok ? { kind: 'ok', value: r.value } : { kind: 'refused', message: r.message });
    });
    return () => { live = false; };
  }, [text]);

  const imported = loaded.kind === 'ok' ? loaded.value : null;
  const html = useMemo(() => imported && formatHtml(imported.state, {
    exportedAt: imported.exportedAt, timeZone: zone || null, includeDeleted: true, includeEditHistory: editHistory, pendingOps: imported.pending,
  }), [imported, zone, editHistory]);

  return (
    <section className="review-view" aria-label="Review of an exported incident" data-testid="review-view" style={{ display: 'grid', gap: 12, padding: 16 }}>
      <header style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center' }}>
        <h2 style={{ margin: 0 }}>Read-only review{fileName ? `: ${fileName}` : ''}</h2>
        <span style={{ flex: 1 }} />
        {imported && (
          <label>Local time column{' '}
            <select aria-label="Local time column" value={zone} onChange={(e) => setZone(e.target.value)}>
              <option value="">None (UTC only)</option>
              {[...new Set(Object.values(imported.state.members).map((m) => m.timeZone))].sort().map((z) => <option key={z} value={z}>{z}</option>)}
            </select>
          </label>
        )}
        {imported && (
          <label className="inline"><input type="checkbox" checked={editHistory} onChange={(e) => setEditHistory(e.target.checked)} /> Show edit history</label>
        )}
        {imported && <button type="button" onClick={() => setExporting(true)}>Export…</button>}
        <button type="button" onClick={onClose}>Close</button>
      </header>
      {loaded.kind === 'loading' && <p role="status">Checking the file…</p>}
      {loaded.kind === 'refused' && <p role="alert" className="error-text">{loaded.message}</p>}
      {imported && html && (
        <>
          <p className="review-meta" data-testid="review-meta">
            Exported {formatDateTime(imported.exportedAt, 'UTC')} UTC · {imported.base ? `from the state at change #${imported.base.seq}` : 'full log'}
            {` · ${imported.ops.length} committed change${imported.ops.length === 1 ? '' : 's'}`}
            {imported.pending.length > 0 && ` · ${imported.pending.length} unsynced at export time (marked)`}
            {imported.droppedPending.length > 0 && ` · ${imported.droppedPending.length} unsynced change(s) no longer apply and are not shown`}
            {' · '}checksum verified; not connected to any server, nothing here can be changed.
          </p>
          {!imported.stateMatches && (
            <p role="alert" className="warning-text">
              This file was written by another version of War Room: the incident rebuilt from its log differs from the one recorded at export. What you see is this version’s reading of the log.
            </p>
          )}
          <ExportHighlights state={imported.state} exportedAt={imported.exportedAt} />
          <HtmlPreview html={html} label={`Postmortem of ${imported.state.title}`} />
        </>
      )}
      {exporting && imported && (
        <ExportDialog
          state={imported.state} committed={imported.committed} ops={imported.base ? undefined : imported.ops} pending={imported.pending}
          bridge={bridge} onClose={() => setExporting(false)} defaultTimeZone={zone || defaultTimeZone} online={false}
        />
      )}
    </section>
  );
}

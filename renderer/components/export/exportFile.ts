/**
 * Turns what this client holds (no server needed) into an export file. The client keeps the last
 * committed state and its outbox, not the whole op log, so the JSON export is the full log only
 * when it can be fetched from the server (jsonSource); offline it starts from the committed state.
 */
import {
  EXPORT_MIME, exportFileName, formatCsv, formatHtml, formatJson, formatMarkdown, type ExportFormat, type ExportOptions,
} from '../../../shared/export/index.ts';
import { assertNever } from '../../../shared/errors.ts';
import type { IncidentState } from '../../../shared/model.ts';
import type { CommittedOp, Op } from '../../../shared/ops.ts';
import type { OpLogResult } from '../../store/index.ts';

export type DialogFormat = ExportFormat | 'pdf';

export const FORMAT_LABEL: Record<DialogFormat, string> = {
  md: 'Markdown postmortem (.md)',
  html: 'HTML postmortem (.html)',
  pdf: 'PDF postmortem (print)',
  json: 'JSON op log (.json, re-importable)',
  csv: 'CSV timeline (.csv)',
};

export interface LocalIncident {
  /** What the user sees: committed plus unsynced changes (the store's `view`). */
  state: IncidentState;
  /** What the server confirmed (the store's `committed`); null when nothing is confirmed yet. */
  committed: IncidentState | null;
  /** The committed log from seq 1, when this client holds it; otherwise JSON starts from `committed`. */
  ops?: readonly CommittedOp[];
  /** Unsynced local ops (the store's `outbox`). */
  pending: readonly Op[];
}

export interface ExportFile {
  name: string;
  mimeType: string;
  text: string;
}

/** Refusal sentence when the JSON export is impossible (an incident declared offline and never confirmed). */
export function jsonUnavailable(src: LocalIncident): string | null {
  return src.committed === null && !hasFullLog(src)
    ? 'The server has not confirmed this incident yet, so there is no log to export as JSON. The other formats include your unsynced changes.'
    : null;
}

/** The log from seq 1 without a hole (a seq the server quarantined leaves one; the importer refuses holes). */
export function isWholeLog(ops: readonly CommittedOp[]): boolean {
  return ops.length > 0 && ops.every((op, i) => op.seq === i + 1);
}

/** A whole log that reaches at least what this device confirmed (a newer one comes from the server). */
function hasFullLog(src: LocalIncident): boolean {
  const ops = src.ops ?? [];
  return isWholeLog(ops) && (src.committed === null || ops[ops.length - 1]!.seq >= src.committed.headSeq);
}

export type JsonSource =
  | { full: true; src: LocalIncident }
  /** `why`: the sentence saying why the server's log was not used (null: nothing was asked). */
  | { full: false; src: LocalIncident; why: string | null };

/**
 * What the JSON export is made of: the log the caller holds, else the server's full log when
 * `fetchLog` is given (online), else the committed state plus the outbox. Outbox ops the fetched
 * log already holds (acked, not yet seen here) are not repeated as unsynced.
 */
export async function jsonSource(src: LocalIncident, fetchLog?: () => Promise<OpLogResult>): Promise<JsonSource> {
  if (hasFullLog(src) || !fetchLog) return hasFullLog(src) ? { full: true, src } : { full: false, src, why: null };
  const log = await fetchLog();
  if (!log.ok) return { full: false, src, why: log.message };
  const inLog = new Set(log.ops.map((o) => o.opId));
  const fetched: LocalIncident = { ...src, ops: log.ops, pending: src.pending.filter((o) => !inLog.has(o.opId)) };
  if (hasFullLog(fetched)) return { full: true, src: fetched };
  return { full: false, src, why: 'The server’s log has gaps (records it set aside as damaged) or ends before this device’s copy.' };
}

export function textOf(format: ExportFormat, src: LocalIncident, options: ExportOptions): string | Promise<string> {
  const opts: ExportOptions = { ...options, pendingOps: src.pending };
  switch (format) {
    case 'md': return formatMarkdown(src.state, opts);
    case 'html': return formatHtml(src.state, opts);
    case 'csv': return formatCsv(src.state, opts);
    case 'json':
      if (hasFullLog(src)) return formatJson({ ops: src.ops!, pending: src.pending, exportedAt: options.exportedAt });
      if (!src.committed) return Promise.reject(new Error(jsonUnavailable(src)!));
      return formatJson({ base: { seq: src.committed.headSeq, state: src.committed }, ops: [], pending: src.pending, exportedAt: options.exportedAt });
    default:
      return assertNever(format, 'export format');
  }
}

export async function buildExportFile(format: ExportFormat, src: LocalIncident, options: ExportOptions): Promise<ExportFile> {
  return { name: exportFileName(src.state.id, format, options.exportedAt), mimeType: EXPORT_MIME[format], text: await textOf(format, src, options) };
}

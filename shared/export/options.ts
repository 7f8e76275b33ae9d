/** What every export format accepts, and how unsynced local changes are recognised. */
import { isValidTimeZone, type EntryKind, type Op } from './deps.ts';

export const EXPORT_FORMATS = ['md', 'html', 'json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MIME: Record<ExportFormat, string> = {
  md: 'text/markdown;charset=utf-8',
  html: 'text/html;charset=utf-8',
  json: 'application/json',
  csv: 'text/csv;charset=utf-8',
};

/** Options shared by the Markdown, HTML and CSV formatters. */
export interface ExportOptions {
  /** When the export is made (UTC ms). An input, so the same log always gives the same file. */
  exportedAt: number;
  /** IANA zone for an extra local-time column; UTC is always shown. Null or omitted: UTC only. */
  timeZone?: string | null;
  /** Only entries of these kinds (omitted: every kind). */
  kinds?: readonly EntryKind[];
  /** Entries of these kinds are left out. */
  excludeKinds?: readonly EntryKind[];
  /** Only pinned entries in the timeline. */
  pinnedOnly?: boolean;
  /** List soft-deleted entries in an appendix (CSV: as rows marked deleted). Off by default. */
  includeDeleted?: boolean;
  /**
   * Add the earlier versions of edited entries (and of deleted ones, with includeDeleted) to the
   * audit appendix. Off by default: a blameless postmortem is read widely, and what an author
   * retracted is not for every reader; edited entries stay marked, and the JSON export keeps it all.
   */
  includeEditHistory?: boolean;
  /** Local ops the server has not acknowledged yet; whatever they touched is marked "unsynced". */
  pendingOps?: readonly Op[];
  /** Extra entry ids to mark as unsynced (for callers that track them directly). */
  pendingEntryIds?: Iterable<string>;
}

export interface PendingMarks {
  count: number;
  entryIds: ReadonlySet<string>;
  taskIds: ReadonlySet<string>;
  helpIds: ReadonlySet<string>;
  actionIds: ReadonlySet<string>;
  /** Op ids: the reducer names system entries `sys-<opId>-<n>`. */
  opIds: ReadonlySet<string>;
}

export function pendingMarks(options: Pick<ExportOptions, 'pendingOps' | 'pendingEntryIds'>): PendingMarks {
  const entryIds = new Set<string>(options.pendingEntryIds ?? []);
  const taskIds = new Set<string>();
  const helpIds = new Set<string>();
  const opIds = new Set<string>();
  const actionIds = new Set<string>();
  for (const op of options.pendingOps ?? []) {
    opIds.add(op.opId);
    const p = op.payload as Record<string, unknown>;
    if (typeof p.entryId === 'string') entryIds.add(p.entryId);
    if (typeof p.taskId === 'string') taskIds.add(p.taskId);
    if (typeof p.helpId === 'string') helpIds.add(p.helpId);
    if (typeof p.actionId === 'string') actionIds.add(p.actionId);
  }
  return { count: options.pendingOps?.length ?? entryIds.size, entryIds, taskIds, helpIds, actionIds, opIds };
}

export function isPendingEntry(marks: PendingMarks, id: string): boolean {
  if (marks.entryIds.has(id)) return true;
  if (marks.opIds.size === 0 || !id.startsWith('sys-')) return false;
  // "sys-" + a 36-character UUID + "-n"
  return marks.opIds.has(id.slice(4, 40));
}

/** Throws on a zone Intl does not know: callers validate user input first, so this is a bug guard. */
export function checkedZone(zone: string | null | undefined): string | null {
  if (zone === null || zone === undefined || zone === '' || zone === 'UTC') return null;
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone "${zone}"`);
  return zone;
}

/** "postmortem-black-friday-2026-11-30.md" */
export function exportFileName(incidentId: string, format: ExportFormat | 'pdf', exportedAt: number): string {
  const day = new Date(exportedAt).toISOString().slice(0, 10);
  const stem = format === 'csv' ? 'timeline' : format === 'json' ? 'warroom' : 'postmortem';
  return `${stem}-${incidentId}-${day}.${format}`;
}


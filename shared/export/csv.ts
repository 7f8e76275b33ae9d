/** The timeline as CSV (RFC 4180: CRLF line ends, a header row, fields quoted when needed). */
import { dateTime } from './clock.ts';
import type { IncidentState } from './deps.ts';
import type { ExportOptions } from './options.ts';
import { buildReport, isoUtc, KIND_LABEL, type ReportEntry } from './report.ts';

/**
 * Quotes a field when it holds a comma, quote, CR or LF (quotes doubled). A field that a spreadsheet
 * would run as a formula (= + - @ or a leading tab/CR) gets a leading apostrophe, so an entry like
 * "=HYPERLINK(...)" stays text (OWASP "CSV injection").
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

/**
 * One row per timeline entry in reading order. Deleted entries appear only with includeDeleted,
 * as rows whose "deleted" column says yes. Starts with a UTF-8 byte order mark so spreadsheet apps
 * read names such as "Léa" correctly.
 */
export function formatCsv(state: IncidentState, options: ExportOptions): string {
  const rep = buildReport(state, options);
  const zone = rep.zone;
  const head = [
    'seq', 'occurred_at_utc', ...(zone ? [`occurred_at_local (${zone})`] : []), 'logged_at_utc', 'kind', 'author', 'author_id',
    'text', 'pinned', 'edited', 'edited_at_utc', 'deleted', 'deleted_at_utc', 'unsynced', 'entry_id', 'moment', 'logged_after_min',
  ];
  // The local column carries its offset ("2026-10-25 02:30+01:00"), so the repeated hour of a fall-back night is unambiguous.
  const rows = options.includeDeleted ? [...rep.entries, ...rep.deleted].sort(readingOrder) : rep.entries;
  const out: string[] = [head.map(csvField).join(',')];
  for (const r of rows) {
    const e = r.entry;
    out.push([
      String(e.seq), isoUtc(e.occurredAt), ...(zone && rep.zoneSpan ? [`${dateTime(e.occurredAt, zone)}${rep.zoneSpan.label(e.occurredAt).slice(3)}`] : []), isoUtc(e.loggedAt),
      KIND_LABEL[e.kind].toLowerCase(), r.author, e.authorId, e.text, yes(e.pinned), yes(r.edited),
      e.editedAt === null ? '' : isoUtc(e.editedAt), yes(e.deletedAt !== null), e.deletedAt === null ? '' : isoUtc(e.deletedAt),
      yes(r.unsynced), e.id, e.moment ?? '', r.delayMs === null ? '' : String(Math.round(r.delayMs / 60_000)),
    ].map(csvField).join(','));
  }
  return `\uFEFF${out.join('\r\n')}\r\n`;
}

function readingOrder(a: ReportEntry, b: ReportEntry): number {
  return a.entry.occurredAt - b.entry.occurredAt || a.entry.seq - b.entry.seq;
}

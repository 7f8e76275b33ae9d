/** Export formatters: pure, deterministic, shared by the renderer and the server's `export` command. */
export { EXPORT_FORMATS, EXPORT_MIME, exportFileName, pendingMarks, type ExportFormat, type ExportOptions } from './options.ts';
export { formatMarkdown } from './markdown.ts';
export { formatHtml, escapeHtml } from './html.ts';
export { formatCsv, csvField } from './csv.ts';
export {
  applyPending, formatJson, importJson, EXPORT_FORMAT_ID, EXPORT_FORMAT_VERSION,
  type ExportBase, type ExportDocument, type ImportedIncident, type ImportResult, type JsonExportInput,
} from './json.ts';
export { exportedEntryCount } from './report.ts';
export { keyTimes, metrics, reopens, roleHistory, updateGaps, type KeyTime, type Metric, type UpdatesReport } from './facts.ts';

/** Export and review components, for the UI to mount (see each component's props). */
export { ExportDialog, type ExportDialogProps } from './ExportDialog.tsx';
export { ExportContainer } from './ExportContainer.tsx';
export { ReviewView, type ReviewViewProps } from './ReviewView.tsx';
export { HtmlPreview } from './HtmlPreview.tsx';
export { buildExportFile, FORMAT_LABEL, type DialogFormat, type LocalIncident } from './exportFile.ts';
export { ExportHighlights } from './ExportHighlights.tsx';
